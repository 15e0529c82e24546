// HTTP ingest: POST /integration/{type}/v1/{key}.
import { Hono } from 'hono';
import { HttpError, isJsonContentType, parseJsonText, readLimitedBody, validate } from '../http';
import { adapterFor } from './adapter';
import { integrationByKey } from '../config/live';
import { ingestEvents } from './pipeline';

export const MAX_BODY_BYTES = 512 * 1024;

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
