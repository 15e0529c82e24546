// /api/v1/incidents: the list reads the queryable copy in D1 (which trails by about a second); an
// incident's detail and every action go to its object, found from the id alone.
import { and, desc, eq, gte, inArray, isNull, lt, or, type SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { Hono } from 'hono';
import { z } from 'zod';
import { liveConfig } from '../config/live';
import { incidents, integrations, services } from '../db/schema';
import { HttpError, readJson, validate } from '../http';
import { incidentStatusSchema, isoInstantSchema, urgencySchema } from '../vocabulary';
import type { Incident } from '../incident/lifecycle';
import { incidentObject, type CommandResult, type IncidentCommand, type IncidentDetail } from '../incident/commands';
import { allow, type ApiEnv } from './auth';

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
  status: commaList(incidentStatusSchema).optional(),
  urgency: commaList(urgencySchema).optional(),
  service: z.string().min(1).optional().describe('handle or internal id'),
  integration: z.string().min(1).optional().describe('handle or internal id'),
  since: isoInstantSchema.optional().describe('created at or after'),
  until: isoInstantSchema.optional().describe('created before'),
  updated_since: isoInstantSchema.optional().describe('changed at or after: what a live list polls for'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().regex(/^\d+$/, 'not a cursor from this API').optional(),
});

export const commentSchema = z.object({ text: z.string().trim().min(1).max(10_000) }).meta({ id: 'Comment' });

type Db = ReturnType<typeof drizzle>;

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
  i: Omit<Incident, 'urgency'> & { urgency: string; escalationPolicy?: string | null; updatedAt?: string | null },
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
    integration: names.integration ?? i.integrationId,
    integration_id: i.integrationId,
    event_id: i.eventId,
    escalation_policy: i.escalationPolicy ?? null,
    alert_count: i.alertCount,
    created_at: i.createdAt,
    acknowledged_at: i.acknowledgedAt,
    resolved_at: i.resolvedAt,
    last_event_at: i.lastEventAt,
    updated_at: i.updatedAt ?? null,
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
  const stored = await liveConfig(env.DB).catch(() => null);
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

export const incidentRoutes = new Hono<ApiEnv>()
  .get('/incidents', allow('read'), async (c) => {
    const query = validate(incidentListQuerySchema, c.req.query(), 'query');
    const db = drizzle(c.env.DB);
    const conditions: SQL[] = [];
    if (query.status) conditions.push(inArray(incidents.status, query.status));
    if (query.urgency) conditions.push(inArray(incidents.urgency, query.urgency));
    if (query.service) conditions.push(inArray(incidents.serviceId, await idsNamed(db, services, query.service)));
    if (query.integration) {
      conditions.push(inArray(incidents.integrationId, await idsNamed(db, integrations, query.integration)));
    }
    if (query.since) conditions.push(gte(incidents.createdAt, new Date(query.since).toISOString()));
    if (query.until) conditions.push(lt(incidents.createdAt, new Date(query.until).toISOString()));
    if (query.updated_since) conditions.push(gte(incidents.updatedAt, new Date(query.updated_since).toISOString()));
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
  })
  // The incident's object answers: every change answered before this request is in it.
  .get('/incidents/:id', allow('read'), async (c) => {
    const id = c.req.param('id');
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
  })
  .post('/incidents/:id/acknowledge', allow('respond'), async (c) => {
    const result = await commandIncident(c.env, c.req.param('id'), { type: 'acknowledge' }, c.get('principal').handle);
    return c.json(await commandJson(c.env, result));
  })
  .post('/incidents/:id/resolve', allow('respond'), async (c) => {
    const result = await commandIncident(c.env, c.req.param('id'), { type: 'resolve' }, c.get('principal').handle);
    return c.json(await commandJson(c.env, result));
  })
  .post('/incidents/:id/comment', allow('respond'), async (c) => {
    const { text } = await readJson(c.req.raw, commentSchema, 64 * 1024);
    const result = await commandIncident(
      c.env,
      c.req.param('id'),
      { type: 'comment', text },
      c.get('principal').handle,
    );
    return c.json(await commandJson(c.env, result), 201);
  });
