// /api/v1/incidents: the queryable copy in D1 for reading; actions go to the incident's object.
import { and, asc, desc, eq, gte, inArray, isNull, lt, or, type SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { Hono } from 'hono';
import { z } from 'zod';
import { alerts, incidents, integrations, services, timelineEntries } from '../db/schema';
import { HttpError, readJson, validate } from '../http';
import { incidentStatusSchema, isoInstantSchema, urgencySchema } from '../vocabulary';
import type { Incident } from '../incident/lifecycle';
import { incidentObjectName, type CommandResult, type IncidentCommand } from '../incident/commands';
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

function incidentJson(row: {
  incident: typeof incidents.$inferSelect;
  service: string | null;
  integration: string | null;
}) {
  const i = row.incident;
  return {
    id: i.id,
    number: i.number,
    status: i.status,
    urgency: i.urgency,
    summary: i.summary,
    service: row.service ?? i.serviceId,
    service_id: i.serviceId,
    integration: row.integration ?? i.integrationId,
    integration_id: i.integrationId,
    event_id: i.eventId,
    alert_count: i.alertCount,
    created_at: i.createdAt,
    acknowledged_at: i.acknowledgedAt,
    resolved_at: i.resolvedAt,
    last_event_at: i.lastEventAt,
    details: i.details,
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

async function getIncidentRow(db: Db, id: string) {
  return selectIncidents(db).where(eq(incidents.id, id)).get();
}

/** How long an incident id answered a moment ago may take to reach D1 (its object's next drain). */
const FRESH_INCIDENT_WAITS_MS = [150, 300, 600];
const incidentIdSchema = z.uuid();

/**
 * The incident's D1 row; for a well-formed id not there yet, asks again a few times before giving
 * up, so that a client acting on an incident it has just opened does not get a 404.
 */
async function findIncident<T>(find: () => Promise<T | undefined>, id: string): Promise<T> {
  const waits = incidentIdSchema.safeParse(id).success ? FRESH_INCIDENT_WAITS_MS : [];
  for (const wait of [0, ...waits]) {
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const found = await find();
    if (found) return found;
  }
  throw new HttpError(404, 'not_found', `no incident has id ${id}`);
}

async function commandIncident(
  env: Env,
  id: string,
  command: IncidentCommand,
  actorHandle: string,
): Promise<CommandResult> {
  const db = drizzle(env.DB);
  const row = await findIncident(() => db.select().from(incidents).where(eq(incidents.id, id)).get(), id);
  const object = env.INCIDENTS.getByName(incidentObjectName(row.integrationId, row.eventId));
  const result: CommandResult | null = await object.command(id, command, { type: 'user', id: actorHandle });
  if (!result) throw new HttpError(404, 'not_found', `no incident has id ${id}`);
  return result;
}

export function commandJson(result: CommandResult, row: { service: string | null; integration: string | null }) {
  const incident: Incident = result.incident;
  return {
    action: result.action,
    ...(result.message ? { message: result.message } : {}),
    incident: incidentJson({ incident: { ...incident, revision: 0 }, ...row }),
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
    if (query.cursor) conditions.push(lt(incidents.number, Number(query.cursor)));
    const rows = await selectIncidents(db)
      .where(and(...conditions))
      .orderBy(desc(incidents.number))
      .limit(query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return c.json({
      incidents: page.map(incidentJson),
      next_cursor: rows.length > query.limit && last ? String(last.incident.number) : null,
    });
  })
  .get('/incidents/:id', allow('read'), async (c) => {
    const db = drizzle(c.env.DB);
    const id = c.req.param('id');
    const row = await findIncident(() => getIncidentRow(db, id), id);
    const [alertRows, timelineRows] = await db.batch([
      db
        .select()
        .from(alerts)
        .where(eq(alerts.incidentId, id))
        .orderBy(desc(alerts.receivedAt), desc(alerts.id))
        .limit(100),
      db.select().from(timelineEntries).where(eq(timelineEntries.incidentId, id)).orderBy(asc(timelineEntries.seq)),
    ]);
    return c.json({
      ...incidentJson(row),
      alerts: alertRows.map((a) => ({
        id: a.id,
        received_at: a.receivedAt,
        event_time: a.eventTime,
        summary: a.summary,
        urgency: a.urgency,
        payload: a.payload,
      })),
      timeline: timelineRows.map((t) => ({
        id: t.id,
        type: t.type,
        at: t.at,
        actor: { type: t.actorType, id: t.actorId },
        details: t.details,
      })),
    });
  })
  .post('/incidents/:id/acknowledge', allow('respond'), async (c) => {
    const result = await commandIncident(c.env, c.req.param('id'), { type: 'acknowledge' }, c.get('principal').handle);
    return c.json(commandJson(result, await handlesOf(c.env, result.incident)));
  })
  .post('/incidents/:id/resolve', allow('respond'), async (c) => {
    const result = await commandIncident(c.env, c.req.param('id'), { type: 'resolve' }, c.get('principal').handle);
    return c.json(commandJson(result, await handlesOf(c.env, result.incident)));
  })
  .post('/incidents/:id/comment', allow('respond'), async (c) => {
    const { text } = await readJson(c.req.raw, commentSchema, 64 * 1024);
    const result = await commandIncident(
      c.env,
      c.req.param('id'),
      { type: 'comment', text },
      c.get('principal').handle,
    );
    return c.json(commandJson(result, await handlesOf(c.env, result.incident)), 201);
  });

export async function handlesOf(env: Env, incident: Incident) {
  const db = drizzle(env.DB);
  const [service, integration] = await db.batch([
    db.select({ handle: services.handle }).from(services).where(eq(services.id, incident.serviceId)),
    db.select({ handle: integrations.handle }).from(integrations).where(eq(integrations.id, incident.integrationId)),
  ]);
  return { service: service[0]?.handle ?? null, integration: integration[0]?.handle ?? null };
}
