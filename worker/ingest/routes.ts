// HTTP ingest: POST /integration/{type}/v1/{key}. A plain route (its type picks the adapter, and
// the body is read before anything answers); its definition is the API document's.
import type { RouteConfig } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { z } from 'zod';
import { errorSchema, HttpError, isJsonContentType, parseJsonText, readLimitedBody, validate } from '../http';
import { adapterFor } from './adapter';
import { integrationByKey } from '../config/live';
import { ingestEvents } from './pipeline';
import { standardEventSchema } from './standard';

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

export const ingestRoutes = new Hono<{ Bindings: Env }>().post('/integration/:type/v1/:key', async (c) => {
  // Read (and bound) the body first, so that no answer leaves before the sender has finished.
  const body = await readLimitedBody(c.req.raw, MAX_BODY_BYTES);
  const adapter = adapterFor(c.req.param('type'));
  // A configuration load this request starts serves the requests waiting on it even if this one is dropped.
  const keepAlive = (promise: Promise<unknown>) => c.executionCtx.waitUntil(promise);
  const integration = adapter ? await integrationByKey(c.env.DB, c.req.param('key'), keepAlive) : undefined;
  if (!adapter || !integration || integration.type !== c.req.param('type')) {
    throw new HttpError(404, 'unknown_integration', 'no integration has this key');
  }
  if (!isJsonContentType(c.req.header('content-type'))) {
    throw new HttpError(415, 'unsupported_media_type', 'send the event as Content-Type: application/json');
  }
  if (body.tooLarge) {
    throw new HttpError(413, 'payload_too_large', `the body is over ${MAX_BODY_BYTES} bytes`);
  }
  const parsed = validate(adapter.schema, parseJsonText(body.text), 'event');
  const events = adapter.toEvents(parsed, new Date(), () => crypto.randomUUID());
  const results = await ingestEvents(c.env, integration, events);
  return c.json(adapter.answer(results) as object, 202);
});
