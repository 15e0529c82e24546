// The noise funnel, per service and integration over a range of incident creation: events received
// (every open event that reached an incident, repeats included) → incidents opened → pages sent. Reads
// D1, which trails the incidents by about a second.
import { z } from '@hono/zod-openapi';
import { and, count, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { incidents, integrations, notifications, services } from '../db/schema';
import { HttpError } from '../http';
import { isoInstantSchema } from '../vocabulary';
import { apiApp, apiRoute, json, openapi } from './route';

const stageSchema = z.object({
  service: z.string().nullable(),
  integration: z.string().nullable(),
  events: z.number().int(),
  incidents: z.number().int(),
  pages: z.number().int(),
});

export const funnelSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    rows: z.array(stageSchema),
    total: stageSchema.omit({ service: true, integration: true }),
  })
  .meta({ id: 'NoiseFunnel' });

export const funnelRoutes = apiApp();

openapi(
  funnelRoutes,
  apiRoute({
    method: 'get',
    path: '/funnel',
    summary:
      'The noise funnel: events → incidents → pages, per service and integration, for incidents created in [from, to)',
    permission: 'read',
    request: { query: z.object({ from: isoInstantSchema, to: isoInstantSchema }) },
    responses: { 200: json(funnelSchema, 'The funnel') },
  }),
  async (c) => {
    const { from, to } = c.req.valid('query');
    const [start, end] = [new Date(from).toISOString(), new Date(to).toISOString()];
    if (end <= start)
      throw new HttpError(400, 'invalid_request', 'to must come after from', [{ field: 'to', message: 'before from' }]);
    const db = drizzle(c.env.DB);
    const inRange = and(gte(incidents.createdAt, start), lt(incidents.createdAt, end));
    const opened = await db
      .select({
        service: incidents.serviceId,
        integration: incidents.integrationId,
        incidents: count(),
        events: sql<number>`sum(${incidents.alertCount})`,
      })
      .from(incidents)
      .where(inRange)
      .groupBy(incidents.serviceId, incidents.integrationId);
    const paged = await db
      .select({ service: incidents.serviceId, integration: incidents.integrationId, pages: count() })
      .from(notifications)
      .innerJoin(incidents, eq(incidents.id, notifications.incidentId))
      .where(and(inRange, eq(notifications.kind, 'page'), inArray(notifications.status, ['sent', 'delivered'])))
      .groupBy(incidents.serviceId, incidents.integrationId);
    const serviceNames = new Map(
      (await db.select({ id: services.id, handle: services.handle }).from(services)).map((s) => [s.id, s.handle]),
    );
    const integrationNames = new Map(
      (await db.select({ id: integrations.id, handle: integrations.handle }).from(integrations)).map((i) => [
        i.id,
        i.handle,
      ]),
    );
    const pagesOf = new Map(paged.map((p) => [`${p.service}|${p.integration}`, p.pages]));
    const rows = opened.map((o) => ({
      service: serviceNames.get(o.service) ?? null,
      integration: integrationNames.get(o.integration) ?? null,
      events: Number(o.events ?? 0),
      incidents: o.incidents,
      pages: pagesOf.get(`${o.service}|${o.integration}`) ?? 0,
    }));
    const total = rows.reduce(
      (t, r) => ({ events: t.events + r.events, incidents: t.incidents + r.incidents, pages: t.pages + r.pages }),
      {
        events: 0,
        incidents: 0,
        pages: 0,
      },
    );
    return c.json({ from: start, to: end, rows, total });
  },
);
