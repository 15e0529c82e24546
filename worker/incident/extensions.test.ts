// Extensions (outgoing webhooks) in the real runtime: an incident's events call its service's
// extensions through the notification queue, with the guarantees of a page, and each call is in the
// incident's timeline and the service's extension log with its status and duration.
import {
  createExecutionContext,
  createMessageBatch,
  runDurableObjectAlarm,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { consumeNotifications, DEAD_LETTER_QUEUE } from '../notify/consumer';
import type { ExtensionJob } from '../notify/job';
import { api, postEvent, refuseQueue } from '../test/helpers';
import { incidentObject, incidentObjectName } from './commands';
import type { PageRecord } from './pages';

const KEY = 'key-extensions-0123456789abcdef';
const GCHAT = 'https://chat.googleapis.com/v1/spaces/XXX/messages?key=K';

beforeAll(async () => {
  const result = await api('PUT', '/config', {
    users: [{ id: 'kim', name: '김민아' }],
    services: [{ id: 'hooks', name: 'Hooks', routing: { user: 'kim' } }],
    integrations: [{ id: 'hooks-std', name: 'Std', type: 'standard', service: 'hooks', key: KEY }],
    extensions: [
      {
        id: 'gchat',
        name: 'Google Chat',
        type: 'webhook',
        service: 'hooks',
        events: ['triggered', 'escalated', 'assigned', 'acknowledged', 'resolved'],
        method: 'POST',
        url: GCHAT,
        url_encode: false,
        headers: { 'Content-Type': 'application/json' },
        body: '{"text": "${SERVICE_NAME} #${INCIDENT_NUMBER} ${INCIDENT_NAME} is ${STATUS}", "event": "${EVENT}", "who": "${ASSIGNEE}", "url": "${INCIDENT_URL}"}',
      },
      {
        id: 'ticket',
        name: 'Tickets',
        service: 'hooks',
        events: ['resolved'],
        method: 'GET',
        url: 'https://tickets.example.com/close/${INCIDENT_ID}?by=${ASSIGNEE}',
      },
    ],
  });
  expect(result.status, JSON.stringify(result.body)).toBe(200);
});

let refused: ReturnType<typeof refuseQueue>;
afterEach(() => {
  refused?.restore();
  vi.restoreAllMocks();
});

/** The target: every request recorded, answered by `answer` (200 by default). */
function target(answer: (url: string) => Response = () => new Response('ok')) {
  const seen: { method: string; url: string; headers: Headers; body: string }[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const request = new Request(input as RequestInfo, init as RequestInit);
    seen.push({ method: request.method, url: request.url, headers: request.headers, body: await request.text() });
    return answer(request.url);
  });
  return seen;
}

let run = 0;
async function openIncident(summary: string) {
  refused = refuseQueue();
  const eventId = `ext-${++run}`;
  const { body } = await postEvent(KEY, { summary, event_id: eventId });
  const id = body.incident_id as string;
  const integration = (await api('GET', '/integrations/hooks-std')).body.id as string;
  return { id, stub: env.INCIDENTS.getByName(incidentObjectName(integration, eventId)) };
}

async function calls(id: string, status = 'queued'): Promise<ExtensionJob[]> {
  const detail = (await incidentObject(env.INCIDENTS, id)!.detail(id)) as unknown as { pages: PageRecord[] };
  return detail.pages.flatMap((p) => (p.job.kind === 'extension' && p.status === status ? [p.job] : []));
}

/** Waits for the escalation's first step (fired right after the incident opens) to have been decided. */
async function settled(id: string, count: number) {
  for (let i = 0; i < 50 && (await calls(id)).length < count; i++) await new Promise((r) => setTimeout(r, 10));
  return calls(id);
}

async function consume(jobs: ExtensionJob[], attempts = 1, queue = 'tocsin-notifications') {
  const batch = createMessageBatch(
    queue,
    jobs.map((job, i) => ({ id: `m-${i}`, timestamp: new Date(), attempts, body: job })),
  );
  const retries = batch.messages.map((m) => vi.spyOn(m, 'retry'));
  const ctx = createExecutionContext();
  await consumeNotifications(batch, env);
  await waitOnExecutionContext(ctx);
  return retries.map((spy) => spy.mock.calls.map(([options]) => options));
}

