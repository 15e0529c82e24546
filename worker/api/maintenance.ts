// A service's maintenance windows: start one now for 5, 15, 30 or 60 minutes, or schedule one (at
// most five waiting, each at most a week); extend it, end it early; and its history, with who did
// what. While a window is open, the service's events are recorded and nobody is paged.
import { z } from '@hono/zod-openapi';
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import type { Context } from 'hono';
import { forgetLiveConfig } from '../config/live';
import { loadConfig } from '../config/store';
import { maintenanceWindows } from '../db/schema';
import { HttpError } from '../http';
import { MAX_SCHEDULED, MAX_WINDOW_DAYS, maintenanceRequestSchema } from '../ingest/maintenance';
import { DAY, isoInstantSchema, MINUTE } from '../vocabulary';
import { audit } from './audit';
import type { ApiEnv } from './auth';
import { currentOne } from './objects';
import { apiApp, apiRoute, json, openapi } from './route';

type Row = typeof maintenanceWindows.$inferSelect;

export const maintenanceWindowSchema = z
  .object({
    id: z.string(),
    service: z.string(),
    start: z.string(),
    end: z.string(),
    description: z.string(),
    state: z.enum(['open', 'scheduled', 'ended']),
    source: z.enum(['api', 'config']),
    created_by: z.string(),
    created_at: z.string(),
    ended_by: z.string().nullable(),
  })
  .meta({ id: 'MaintenanceWindow' });

const windowJson = (row: Row, service: string, now: Date): z.infer<typeof maintenanceWindowSchema> => ({
  id: row.id,
  service,
  start: row.startsAt,
  end: row.endsAt,
  description: row.description,
  state:
    row.endedBy !== null || row.endsAt <= now.toISOString()
      ? 'ended'
      : row.startsAt <= now.toISOString()
        ? 'open'
        : 'scheduled',
  source: row.source,
  created_by: row.createdBy,
  created_at: row.createdAt,
  ended_by: row.endedBy,
});

/** The service a path names: its handle and internal id. */
async function serviceOf(c: Context<ApiEnv>, idOrHandle: string) {
  const stored = await loadConfig(c.env.DB);
  const service = currentOne(stored, 'services', idOrHandle);
  return { handle: service.id, id: stored.ids.services.get(service.id)! };
}

const params = z.object({ id: z.string().describe('the service: internal id or handle') });
const windowParams = params.extend({ window: z.string() });
const iso = (ms: number) => new Date(ms).toISOString();
const bad = (field: string, message: string) => new HttpError(400, 'invalid_request', message, [{ field, message }]);

export const maintenanceRoutes = apiApp();

/** A changed window, recorded in the audit log before and after: what the change answers. */
async function audited(
  c: Context<ApiEnv>,
  action: string,
  service: string,
  row: typeof maintenanceWindows.$inferSelect,
  changed: Partial<typeof maintenanceWindows.$inferSelect>,
  now: Date,
) {
  const after = windowJson({ ...row, ...changed }, service, now);
  await audit(c, { action, kind: 'maintenance', target: service, before: windowJson(row, service, now), after });
  return after;
}

openapi(
  maintenanceRoutes,
  apiRoute({
    method: 'post',
    path: '/services/{id}/maintenance',
    summary: 'Start a maintenance window now ({minutes}: 5, 15, 30 or 60) or schedule one ({start, end})',
    permission: 'respond',
    request: {
      params,
      body: { required: true, content: { 'application/json': { schema: maintenanceRequestSchema } } },
    },
    responses: { 201: json(maintenanceWindowSchema, 'The window') },
  }),
  async (c) => {
    const service = await serviceOf(c, c.req.valid('param').id);
    const body = c.req.valid('json');
    const now = new Date();
    const [start, end] =
      'minutes' in body
        ? [now.getTime(), now.getTime() + body.minutes * MINUTE]
        : [Date.parse(body.start), Date.parse(body.end)];
    if (end <= start) throw bad('end', 'the end must come after the start');
    if (end <= now.getTime()) throw bad('end', 'the window would be over already');
    if (end - start > MAX_WINDOW_DAYS * DAY) throw bad('end', `a window lasts at most ${MAX_WINDOW_DAYS} days`);
    const db = drizzle(c.env.DB);
    const waiting = await db
      .select({ id: maintenanceWindows.id })
      .from(maintenanceWindows)
      .where(
        and(
          eq(maintenanceWindows.serviceId, service.id),
          gt(maintenanceWindows.startsAt, now.toISOString()),
          isNull(maintenanceWindows.endedBy),
        ),
      );
    if (start > now.getTime() && waiting.length >= MAX_SCHEDULED) {
      throw new HttpError(409, 'conflict', `a service has at most ${MAX_SCHEDULED} scheduled windows`);
    }
    const row: Row = {
      id: crypto.randomUUID(),
      serviceId: service.id,
      startsAt: iso(Math.max(start, now.getTime() - MINUTE)),
      endsAt: iso(end),
      description: body.description,
      source: 'api',
      createdBy: c.get('principal').handle,
      createdAt: now.toISOString(),
      endedBy: null,
      updatedAt: now.toISOString(),
    };
    await db.insert(maintenanceWindows).values(row);
    forgetLiveConfig();
    const created = windowJson(row, service.handle, now);
    await audit(c, { action: 'create', kind: 'maintenance', target: service.handle, after: created });
    return c.json(created, 201);
  },
);

