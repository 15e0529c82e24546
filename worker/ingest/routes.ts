// HTTP ingest: POST /integration/{type}/v1/{key}, where the type picks the adapter. The body is read
// whole (and bounded) before anything answers; the adapter turns it into events; the pipeline takes
// them to their incidents. The drop-in APIs of other pagers (dropin/) come in through `receive` too.
import type { RouteConfig } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { z } from 'zod';
import { integrationByKey, type KeepAlive } from '../config/live';
import { errorSchema, HttpError, jsonLimitProblem, readLimitedBody } from '../http';
import { summaryAnswer, type Adapter, type AdapterContext, type EventResult, type InboundRequest } from './adapter';
import { standardEventSchema } from './adapters/standard';
import type { AlertEvent } from './event';
import { ingestEvents } from './pipeline';
import { adapterFor } from './registry';
import { openSnsEnvelope } from './sns';

export const MAX_BODY_BYTES = 512 * 1024;

/** What the standard integration answers an event. */
export const ingestAnswerSchema = z
  .object({
    status: z.literal('success'),
    event_id: z.string(),
    incident_id: z.string().nullable(),
    incident_number: z.number().int().nullable(),
    action: z.string().describe('what the event did: opened, acknowledged, resolved, ignored…'),
    message: z.string().optional(),
  })
  .meta({ id: 'IngestAnswer' });

/** The route as the OpenAPI document shows it (a route definition; no token: the key is the credential). */
export const ingestRouteDefinition: RouteConfig = {
  method: 'post',
  path: '/integration/standard/v1/{key}',
  summary: 'Send an event (standard integration)',
  security: [],
  request: {
    params: z.object({ key: z.string().describe("the integration's key") }),
    body: { required: true, content: { 'application/json': { schema: standardEventSchema } } },
  },
  responses: {
    202: { description: 'Accepted', content: { 'application/json': { schema: ingestAnswerSchema } } },
    '4XX': {
      description: 'Unknown key (404), not JSON (415), over the size limit (413), or a bad event (400)',
      content: { 'application/json': { schema: errorSchema } },
    },
  },
};

/** The body parsed as JSON when it is JSON (whatever the Content-Type: SNS says text/plain), else undefined. */
function jsonOf(text: string): unknown {
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const problem = jsonLimitProblem(value);
  if (problem) throw new HttpError(400, 'invalid_request', `the body is too ${problem.what}`, [problem.error]);
  return value;
}

/** A request read whole, as adapters take it; null when its body is over MAX_BODY_BYTES. */
export async function readInbound(raw: Request): Promise<InboundRequest | null> {
  const body = await readLimitedBody(raw, MAX_BODY_BYTES);
  if (body.tooLarge) return null;
  return {
    method: raw.method,
    headers: raw.headers,
    query: new URL(raw.url).searchParams,
    text: body.text,
    json: undefined,
  };
}

export const tooLarge = () => new HttpError(413, 'payload_too_large', `the body is over ${MAX_BODY_BYTES} bytes`);

/** The events an adapter makes of a request. Nothing a sender sends is a 5xx: an adapter's slip is a 400. */
export function eventsOf(
  adapter: Adapter,
  request: InboundRequest,
  context: Omit<AdapterContext, 'newId'>,
): AlertEvent[] {
  const parsed = { ...request, json: request.json ?? jsonOf(request.text) };
  try {
    return adapter.events(parsed, { ...context, newId: () => crypto.randomUUID() });
  } catch (error) {
    if (error instanceof HttpError) throw error;
    console.error(`ingest: the ${adapter.title} adapter could not read a request`, error);
    throw new HttpError(400, 'invalid_event', `the body could not be read as ${adapter.title} sends it`, [
      { field: 'body', message: String(error).slice(0, 200) },
    ]);
  }
}

type Integration = NonNullable<Awaited<ReturnType<typeof integrationByKey>>>;

/**
 * What some types do with a request before (or instead of) their adapter: SNS's envelope is opened
 * and checked first; a heartbeat's ping is its object's. An answer when the request held no alert.
 */
const before: Record<
  string,
  (request: InboundRequest, integration: Integration, env: Env) => Promise<{ answer: object } | null>
> = {
  cloudwatch: (request, _integration, env) => openSnsEnvelope(jsonOf(request.text), env),
  heartbeat: async (_request, integration, env) => {
    const name = String(integration.settings.name ?? integration.handle);
    const expected = await env.HEARTBEATS.getByName(integration.id).ping(
      { id: integration.id, handle: integration.handle, serviceId: integration.serviceId, name },
      integration.settings.heartbeat,
      Date.now(),
    );
    return { answer: { status: 'success', next_ping_due_by: expected.dueBy } };
  },
};

export interface Received {
  results: EventResult[];
  answer: unknown;
}

/** From a read request to its incidents, for the integration with this key and type; 404 when there is none. */
export async function receive(
  env: Env,
  type: string,
  key: string,
  request: InboundRequest | null,
  keepAlive?: KeepAlive,
): Promise<Received> {
  const adapter = adapterFor(type);
  const integration = adapter ? await integrationByKey(env, key, keepAlive) : undefined;
  if (!adapter || !integration || integration.type !== type) {
    throw new HttpError(404, 'unknown_integration', 'no integration has this key');
  }
  if (request === null) throw tooLarge();
  const handled = Object.hasOwn(before, type) ? await before[type]!(request, integration, env) : null;
  if (handled) return { results: [], answer: handled.answer };
  const events = eventsOf(adapter, request, { now: new Date(), settings: integration.settings });
  const results = await ingestEvents(env, integration, events, integration.stages);
  return { results, answer: (adapter.answer ?? summaryAnswer)(results) };
}

export const ingestRoutes = new Hono<{ Bindings: Env }>().on(
  ['POST', 'GET'],
  '/integration/:type/v1/:key',
  async (c) => {
    // Read (and bound) the body first, so that no answer leaves before the sender has finished.
    const request = await readInbound(c.req.raw);
    // A configuration load this request starts serves the requests waiting on it even if this one is dropped.
    const keepAlive = (promise: Promise<unknown>) => c.executionCtx.waitUntil(promise);
    const { answer } = await receive(c.env, c.req.param('type'), c.req.param('key'), request, keepAlive);
    return c.json(answer as object, 202);
  },
);