describe('extensions', () => {
  it('call the service’s webhook on every event, with the template filled in and escaped', async () => {
    const { id, stub } = await openIncident('disk "full" on <db-1>');
    const seen = target();
    const opened = await settled(id, 2);
    expect(opened.map((j) => [j.extension.id, j.event])).toEqual([
      ['gchat', 'triggered'],
      ['gchat', 'assigned'],
    ]);
    await consume(opened);
    expect(await api('POST', `/incidents/${id}/acknowledge`)).toMatchObject({ status: 200 });
    await consume(await calls(id));
    expect(await api('POST', `/incidents/${id}/resolve`)).toMatchObject({ status: 200 });
    await consume(await calls(id));

    const chat = seen.filter((r) => r.url === GCHAT);
    expect(chat.map((r) => [r.method, r.headers.get('content-type')])).toEqual(
      Array(4).fill(['POST', 'application/json']),
    );
    const bodies = chat.map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => b.event)).toEqual(['triggered', 'assigned', 'acknowledged', 'resolved']);
    const number = bodies[0].text.match(/#(\d+)/)[1];
    expect(bodies[0]).toEqual({
      text: `Hooks #${number} disk "full" on <db-1> is triggered`,
      event: 'triggered',
      who: '',
      url: `https://tocsin.test/incidents/${id}`,
    });
    expect(bodies.slice(1).map((b) => b.who)).toEqual(['김민아', '김민아', '김민아']);
    expect(bodies.at(-1).text).toMatch(/ is resolved$/);
    const ticket = seen.filter((r) => r.url.startsWith('https://tickets.example.com/'));
    expect(ticket.map((r) => [r.method, r.url, r.body])).toEqual([
      ['GET', `https://tickets.example.com/close/${id}?by=${encodeURIComponent('김민아')}`, ''],
    ]);

    // The timeline tells of each call; the service's log has them all with status and duration.
    const detail = (await api('GET', `/incidents/${id}`)).body;
    const called = detail.timeline.filter((t: { type: string }) => t.type === 'extension_called');
    expect(called.map((t: { details: { extension: string; event: string } }) => t.details.event)).toEqual([
      'triggered',
      'assigned',
      'acknowledged',
      'resolved',
      'resolved',
    ]);
    expect(called[0].details).toMatchObject({ extension: 'gchat', response_status: 200 });
    await runDurableObjectAlarm(stub);
    const log = (await api('GET', '/services/hooks/extension-calls')).body.calls.filter(
      (c: { incident_id: string }) => c.incident_id === id,
    );
    expect(log).toHaveLength(5);
    expect(log[0]).toMatchObject({ status: 'sent', response_status: 200, attempts: 1, method: expect.any(String) });
    expect(log.every((c: { duration_ms: unknown }) => typeof c.duration_ms === 'number')).toBe(true);
    // The webhook's secret (its query) is not in the log.
    expect(log.find((c: { extension: string }) => c.extension === 'gchat').url).toBe(
      'https://chat.googleapis.com/v1/spaces/XXX/messages?…',
    );
    // Pages and calls keep to their own logs.
    const pages = (await api('GET', `/incidents/${id}/notifications`)).body.notifications;
    expect(pages.every((n: { kind: string }) => n.kind === 'page')).toBe(true);
  });

  it('retry a 5xx or 429 by the backoff and Retry-After, and fail for good on a 4xx', async () => {
    const { id } = await openIncident('flapping');
    const [triggered] = await settled(id, 1);
    let answer = new Response('busy', { status: 503, headers: { 'retry-after': '30' } });
    target(() => answer);
    expect(await consume([triggered!])).toEqual([[{ delaySeconds: 30 }]]);
    answer = new Response('ok');
    expect(await consume([triggered!], 2)).toEqual([[]]);
    // A redelivered call that was made is not made again.
    const seen = target();
    await consume([triggered!], 3);
    expect(seen).toEqual([]);
    expect((await calls(id, 'sent')).map((j) => j.event)).toContain('triggered');

    const [assigned] = await settled(id, 1);
    target(() => new Response('no such space', { status: 404 }));
    expect(await consume([assigned!])).toEqual([[]]);
    const detail = (await api('GET', `/incidents/${id}`)).body;
    const failed = detail.timeline.find((t: { type: string }) => t.type === 'extension_failed');
    expect(failed.details).toMatchObject({ extension: 'gchat', event: 'assigned', reason: '404 no such space' });
  });

  it('record a call the queue gave up on as failed', async () => {
    const { id } = await openIncident('queue trouble');
    const [triggered] = await settled(id, 1);
    await consume([triggered!], 100, DEAD_LETTER_QUEUE);
    expect((await calls(id, 'failed')).map((j) => j.id)).toContain(triggered!.id);
  });

  it('do not follow a redirect, and read only so much of an answer', async () => {
    const { id } = await openIncident('moved');
    const [triggered] = await settled(id, 1);
    target(() => new Response(null, { status: 302, headers: { location: 'http://127.0.0.1/admin' } }));
    await consume([triggered!]);
    const detail = (await api('GET', `/incidents/${id}`)).body;
    const failed = detail.timeline.find((t: { type: string }) => t.type === 'extension_failed');
    expect(failed.details.reason).toBe('302 (redirects are not followed)');
    const [assigned] = await settled(id, 1);
    target(() => new Response('x'.repeat(1024 * 1024), { status: 400 }));
    await consume([assigned!]);
    const reasons = (await api('GET', `/incidents/${id}`)).body.timeline
      .filter((t: { type: string }) => t.type === 'extension_failed')
      .map((t: { details: { reason: string } }) => t.details.reason);
    expect(reasons[1]).toHaveLength('400 '.length + 300);
  });
});