openapi(
  maintenanceRoutes,
  apiRoute({
    method: 'get',
    path: '/services/{id}/maintenance',
    summary: "A service's maintenance: the open window, the scheduled ones, and the history",
    permission: 'read',
    request: { params },
    responses: {
      200: json(
        z.object({
          current: maintenanceWindowSchema.nullable(),
          scheduled: z.array(maintenanceWindowSchema),
          history: z.array(maintenanceWindowSchema),
        }),
        'The service’s windows',
      ),
    },
  }),
  async (c) => {
    const service = await serviceOf(c, c.req.valid('param').id);
    const now = new Date();
    const rows = await drizzle(c.env.DB)
      .select()
      .from(maintenanceWindows)
      .where(eq(maintenanceWindows.serviceId, service.id))
      .orderBy(desc(maintenanceWindows.startsAt))
      .limit(200);
    const windows = rows.map((row) => windowJson(row, service.handle, now));
    return c.json({
      current: windows.find((w) => w.state === 'open') ?? null,
      scheduled: windows.filter((w) => w.state === 'scheduled').reverse(),
      history: windows.filter((w) => w.state === 'ended'),
    });
  },
);

/** A window of the service that is not over, or 404. */
async function liveWindow(c: Context<ApiEnv>, serviceId: string, id: string, now: Date): Promise<Row> {
  const row = await drizzle(c.env.DB)
    .select()
    .from(maintenanceWindows)
    .where(and(eq(maintenanceWindows.id, id), eq(maintenanceWindows.serviceId, serviceId)))
    .get();
  if (!row) throw new HttpError(404, 'not_found', `no maintenance window ${id} on this service`);
  if (row.endedBy !== null || row.endsAt <= now.toISOString()) {
    throw new HttpError(409, 'conflict', 'the window is over already');
  }
  return row;
}

openapi(
  maintenanceRoutes,
  apiRoute({
    method: 'patch',
    path: '/services/{id}/maintenance/{window}',
    summary: 'Extend (or shorten) a window: a new end, or so many more minutes',
    permission: 'respond',
    request: {
      params: windowParams,
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.union([
              z.object({ end: isoInstantSchema }).strict(),
              z
                .object({
                  minutes: z
                    .number()
                    .int()
                    .min(1)
                    .max(24 * 60),
                })
                .strict(),
            ]),
          },
        },
      },
    },
    responses: { 200: json(maintenanceWindowSchema, 'The window') },
  }),
  async (c) => {
    const { id, window } = c.req.valid('param');
    const service = await serviceOf(c, id);
    const now = new Date();
    const row = await liveWindow(c, service.id, window, now);
    const body = c.req.valid('json');
    const end = 'end' in body ? Date.parse(body.end) : Date.parse(row.endsAt) + body.minutes * MINUTE;
    if (end <= Math.max(now.getTime(), Date.parse(row.startsAt)))
      throw bad('end', 'the end must be after now and the start');
    if (end - Date.parse(row.startsAt) > MAX_WINDOW_DAYS * DAY)
      throw bad('end', `a window lasts at most ${MAX_WINDOW_DAYS} days`);
    const changed = { endsAt: iso(end), updatedAt: now.toISOString() };
    await drizzle(c.env.DB).update(maintenanceWindows).set(changed).where(eq(maintenanceWindows.id, row.id));
    forgetLiveConfig();
    return c.json(await audited(c, 'update', service.handle, row, changed, now));
  },
);

openapi(
  maintenanceRoutes,
  apiRoute({
    method: 'delete',
    path: '/services/{id}/maintenance/{window}',
    summary: 'End a window now (or cancel a scheduled one)',
    permission: 'respond',
    request: { params: windowParams },
    responses: { 200: json(maintenanceWindowSchema, 'The window, ended') },
  }),
  async (c) => {
    const { id, window } = c.req.valid('param');
    const service = await serviceOf(c, id);
    const now = new Date();
    const row = await liveWindow(c, service.id, window, now);
    // A scheduled window that never opened ends where it would have started.
    const endsAt = row.startsAt > now.toISOString() ? row.startsAt : now.toISOString();
    const changed = { endsAt, endedBy: c.get('principal').handle, updatedAt: now.toISOString() };
    await drizzle(c.env.DB).update(maintenanceWindows).set(changed).where(eq(maintenanceWindows.id, row.id));
    forgetLiveConfig();
    return c.json(await audited(c, 'end', service.handle, row, changed, now));
  },
);
