// /api/v1/incidents: the list reads the queryable copy in D1 (which trails by about a second); an
// incident's detail and every action (acknowledge, resolve, comment, reassign) go to its object,
// found from the id alone; its pages too, from its object's notification log.
import { z } from '@hono/zod-openapi';
import { and, desc, eq, gte, inArray, isNull, like, lt, or, type SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { liveConfig } from '../config/live';
import { routingSchema, type Configuration } from '../config/document';
import { loadConfig } from '../config/store';
import { incidents, integrations, notifications, services } from '../db/schema';
import { HttpError } from '../http';
import { actorSchema, incidentStatusSchema, isoInstantSchema, urgencySchema } from '../vocabulary';
import type { Incident } from '../incident/lifecycle';
import { incidentObject, type CommandResult, type IncidentCommand, type IncidentDetail } from '../incident/commands';
import { escalationFor } from '../incident/paging';
import { MANUAL_PREFIX, raise } from '../respond/respond';
import { notificationJson, notificationListSchema, verifiedOf } from './notifications';
import { apiApp, apiRoute, idParams, json, openapi } from './route';

const commaList = <T extends z.ZodType<string, string>>(item: T) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item));

export const incidentListQuerySchema = z.object({
  status: commaList(incidentStatusSchema).optional().describe('comma-separated: triggered, acknowledged, resolved'),
  urgency: commaList(urgencySchema).optional().describe('comma-separated: highest, high, medium, low, lowest, none'),
  service: z.string().min(1).optional().describe('handle or internal id'),
  integration: z.string().min(1).optional().describe('handle or internal id; `manual`: raised by hand too'),
  since: isoInstantSchema.optional().describe('created at or after'),
  until: isoInstantSchema.optional().describe('created before'),
  updated_since: isoInstantSchema.optional().describe('changed at or after: what a live list polls for'),
  assigned_to: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe('a user handle: the incidents that paged them or were reassigned to them'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().regex(/^\d+$/, 'not a cursor from this API').optional(),
});

export const incidentCreateSchema = z
  .object({
    service: z.string().min(1).max(64).describe('handle'),
    summary: z.string().trim().min(1).max(1024),
    urgency: urgencySchema.default('high'),
    details: z.record(z.string(), z.unknown()).default({}).describe("kept as the incident's alert payload"),
  })
  .strict()
  .meta({ id: 'IncidentCreate' });

export const commentSchema = z.object({ text: z.string().trim().min(1).max(10_000) }).meta({ id: 'Comment' });

export const reassignSchema = z
  .union([
    z.object({ user: z.string().min(1).max(64) }).strict(),
    z.object({ escalation_policy: z.string().min(1).max(64) }).strict(),
    z.object({ schedule: z.string().min(1).max(64) }).strict(),
  ])
  .meta({ id: 'Reassign' });

export const incidentSchema = z
  .object({
    id: z.string(),
    number: z.number().int(),
    status: incidentStatusSchema,
    urgency: urgencySchema,
    summary: z.string(),
    service: z.string().describe('handle (the internal id when the service is gone)'),
    service_id: z.string(),
    integration: z.string().describe('handle (the internal id when the integration is gone)'),
    integration_id: z.string(),
    event_id: z.string(),
    escalation_policy: z.string().nullable(),
    alert_count: z.number().int(),
    created_at: z.string(),
    acknowledged_at: z.string().nullable(),
    resolved_at: z.string().nullable(),
    last_event_at: z.string(),
    updated_at: z.string().nullable(),
    transient: z.boolean().optional().describe('resolved inside its transient pause (in the detail)'),
    flapping: z.boolean().optional().describe('its alert keeps coming back (in the detail)'),
  })
  .meta({ id: 'Incident' });

export const incidentListSchema = z
  .object({
    incidents: z.array(incidentSchema),
    next_cursor: z.string().nullable().describe('the cursor of the next page; null on the last'),
  })
  .meta({ id: 'IncidentList' });

export const incidentDetailSchema = incidentSchema
  .extend({
    details: z.record(z.string(), z.unknown()).describe("the latest open event's payload"),
    alerts: z.array(
      z.object({
        id: z.string(),
        received_at: z.string(),
        event_time: z.string(),
        summary: z.string(),
        urgency: urgencySchema,
        payload: z.record(z.string(), z.unknown()),
      }),
    ),
    timeline: z.array(
      z.object({
        id: z.string(),
        type: z.string(),
        at: z.string(),
        actor: actorSchema,
        details: z.record(z.string(), z.unknown()),
      }),
    ),
    timeline_truncated: z.boolean(),
  })
  .meta({ id: 'IncidentDetail' });

export const incidentActionSchema = z
  .object({
    action: z.string().describe('what the command did: acknowledged, resolved, commented, reassigned, ignored…'),
    message: z.string().optional(),
    incident: incidentSchema,
  })
  .meta({ id: 'IncidentAction' });

type Db = ReturnType<typeof drizzle>;

/** An incident pages a few dozen times at most; the list is bounded all the same. */
const MAX_PAGES_LISTED = 500;

const incidentColumns = {
  incident: incidents,
  service: services.handle,
  integration: integrations.handle,
};

interface IncidentNames {
  service: string | null;
  integration: string | null;
}

/** An incident as the API shows it, from its object's state or its D1 row. */
function incidentJson(
  i: Omit<Incident, 'urgency' | 'firstAcknowledgedAt' | 'acknowledgedBy' | 'escalated'> & {
    urgency: string;
    escalationPolicy?: string | null;
    updatedAt?: string | null;
  },
  names: IncidentNames,
) {
  return {
    id: i.id,
    number: i.number,
    status: i.status,
    urgency: i.urgency,
    summary: i.summary,
    service: names.service ?? i.serviceId,
    service_id: i.serviceId,
    integration: names.integration ?? (i.integrationId.startsWith(MANUAL_PREFIX) ? 'manual' : i.integrationId),
    integration_id: i.integrationId,
    event_id: i.eventId,
    escalation_policy: i.escalationPolicy ?? null,
    alert_count: i.alertCount,
    created_at: i.createdAt,
    acknowledged_at: i.acknowledgedAt,
    resolved_at: i.resolvedAt,
    last_event_at: i.lastEventAt,
    updated_at: i.updatedAt ?? null,
    ...('transient' in i && i.transient ? { transient: true } : {}),
    ...('flapping' in i && i.flapping ? { flapping: true } : {}),
  };
}

function selectIncidents(db: Db) {
  return db
    .select(incidentColumns)
    .from(incidents)
    .leftJoin(services, eq(services.id, incidents.serviceId))
    .leftJoin(integrations, eq(integrations.id, incidents.integrationId));
}

/** Ids that a filter value names: an internal id, or the handle of a live row. */
async function idsNamed(db: Db, table: typeof services | typeof integrations, value: string): Promise<string[]> {
  const rows = await db
    .select({ id: table.id })
    .from(table)
    .where(or(eq(table.id, value), and(eq(table.handle, value), isNull(table.deletedAt))));
  return rows.map((r) => r.id);
}

const notFound = (id: string) => new HttpError(404, 'not_found', `no incident has id ${id}`);

/** The incident's object, from its id alone: no D1 on the way. */
function objectOf(env: Env, id: string) {
  const object = incidentObject(env.INCIDENTS, id);
  if (!object) throw notFound(id);
  return object;
}

/** The service and integration handles, from the live configuration (which survives D1 failing). */
export async function namesOf(env: Env, incident: Pick<Incident, 'serviceId' | 'integrationId'>) {
  const stored = await liveConfig(env).catch(() => null);
  if (!stored) return { service: null, integration: null };
  const { ids } = stored;
  const handle = (map: Map<string, string>, id: string) => [...map].find(([, value]) => value === id)?.[0] ?? null;
  return {
    service: handle(ids.services, incident.serviceId),
    integration: handle(ids.integrations, incident.integrationId),
  };
}

export async function commandIncident(
  env: Env,
  id: string,
  command: IncidentCommand,
  actorHandle: string,
): Promise<CommandResult> {
  const result: CommandResult | null = await objectOf(env, id).command(id, command, { type: 'user', id: actorHandle });
  if (!result) throw notFound(id);
  return result;
}

export async function commandJson(env: Env, result: CommandResult) {
  return {
    action: result.action,
    ...(result.message ? { message: result.message } : {}),
    incident: incidentJson(result.incident, await namesOf(env, result.incident)),
  };
}

/** What a reassignment target pages with; 400 naming the field when it does not exist. */
function reassignTarget(config: Configuration, target: z.infer<typeof reassignSchema>) {
  const [field, handle] = Object.entries(target)[0] as [string, string];
  const known =
    field === 'user'
      ? config.users.some((u) => u.id === handle)
      : field === 'schedule'
        ? config.schedules.some((s) => s.id === handle)
        : config.escalation_policies.some((p) => p.id === handle);
  if (!known)
    throw new HttpError(400, 'invalid_request', `no ${field.replace('_', ' ')} is named ${handle}`, [
      { field, message: 'unknown' },
    ]);
  const routing = routingSchema.parse(target);
  return { escalation: escalationFor(routing, config, undefined, 0), label: `${field}:${handle}` };
}

export const incidentRoutes = apiApp();

openapi(
  incidentRoutes,
  apiRoute({
    method: 'get',
    path: '/incidents',
    summary: 'List incidents',
    permission: 'read',
    request: { query: incidentListQuerySchema },
    responses: { 200: json(incidentListSchema, 'A page of incidents, newest first') },
  }),
  async (c) => {
    const query = c.req.valid('query');
    const db = drizzle(c.env.DB);
    const conditions: SQL[] = [];
    if (query.status) conditions.push(inArray(incidents.status, query.status));
    if (query.urgency) conditions.push(inArray(incidents.urgency, query.urgency));
    if (query.service) conditions.push(inArray(incidents.serviceId, await idsNamed(db, services, query.service)));
    if (query.integration) {
      const named = inArray(incidents.integrationId, await idsNamed(db, integrations, query.integration));
      const byHand = like(incidents.integrationId, `${MANUAL_PREFIX}%`);
      conditions.push(query.integration === 'manual' ? or(named, byHand)! : named);
    }
    if (query.since) conditions.push(gte(incidents.createdAt, new Date(query.since).toISOString()));
    if (query.until) conditions.push(lt(incidents.createdAt, new Date(query.until).toISOString()));
    if (query.updated_since) conditions.push(gte(incidents.updatedAt, new Date(query.updated_since).toISOString()));
    if (query.assigned_to) {
      const paged = db
        .select({ id: notifications.incidentId })
        .from(notifications)
        .where(and(eq(notifications.user, query.assigned_to), eq(notifications.kind, 'page')));
      conditions.push(or(eq(incidents.escalationPolicy, `user:${query.assigned_to}`), inArray(incidents.id, paged))!);
    }
    if (query.cursor) conditions.push(lt(incidents.number, Number(query.cursor)));
    const rows = await selectIncidents(db)
      .where(and(...conditions))
      .orderBy(desc(incidents.number))
      .limit(query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return c.json({
      incidents: page.map((row) => incidentJson(row.incident, row)),
      next_cursor: rows.length > query.limit && last ? String(last.incident.number) : null,
    });
  },
);

// By hand, as `/tocsin create` does: under the service's synthetic integration `manual:{service}`
// (no key, no rules), so that a person's incident needs no integration and is never deduplicated
// with a tool's alerts; it pages by the service's routing like any other.
openapi(
  incidentRoutes,
  apiRoute({
    method: 'post',
    path: '/incidents',
    summary: 'Open an incident by hand on a service (its integration is `manual`)',
    permission: 'respond',
    bodyLimit: 64 * 1024,
    request: { body: { required: true, content: { 'application/json': { schema: incidentCreateSchema } } } },
    responses: { 201: json(incidentSchema, 'The incident') },
  }),
  async (c) => {
    const { service, summary, urgency, details } = c.req.valid('json');
    const raised = await raise(c.env, service, summary, c.get('principal'), { urgency, details });
    if ('error' in raised) {
      throw new HttpError(400, 'invalid_request', raised.error, [{ field: 'service', message: 'unknown service' }]);
    }
    return c.json(incidentJson(raised.incident!, { service, integration: 'manual' }), 201);
  },
);

// The incident's object answers: every change answered before this request is in it.
openapi(
  incidentRoutes,
  apiRoute({
    method: 'get',
    path: '/incidents/{id}',
    summary: 'An incident with its alerts and timeline',
    permission: 'read',
    request: { params: idParams },
    responses: { 200: json(incidentDetailSchema, 'The incident') },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    // Typed by hand: RPC's inferred type cannot carry the alerts' free-form payloads.
    const detail = (await objectOf(c.env, id).detail(id)) as unknown as IncidentDetail | null;
    if (!detail) throw notFound(id);
    return c.json({
      ...incidentJson(
        { ...detail.incident, escalationPolicy: detail.escalationPolicy },
        await namesOf(c.env, detail.incident),
      ),
      details: detail.details,
      alerts: detail.alerts.map((a) => ({
        id: a.id,
        received_at: a.receivedAt,
        event_time: a.eventTime,
        summary: a.summary,
        urgency: a.urgency,
        payload: a.payload,
      })),
      timeline: detail.timeline.map((t) => ({ id: t.id, type: t.type, at: t.at, actor: t.actor, details: t.details })),
      timeline_truncated: detail.timelineTruncated,
    });
  },
);

for (const [action, summary] of [
  ['acknowledge', 'Acknowledge an incident'],
  ['resolve', 'Resolve an incident'],
] as const) {
  openapi(
    incidentRoutes,
    apiRoute({
      method: 'post',
      path: `/incidents/{id}/${action}`,
      summary,
      permission: 'respond',
      request: { params: idParams },
      responses: { 200: json(incidentActionSchema, 'What the command did, and the incident after it') },
    }),
    async (c) => {
      const result = await commandIncident(c.env, c.req.valid('param').id, { type: action }, c.get('principal').handle);
      return c.json(await commandJson(c.env, result));
    },
  );
}

openapi(
  incidentRoutes,
  apiRoute({
    method: 'post',
    path: '/incidents/{id}/comment',
    summary: 'Comment on an incident',
    permission: 'respond',
    bodyLimit: 64 * 1024,
    request: { params: idParams, body: { required: true, content: { 'application/json': { schema: commentSchema } } } },
    responses: { 201: json(incidentActionSchema, 'The comment was added') },
  }),
  async (c) => {
    const { text } = c.req.valid('json');
    const id = c.req.valid('param').id;
    const result = await commandIncident(c.env, id, { type: 'comment', text }, c.get('principal').handle);
    return c.json(await commandJson(c.env, result), 201);
  },
);

openapi(
  incidentRoutes,
  apiRoute({
    method: 'post',
    path: '/incidents/{id}/reassign',
    summary: 'Reassign to a user, schedule or escalation policy (restarts from step 1)',
    permission: 'respond',
    request: {
      params: idParams,
      body: { required: true, content: { 'application/json': { schema: reassignSchema } } },
    },
    responses: { 200: json(incidentActionSchema, 'What the command did, and the incident after it') },
  }),
  async (c) => {
    const target = c.req.valid('json');
    const { config } = await loadConfig(c.env.DB);
    const { escalation, label } = reassignTarget(config, target);
    const id = c.req.valid('param').id;
    const result = await commandIncident(c.env, id, { type: 'reassign', escalation, label }, c.get('principal').handle);
    return c.json(await commandJson(c.env, result));
  },
);

openapi(
  incidentRoutes,
  apiRoute({
    method: 'get',
    path: '/incidents/{id}/notifications',
    summary: "The incident's pages",
    permission: 'read',
    request: { params: idParams },
    responses: {
      200: json(
        notificationListSchema,
        `Pages, oldest first, at most ${MAX_PAGES_LISTED} (observers see no addresses)`,
      ),
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const rows = await objectOf(c.env, id).notifications(id, MAX_PAGES_LISTED);
    if (!rows) throw notFound(id);
    const verified = await verifiedOf(c.env.DB, rows);
    return c.json({
      notifications: rows.map((n) => notificationJson(n, c.get('principal'), verified(n))),
      next_cursor: null,
    });
  },
);