describe('an extension’s configuration', () => {
  const doc = (extension: Record<string, unknown>) => ({
    extensions: [{ id: 'x', name: 'X', service: 'hooks', url: 'https://hooks.example.com/x', ...extension }],
  });

  it('is refused, naming the field, when a template names an unknown variable', async () => {
    const result = await api('PUT', '/config', doc({ body: '{"t": "${SUMMARY}"}' }));
    expect(result.status).toBe(400);
    expect(result.body.fields).toEqual([
      { field: 'extensions[0].body', message: expect.stringContaining('${SUMMARY}') },
    ]);
  });

  it('is refused when it calls a private address or names no service', async () => {
    const local = await api('PUT', '/config', doc({ url: 'https://127.0.0.1:8080/hook' }));
    expect(local.status).toBe(400);
    expect(local.body.fields[0]).toMatchObject({ field: 'extensions[0].url' });
    const orphan = await api('PUT', '/config', doc({ service: 'nope' }));
    expect(orphan.body.fields[0]).toMatchObject({ field: 'extensions[0].service' });
  });

  it('is listed per service, with URL and headers whole only for those who configure', async () => {
    const listed = (await api('GET', '/services/hooks/extensions')).body.extensions;
    expect(listed.map((e: { id: string }) => e.id)).toEqual(['gchat', 'ticket']);
    expect(listed[0]).toMatchObject({ url: GCHAT, headers: { 'Content-Type': 'application/json' } });
    // An observer sees neither the webhook's secret (its query) nor its headers and body.
    await api('PUT', '/config', {
      users: [
        { id: 'kim', name: '김민아' },
        { id: 'oz', name: 'Oz', role: 'observer' },
      ],
    });
    const observer = (await api('POST', '/tokens', { user: 'oz' })).body.token as string;
    const seen = (await api('GET', '/services/hooks/extensions', undefined, observer)).body.extensions;
    expect(seen[0]).toMatchObject({ url: 'https://chat.googleapis.com/v1/spaces/XXX/messages?…' });
    expect(seen[0].headers).toBeUndefined();
    expect(seen[0].body).toBeUndefined();
  });
});
