// PagerDuty's Events API v2 as a door: POST /v2/enqueue with the key of a `pagerduty` integration as
// `routing_key`, answered as PagerDuty answers (202 with the dedup key; 400 "invalid event" with a
// list of errors); POST /v2/change/enqueue records a change event on the service and pages nobody.
import { Hono } from 'hono';
import { z } from 'zod';
import { integrationByKey } from '../../config/live';
import { recordChange } from '../../db/changes';
import { HttpError, validate } from '../../http';
import { readInbound, receive, tooLarge } from '../routes';

const invalid = (errors: string[]) => ({ status: 'invalid event', message: 'Event object is invalid', errors });

/** An error as PagerDuty words it: each field with what is wrong with it. */
function pagerdutyError(error: HttpError) {
  if (error.status === 413) return { status: 413, body: invalid(['the event is over 512 KB']) };
  const errors = error.fields?.map((f) => `'${f.field}' ${f.message}`) ?? [error.message];
  return { status: 400, body: invalid(errors) };
}

const routingKey = (json: unknown) =>
  json !== null && typeof json === 'object' && typeof (json as { routing_key?: unknown }).routing_key === 'string'
    ? (json as { routing_key: string }).routing_key
    : '';

const changeEventSchema = z.looseObject({
  routing_key: z.string().min(1).max(128),
  payload: z.looseObject({
    summary: z.string().trim().min(1).max(1024),
    timestamp: z.string().optional(),
    source: z.string().max(255).optional(),
    custom_details: z.unknown().optional(),
  }),
  links: z.array(z.looseObject({ href: z.string().max(2048), text: z.string().max(1024).optional() })).optional(),
});

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'invalid_json', 'not JSON', [{ field: 'body', message: 'is not valid JSON' }]);
  }
}

export const pagerdutyRoutes = new Hono<{ Bindings: Env }>()
  .post('/v2/enqueue', async (c) => {
    const request = await readInbound(c.req.raw);
    try {
      const key = request === null ? '' : routingKey(parsed(request.text));
      if (request === null) throw tooLarge();
      const keepAlive = (promise: Promise<unknown>) => c.executionCtx.waitUntil(promise);
      const { results } = await receive(c.env, 'pagerduty', key, request, keepAlive);
      return c.json({ status: 'success', message: 'Event processed', dedup_key: results[0]!.eventId }, 202);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      if (error.status === 404) return c.json(invalid(['Invalid routing key']), 400);
      const { status, body } = pagerdutyError(error);
      return c.json(body, status as 400);
    }
  })
  .post('/v2/change/enqueue', async (c) => {
    const request = await readInbound(c.req.raw);
    try {
      if (request === null) throw tooLarge();
      const change = validate(changeEventSchema, parsed(request.text), 'change event');
      const integration = await integrationByKey(c.env, change.routing_key);
      if (!integration || integration.type !== 'pagerduty') return c.json(invalid(['Invalid routing key']), 400);
      await recordChange(c.env.DB, integration, change, new Date());
      return c.json({ status: 'success', message: 'Change event processed' }, 202);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      const { status, body } = pagerdutyError(error);
      return c.json(body, status as 400);
    }
  });
