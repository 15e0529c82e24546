// Opsgenie's Alert API as a door, for the key of an `opsgenie` integration in `Authorization: GenieKey
// <key>`: create (POST /v2/alerts), acknowledge and close (POST /v2/alerts/{identifier}/acknowledge|close,
// identifierType alias, id or tiny), retitle and describe (PUT …/message|description, as Alertmanager's
// update_alerts sends them), and the outcome of a request (GET /v2/alerts/requests/{requestId}).
// Requests are processed before the answer, so the request id carries its own outcome: no store needed.
import { and, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { integrationByKey } from '../../config/live';
import { incidents } from '../../db/schema';
import { HttpError, validate } from '../../http';
import { incidentObject, incidentObjectName, type IncidentCommand } from '../../incident/commands';
import type { Incident } from '../../incident/lifecycle';
import { eventIdOf } from '../normalize';
import { ingestEvents } from '../pipeline';
import { readInbound, receive, tooLarge } from '../routes';

type Ctx = Context<{ Bindings: Env }>;

/** What a request did, as GET /v2/alerts/requests/{id} reports it. */
interface Outcome {
  integration: string;
  action: 'Create' | 'Acknowledge' | 'Close' | 'Update Message' | 'Update Description';
  success: boolean;
  status: string;
  alertId: string | null;
  alias: string | null;
  processedAt: string;
}

const toBase64url = (text: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

function readRequestId(id: string): Outcome | null {
  try {
    const binary = atob(id.replace(/-/g, '+').replace(/_/g, '/'));
    const outcome = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0))));
    return typeof outcome?.integration === 'string' ? (outcome as Outcome) : null;
  } catch {
    return null;
  }
}

/** Opsgenie's answers, each with the seconds the request `took`. */
function replies(c: Ctx) {
  const started = Date.now();
  const took = () => (Date.now() - started) / 1000;
  return {
    accepted: (outcome: Outcome) =>
      c.json(
        { result: 'Request will be processed', took: took(), requestId: toBase64url(JSON.stringify(outcome)) },
        202,
      ),
    refused: (status: 401 | 403 | 404 | 413 | 422, message: string, errors?: Record<string, string>) =>
      c.json({ message, ...(errors ? { errors } : {}), took: took(), requestId: crypto.randomUUID() }, status),
    found: (data: object) => c.json({ data, took: took(), requestId: crypto.randomUUID() }, 200),
  };
}
type Replies = ReturnType<typeof replies>;

/** The opsgenie integration the GenieKey names, or the answer that refuses it. */
async function authenticate(c: Ctx, reply: Replies) {
  const match = /^GenieKey\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
  if (!match) return { refusal: reply.refused(401, 'Could not authenticate: send Authorization: GenieKey <key>') };
  const integration = await integrationByKey(c.env, match[1]!, (p) => c.executionCtx.waitUntil(p));
  if (!integration || integration.type !== 'opsgenie') {
    return { refusal: reply.refused(403, 'The key is not the key of an Opsgenie integration') };
  }
  return { integration, key: match[1]! };
}

const errorsOf = (error: HttpError) =>
  Object.fromEntries((error.fields ?? [{ field: 'body', message: error.message }]).map((f) => [f.field, f.message]));

/** Runs a door, answering any refusal in Opsgenie's shape. */
const door = (handler: (c: Ctx, reply: Replies) => Promise<Response>) => async (c: Ctx) => {
  const reply = replies(c);
  try {
    return await handler(c, reply);
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    if (error.status === 413) return reply.refused(413, 'Request body is too large');
    if (error.status === 404) return reply.refused(404, error.message);
    return reply.refused(422, 'Request body is not processable. Please check the errors.', errorsOf(error));
  }
};

const identifierTypeSchema = z.enum(['id', 'alias', 'tiny']).default('id');
type IdentifierType = z.infer<typeof identifierTypeSchema>;

/** The incident an identifier names for an integration: by alias its dedup key's newest, by id, or by number (tiny). */
async function incidentNamed(env: Env, integration: { id: string }, identifier: string, type: IdentifierType) {
  if (type === 'alias') {
    const object = env.INCIDENTS.getByName(incidentObjectName(integration.id, eventIdOf(identifier)));
    return ((await object.latestIncident()) as Incident | null)?.id ?? null;
  }
  let id: string | undefined = identifier;
  if (type === 'tiny') {
    const row = await drizzle(env.DB)
      .select({ id: incidents.id })
      .from(incidents)
      .where(and(eq(incidents.number, Number(identifier)), eq(incidents.integrationId, integration.id)))
      .get();
    id = row?.id;
  }
  const object = id === undefined ? null : incidentObject(env.INCIDENTS, id);
  return object && (await object.headline(id!)) !== null ? id! : null;
}

/** The JSON body ({} when empty), bounded. */
async function body(c: Ctx): Promise<unknown> {
  const request = await readInbound(c.req.raw);
  if (request === null) throw tooLarge();
  if (request.text.trim() === '') return {};
  try {
    return JSON.parse(request.text);
  } catch {
    throw new HttpError(422, 'invalid_json', 'not JSON', [{ field: 'body', message: 'is not JSON' }]);
  }
}

