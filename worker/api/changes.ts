// A service's change events (deploys, configuration changes its tools reported), newest first.
import { z } from '@hono/zod-openapi';
import { desc, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { loadConfig } from '../config/store';
import { changeEvents } from '../db/schema';
import { currentOne } from './objects';
import { apiApp, apiRoute, idParams, json, openapi } from './route';

export const changeEventSchema = z
  .object({
    id: z.string(),
    summary: z.string(),
    source: z.string().nullable(),
    happened_at: z.string(),
    received_at: z.string(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'ChangeEvent' });

export const changeRoutes = apiApp();

openapi(
  changeRoutes,
  apiRoute({
    method: 'get',
    path: '/services/{id}/changes',
    summary: "A service's change events, newest first",
    permission: 'read',
    request: {
      params: idParams,
      query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
    },
    responses: { 200: json(z.object({ changes: z.array(changeEventSchema) }), 'Change events, newest first') },
  }),
  async (c) => {
    const stored = await loadConfig(c.env.DB);
    const service = currentOne(stored, 'services', c.req.valid('param').id);
    const rows = await drizzle(c.env.DB)
      .select()
      .from(changeEvents)
      .where(eq(changeEvents.serviceId, stored.ids.services.get(service.id)!))
      .orderBy(desc(changeEvents.happenedAt))
      .limit(c.req.valid('query').limit);
    return c.json({
      changes: rows.map((r) => ({
        id: r.id,
        summary: r.summary,
        source: r.source,
        happened_at: r.happenedAt,
        received_at: r.receivedAt,
        details: r.details,
      })),
    });
  },
);
