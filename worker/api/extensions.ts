// A service's extensions (outgoing webhooks, configured in the configuration document) and their
// log: every call with its event, HTTP status and duration. A webhook's URL and headers often hold
// its secret: only those who configure see them whole.
import { z } from '@hono/zod-openapi';
import { and, desc, eq, lt, or } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { loadConfig } from '../config/store';
import type { ExtensionCallRow } from '../db/incidents';
import { extensionCalls } from '../db/schema';
import { redactedUrl } from '../notify/extension';
import { configures } from '../permissions';
import { notificationStatuses } from '../vocabulary';
import { cursorOf, pageQuerySchema, startOf } from './notifications';
import { currentOne } from './objects';
import { apiApp, apiRoute, idParams, json, openapi } from './route';

export const extensionSchema = z
  .looseObject({
    id: z.string(),
    name: z.string(),
    service: z.string(),
    events: z.array(z.string()),
    method: z.string(),
    url: z.string().describe('without its query for those who do not configure'),
  })
  .describe("the configuration document's extension fields; headers and body only for those who configure")
  .meta({ id: 'Extension' });

export const extensionCallSchema = z
  .object({
    id: z.string(),
    extension: z.string(),
    incident_id: z.string(),
    incident_number: z.number().int(),
    event: z.string(),
    method: z.string(),
    url: z.string().describe('without its query, which often holds the secret'),
    status: z.enum(notificationStatuses),
    response_status: z.number().int().nullable().describe("the target's HTTP status; null before (or without) one"),
    duration_ms: z.number().int().nullable(),
    attempts: z.number().int(),
    error: z.string().nullable(),
    queued_at: z.string(),
    sent_at: z.string().nullable(),
  })
  .meta({ id: 'ExtensionCall' });

const callJson = (row: ExtensionCallRow): z.infer<typeof extensionCallSchema> => ({
  id: row.id,
  extension: row.extension,
  incident_id: row.incidentId,
  incident_number: row.incidentNumber,
  event: row.event,
  method: row.method,
  url: row.url,
  status: row.status,
  response_status: row.responseStatus,
  duration_ms: row.durationMs,
  attempts: row.attempts,
  error: row.error,
  queued_at: row.queuedAt,
  sent_at: row.sentAt,
});

export const extensionRoutes = apiApp();

openapi(
  extensionRoutes,
  apiRoute({
    method: 'get',
    path: '/services/{id}/extensions',
    summary: "A service's extensions (outgoing webhooks)",
    permission: 'read',
    request: { params: idParams },
    responses: { 200: json(z.object({ extensions: z.array(extensionSchema) }), 'The extensions of the service') },
  }),
  async (c) => {
    const stored = await loadConfig(c.env.DB);
    const service = currentOne(stored, 'services', c.req.valid('param').id);
    const whole = configures(c.get('principal'));
    const extensions = stored.config.extensions
      .filter((e) => e.service === service.id)
      .map(({ headers, body, ...extension }) =>
        whole ? { ...extension, headers, body } : { ...extension, url: redactedUrl(extension.url) },
      );
    return c.json({ extensions });
  },
);

openapi(
  extensionRoutes,
  apiRoute({
    method: 'get',
    path: '/services/{id}/extension-calls',
    summary: "A service's extension log: every call, newest first",
    permission: 'read',
    request: {
      params: idParams,
      query: pageQuerySchema,
    },
    responses: {
      200: json(
        z.object({ calls: z.array(extensionCallSchema), next_cursor: z.string().nullable() }),
        'Calls, newest first',
      ),
    },
  }),
  async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const after = startOf(cursor);
    const stored = await loadConfig(c.env.DB);
    const service = currentOne(stored, 'services', c.req.valid('param').id);
    const serviceId = stored.ids.services.get(service.id)!;
    const older = after
      ? or(
          lt(extensionCalls.queuedAt, after.dueAt),
          and(eq(extensionCalls.queuedAt, after.dueAt), lt(extensionCalls.id, after.id)),
        )
      : undefined;
    const rows = await drizzle(c.env.DB)
      .select()
      .from(extensionCalls)
      .where(and(eq(extensionCalls.serviceId, serviceId), older))
      .orderBy(desc(extensionCalls.queuedAt), desc(extensionCalls.id))
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return c.json({
      calls: page.map(callJson),
      next_cursor: rows.length > limit && last ? cursorOf({ dueAt: last.queuedAt, id: last.id }) : null,
    });
  },
);