/** Acts on an incident by its id for the integration, as its tool. */
async function command(env: Env, integration: { handle: string }, id: string, change: IncidentCommand) {
  const result = await incidentObject(env.INCIDENTS, id)!.command(id, change, {
    type: 'integration',
    id: integration.handle,
  });
  const success = result !== null && result.action !== 'ignored';
  return { success, message: result?.message ?? 'Alert does not exist' };
}

const noteSchema = z.looseObject({ note: z.string().max(25000).optional(), user: z.string().max(100).optional() });

const verbs = {
  acknowledge: { action: 'Acknowledge', event: 'ack', command: 'acknowledge', status: 'Acknowledged' },
  close: { action: 'Close', event: 'close', command: 'resolve', status: 'Closed' },
} as const;

export const opsgenieRoutes = new Hono<{ Bindings: Env }>()
  .post(
    '/v2/alerts',
    door(async (c, reply) => {
      const request = await readInbound(c.req.raw);
      const auth = await authenticate(c, reply);
      if ('refusal' in auth) return auth.refusal!;
      const [result] = (await receive(c.env, 'opsgenie', auth.key, request)).results;
      return reply.accepted({
        integration: auth.integration.id,
        action: 'Create',
        success: true,
        status: result!.action === 'deduplicated' ? 'Alert already exists; its count was raised' : 'Created alert',
        alertId: result!.incident?.id ?? null,
        alias: result!.eventId,
        processedAt: new Date().toISOString(),
      });
    }),
  )
  .post(
    '/v2/alerts/:identifier/:verb{acknowledge|close}',
    door(async (c, reply) => {
      const note = validate(noteSchema, await body(c), 'request');
      const auth = await authenticate(c, reply);
      if ('refusal' in auth) return auth.refusal!;
      const type = validate(identifierTypeSchema, c.req.query('identifierType'), 'identifierType');
      const identifier = c.req.param('identifier')!;
      const verb = verbs[c.req.param('verb') as keyof typeof verbs];
      const base = { integration: auth.integration.id, action: verb.action, processedAt: new Date().toISOString() };
      if (type === 'alias') {
        // As an event of the alert's tool: it is in the alert log, and closes what the alias opened.
        const [result] = await ingestEvents(c.env, auth.integration, [
          {
            eventId: eventIdOf(identifier),
            action: verb.event,
            summary: note.note ?? `${verb.status} through the Opsgenie API`,
            urgency: 'none',
            eventTime: new Date().toISOString(),
            payload: { identifier, ...note },
          },
        ]);
        const success = result!.action !== 'ignored';
        return reply.accepted({
          ...base,
          success,
          status: success ? verb.status : (result!.message ?? 'Alert does not exist'),
          alertId: result!.incident?.id ?? null,
          alias: identifier,
        });
      }
      const id = await incidentNamed(c.env, auth.integration, identifier, type);
      const outcome = id
        ? await command(c.env, auth.integration, id, { type: verb.command, channel: 'opsgenie' })
        : { success: false, message: 'Alert does not exist' };
      return reply.accepted({
        ...base,
        success: outcome.success,
        status: outcome.success ? verb.status : outcome.message,
        alertId: id,
        alias: null,
      });
    }),
  )
  .put(
    '/v2/alerts/:identifier/:field{message|description}',
    door(async (c, reply) => {
      const field = c.req.param('field') as 'message' | 'description';
      const limit = field === 'message' ? 130 : 15000;
      const schema = z.looseObject({ [field]: z.string().trim().min(1).max(limit) });
      const change = validate(schema, await body(c), 'request') as Record<string, string>;
      const auth = await authenticate(c, reply);
      if ('refusal' in auth) return auth.refusal!;
      const type = validate(identifierTypeSchema, c.req.query('identifierType'), 'identifierType');
      const id = await incidentNamed(c.env, auth.integration, c.req.param('identifier')!, type);
      const update: IncidentCommand =
        field === 'message'
          ? { type: 'update', summary: change.message! }
          : { type: 'update', description: change.description! };
      const outcome = id
        ? await command(c.env, auth.integration, id, update)
        : { success: false, message: 'Alert does not exist' };
      const action = field === 'message' ? 'Update Message' : 'Update Description';
      return reply.accepted({
        integration: auth.integration.id,
        action,
        success: outcome.success,
        status: outcome.success ? `${action}d` : outcome.message,
        alertId: id,
        alias: null,
        processedAt: new Date().toISOString(),
      });
    }),
  )
  .get(
    '/v2/alerts/requests/:requestId',
    door(async (c, reply) => {
      const auth = await authenticate(c, reply);
      if ('refusal' in auth) return auth.refusal!;
      const outcome = readRequestId(c.req.param('requestId')!);
      if (!outcome || outcome.integration !== auth.integration.id) return reply.refused(404, 'Request not found');
      const { integration, ...data } = outcome;
      return reply.found({ ...data, isSuccess: data.success, integrationId: integration });
    }),
  );
