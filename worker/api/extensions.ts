// A service's extensions (outgoing webhooks, as in the configuration document), replaced together
// through the configuration plan, and their log: every call with its event, HTTP status and
// duration. A webhook's URL and headers often hold its secret: only those who configure see them whole.
import { z } from '@hono/zod-openapi';
import { and, desc, eq, lt, or } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import type { Context } from 'hono';
import { MAX_PER_SECTION, type ConfigItem, type ServiceConfig } from '../config/document';
import { etagOf } from '../config/etag';
import { loadConfig, type StoredConfig } from '../config/store';
import type { ExtensionCallRow } from '../db/incidents';
import { extensionCalls } from '../db/schema';
import { HttpError } from '../http';
import { extensionConfigSchema, redactedUrl, type ExtensionConfig } from '../notify/extension';
import { configures } from '../permissions';
import { handleSchema, notificationStatuses } from '../vocabulary';
import type { ApiEnv } from './auth';
import { auditorOf } from './audit';
import { applyOrReject, requireMatch } from './config';
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

/** An extension as a service's own route writes it: the configuration document's, its service implied. */
type ServiceExtension = Omit<ExtensionConfig, 'service'> & { service?: string };

// The document's schema with `service` optional. Zod refuses to loosen a refined object's field in
// its types only: at run time the refinement (the templates' variables) never reads `service`.
export const serviceExtensionSchema = extensionConfigSchema
  .safeExtend({
    service: handleSchema.optional().describe('this service when left out; no other') as unknown as typeof handleSchema,
  })
  .meta({ id: 'ServiceExtension' });

export const serviceExtensionsSchema = z
  .object({ extensions: z.array(serviceExtensionSchema).max(MAX_PER_SECTION) })
  .strict()
  .superRefine(({ extensions }, ctx) => {
    const seen = new Set<string>();
    extensions.forEach((extension, i) => {
      if (seen.has(extension.id))
        ctx.addIssue({ code: 'custom', path: ['extensions', i, 'id'], message: `duplicate id ${extension.id}` });
      seen.add(extension.id);
    });
  })
  .meta({ id: 'ServiceExtensions' });

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

const extensionsOf = (stored: StoredConfig, service: ServiceConfig) =>
  stored.config.extensions.filter((e) => e.service === service.id);

/**
 * The service's extensions as GET and PUT answer them: whole, with the ETag that If-Match names,
 * for those who configure; else without headers, body or query (and untagged: the tag hashes them).
 */
async function answerExtensions(c: Context<ApiEnv>, idOrHandle: string) {
  const stored = await loadConfig(c.env.DB);
  const extensions = extensionsOf(stored, currentOne(stored, 'services', idOrHandle));
  if (!configures(c.get('principal'))) {
    return extensions.map(({ headers: _h, body: _b, ...extension }) => ({
      ...extension,
      url: redactedUrl(extension.url),
    }));
  }
  c.header('ETag', await etagOf(extensions));
  return extensions;
}

/** A 400 of the plan names the request's own extensions, `extensions[0]`, not their place among all of them. */
function relativeTo(error: unknown, first: number): unknown {
  if (!(error instanceof HttpError) || error.status !== 400 || !error.fields) return error;
  const fields = error.fields.map((f) => {
    const at = /^extensions\[(\d+)\]/.exec(f.field);
    const i = at ? Number(at[1]) : -1;
    return i >= first ? { ...f, field: `extensions[${i - first}]${f.field.slice(at![0].length)}` } : f;
  });
  return new HttpError(400, error.code, `invalid configuration: ${fields.map((f) => f.field).join(', ')}`, fields);
}

export const extensionRoutes = apiApp();

const extensionListSchema = z.object({ extensions: z.array(extensionSchema) });

openapi(
  extensionRoutes,
  apiRoute({
    method: 'get',
    path: '/services/{id}/extensions',
    summary: "A service's extensions (outgoing webhooks), with an ETag for If-Match for those who configure",
    permission: 'read',
    request: { params: idParams },
    responses: { 200: json(extensionListSchema, 'The extensions of the service') },
  }),
  async (c) => c.json({ extensions: await answerExtensions(c, c.req.valid('param').id) }),
);

openapi(
  extensionRoutes,
  apiRoute({
    method: 'put',
    path: '/services/{id}/extensions',
    summary: "Replace a service's extensions (other services' stay); 412 when If-Match is not the list's ETag",
    permission: 'configure',
    request: {
      params: idParams,
      body: { required: true, content: { 'application/json': { schema: serviceExtensionsSchema } } },
    },
    responses: { 200: json(extensionListSchema, 'The extensions of the service as written, with an ETag') },
  }),
  async (c) => {
    const wanted = c.req.valid('json').extensions as ServiceExtension[];
    let first: number | null = null;
    let handle = '';
    await applyOrReject(
      c.env,
      async (stored) => {
        first = null;
        const service = currentOne(stored, 'services', c.req.valid('param').id);
        handle = service.id;
        requireMatch(c.req.header('if-match'), await etagOf(extensionsOf(stored, service)));
        const others = stored.config.extensions.filter((e) => e.service !== service.id);
        const mine = wanted.map((extension, i): ConfigItem<'extensions'> => {
          const named = extension.service ?? service.id;
          if (named !== service.id && stored.ids.services.get(service.id) !== named) {
            throw new HttpError(400, 'invalid_request', `invalid request body: extensions[${i}].service`, [
              { field: `extensions[${i}].service`, message: `an extension here belongs to service ${service.id}` },
            ]);
          }
          const holder = others.find((o) => o.id === extension.id);
          if (holder) {
            throw new HttpError(409, 'conflict', `an extension is already named ${extension.id}`, [
              { field: `extensions[${i}].id`, message: `taken by an extension of service ${holder.service}` },
            ]);
          }
          return { ...extension, service: service.id };
        });
        first = others.length;
        return { doc: { extensions: [...others, ...mine] } };
      },
      auditorOf(c),
    ).catch((error: unknown) => {
      throw first === null ? error : relativeTo(error, first);
    });
    return c.json({ extensions: await answerExtensions(c, handle) });
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
