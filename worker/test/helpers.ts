// Small helpers for tests that drive the real Worker, its Durable Objects and D1.
import { createExecutionContext, runDurableObjectAlarm, waitOnExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { vi } from 'vitest';
import { incidentObjectName } from '../incident/commands';

export const ADMIN_TOKEN = 'test-admin-token';
const BASE = 'http://tocsin.test';

const worker = (exports as unknown as { default: { fetch(request: Request): Promise<Response> } }).default;

export function send(path: string, init: RequestInit = {}): Promise<Response> {
  return worker.fetch(new Request(`${BASE}${path}`, init));
}

export async function api(
  method: string,
  path: string,
  body?: unknown,
  token: string | null = ADMIN_TOKEN,
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let payload: string | undefined;
  if (body !== undefined) {
    headers['content-type'] = typeof body === 'string' ? 'application/yaml' : 'application/json';
    payload = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const response = await send(`/api/v1${path}`, { method, headers, body: payload });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

export async function postEvent(
  key: string,
  event: unknown,
  type = 'standard',
): Promise<{ status: number; body: any }> {
  const response = await send(`/integration/${type}/v1/${key}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof event === 'string' ? event : JSON.stringify(event),
  });
  return { status: response.status, body: await response.json() };
}

/** A standard integration with a fixed key on service `web` (created when missing), through the API. */
export async function setUpIntegration(handle = 'std', key = `key-${handle}-0123456789abcdef`) {
  const service = await api('POST', '/services', { id: 'web', name: 'Web' });
  if (service.status !== 201 && service.status !== 409) throw new Error(`service: ${JSON.stringify(service.body)}`);
  const integration = await api('POST', '/integrations', {
    id: handle,
    name: handle,
    type: 'standard',
    key,
    service: 'web',
  });
  if (integration.status !== 201) throw new Error(`integration: ${JSON.stringify(integration.body)}`);
  return { key, integrationId: integration.body.id as string };
}

/** Runs the incident object's alarm now, so that its outbox reaches D1. */
export async function drain(integrationId: string, eventId: string): Promise<void> {
  await runDurableObjectAlarm(env.INCIDENTS.getByName(incidentObjectName(integrationId, eventId)));
}

/**
 * Makes D1 fail as a whole, for the Worker and every object in this isolate: every statement and
 * batch throws until the returned function is called (calling it twice is harmless).
 */
export function failD1(): () => void {
  const database = Object.getPrototypeOf(env.DB) as Record<string, unknown>;
  const down = () => {
    throw new Error('D1_ERROR: D1 is down (a test outage)');
  };
  const spies = (['prepare', 'batch', 'exec'] as const).map((method) =>
    vi.spyOn(database as Record<typeof method, () => unknown>, method).mockImplementation(down),
  );
  return () => spies.forEach((spy) => spy.mockRestore());
}

/**
 * Holds every D1 batch (of the Worker and every object in this isolate) until `release` is called:
 * D1 slow, not failing. `held` is the spy, to see that a batch was asked for; `release` restores D1.
 */
export function holdD1Batches() {
  const database = Object.getPrototypeOf(env.DB) as { batch: (...args: unknown[]) => Promise<unknown> };
  const batch = database.batch;
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const held = vi.spyOn(database, 'batch').mockImplementation(async function (this: unknown, ...args) {
    await gate;
    return batch.apply(this, args);
  });
  return {
    held,
    release: () => {
      open();
      held.mockRestore();
    },
  };
}

/**
 * Makes the notification queue refuse: every batch, and each single message whose job `refuses`
 * (every one, by default); the others go through. For the Worker and every object in this isolate.
 */
export function refuseQueue(refuses: (job: { user: string }) => boolean = () => true) {
  const queue = Object.getPrototypeOf(env.NOTIFICATIONS) as Record<
    'send' | 'sendBatch',
    (...args: unknown[]) => unknown
  >;
  const send = queue.send!;
  const batches = vi.spyOn(queue, 'sendBatch').mockRejectedValue(new Error('the queue refused the batch'));
  const singles = vi.spyOn(queue, 'send').mockImplementation(function (this: unknown, ...args: unknown[]) {
    return refuses(args[0] as { user: string })
      ? Promise.reject(new Error('the queue refused the message'))
      : send.apply(this, args);
  });
  return {
    batches,
    restore: () => {
      batches.mockRestore();
      singles.mockRestore();
    },
  };
}

/**
 * Hands a raw message to the Worker's email handler as Email Routing would, for this envelope;
 * answers the spy of `setReject` (a bounce and its reason).
 */
export async function deliverEmail(raw: string, envelope: { from: string; to: string }) {
  // The module itself, not the runtime's stub of it: an execution context cannot cross to a stub.
  const { default: handlers } = await import('../index');
  const setReject = vi.fn();
  const bytes = new TextEncoder().encode(raw);
  const message = {
    ...envelope,
    raw: new Response(bytes).body!,
    rawSize: bytes.length,
    headers: new Headers(),
    setReject,
    forward: vi.fn(),
    reply: vi.fn(),
  } as unknown as ForwardableEmailMessage;
  const ctx = createExecutionContext();
  await handlers.email(message, env, ctx);
  await waitOnExecutionContext(ctx);
  return setReject;
}
