// One configured object at a time: services, integrations, schedules and escalation policies, the
// same objects as in the configuration document. Every change goes through the configuration plan,
// so both doors agree. Owners and admins change anything; a team's admins change what their team owns.
import { z } from '@hono/zod-openapi';
import { and, eq, isNull } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import type { Context } from 'hono';
import { escalationPolicySchema } from '../escalation/policy';
import { overrideSchema } from '../schedule/schedule';
import { integrations, schedules, services } from '../db/schema';
import { HttpError, validate } from '../http';
import type { ApiEnv, Principal } from './auth';
import {
  integrationConfigSchema,
  scheduleConfigSchema,
  serviceConfigSchema,
  type ConfigItem,
  type Configuration,
} from '../config/document';
import { loadConfig } from '../config/store';
import { emailAddressOf } from '../ingest/adapters/email';
import { administersTeam, configures, mayAddOverride } from '../permissions';
import { changeOne, currentOne, noun, patched, patchSchema, tagged, type Authorize } from './objects';
import { apiApp, apiRoute, idParams, json, openapi } from './route';
import { policiesWithGaps, policyWithGapsSchema, scheduleRowJson, scheduleSchema } from './schedules';

export const serviceCreateSchema = serviceConfigSchema.meta({ id: 'ServiceCreate' });
/** A partial change; a new `id` renames, keeping the internal id, and references follow. */
export const serviceUpdateSchema = patchSchema(serviceConfigSchema).meta({ id: 'ServiceUpdate' });
export const integrationCreateSchema = integrationConfigSchema.meta({ id: 'IntegrationCreate' });
export const integrationUpdateSchema = patchSchema(integrationConfigSchema.omit({ type: true })).meta({
  id: 'IntegrationUpdate',
});
/** Fields to change in a schedule or policy, checked whole after merging; a new `id` renames. */
export const objectPatchSchema = z.record(z.string(), z.unknown()).meta({
  id: 'ObjectPatch',
  description: 'fields to replace; the result must be a valid object, and a new id renames it',
});

export const serviceSchema = z
  .looseObject({
    id: z.string().describe('internal id'),
    handle: z.string(),
    name: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .describe("the configuration document's service fields, with the internal id and the handle")
  .meta({ id: 'Service' });
export const serviceListSchema = z.object({ services: z.array(serviceSchema) }).meta({ id: 'ServiceList' });

export const integrationSchema = z
  .object({
    id: z.string().describe('internal id'),
    handle: z.string(),
    name: z.string(),
    type: z.string(),
    service: z.string().nullable(),
    service_id: z.string(),
    key: z.string().optional().describe('only for those who configure'),
    ingest_url: z.string().optional().describe('only for those who configure'),
    email_address: z.string().optional().describe("an email integration's address; only for those who configure"),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Integration' });
export const integrationListSchema = z
  .object({ integrations: z.array(integrationSchema) })
  .meta({ id: 'IntegrationList' });

/** A schedule and a policy as the configuration document has them: what writes answer. */
export const scheduleDocumentSchema = scheduleConfigSchema.meta({ id: 'ScheduleConfig' });
const policyDocumentSchema = escalationPolicySchema;

const body = <S extends z.ZodType>(schema: S) => ({
  required: true,
  content: { 'application/json': { schema } },
});

type Editable = 'services' | 'integrations' | 'schedules' | 'escalation_policies';

/** The team that owns an object: its own `team`, or for an integration, its service's. */
function teamOf(config: Configuration, kind: Editable, item: ConfigItem<Editable>): string | undefined {
  if (kind === 'integrations') {
    const service = (item as ConfigItem<'integrations'>).service;
    return config.services.find((s) => s.id === service)?.team;
  }
  return (item as { team?: string }).team;
}

/** Owners and admins change anything; a team admin (a responder at least) changes what the team owns, before and after. */
const byTeam =
  <K extends Editable>(kind: K): Authorize<K> =>
  (principal, config, before, after) => {
    const items = [before, after] as (ConfigItem<Editable> | null)[];
    if (items.every((item) => item === null || administersTeam(principal, config, teamOf(config, kind, item)))) return;
    throw new HttpError(
      403,
      'forbidden',
      `only an admin, or an admin of the team that owns it, may change this ${noun[kind]}`,
    );
  };

const serviceRowJson = (s: typeof services.$inferSelect) => ({
  ...s.definition,
  id: s.id,
  handle: s.handle,
  name: s.name,
  created_at: s.createdAt,
  updated_at: s.updatedAt,
});

async function serviceJson(d1: D1Database, handle: string) {
  const s = await drizzle(d1)
    .select()
    .from(services)
    .where(and(eq(services.handle, handle), isNull(services.deletedAt)))
    .get();
  if (!s) throw new HttpError(404, 'not_found', `no service is named ${handle}`);
  return serviceRowJson(s);
}

/** Live integrations with their service's handle: all of them, or the one with this handle. */
function selectIntegrations(d1: D1Database, handle?: string) {
  return drizzle(d1)
    .select({ integration: integrations, service: services.handle })
    .from(integrations)
    .leftJoin(services, eq(services.id, integrations.serviceId))
    .where(and(isNull(integrations.deletedAt), handle === undefined ? undefined : eq(integrations.handle, handle)))
    .orderBy(integrations.createdAt, integrations.handle);
}

/** Where an integration is reached: the origin of its ingest URL, and the domain of its email address. */
interface Places {
  origin: string;
  emailDomain: string | undefined;
}
const placesOf = (c: Context<ApiEnv>): Places => ({
  origin: new URL(c.req.url).origin,
  emailDomain: c.env.EMAIL_DOMAIN,
});

function integrationRowJson(
  row: { integration: typeof integrations.$inferSelect; service: string | null },
  { origin, emailDomain }: Places,
  showKey: boolean,
) {
  const i = row.integration;
  return {
    id: i.id,
    handle: i.handle,
    name: i.name,
    type: i.type,
    service: row.service,
    service_id: i.serviceId,
    ...(showKey ? { key: i.key, ingest_url: `${origin}/integration/${i.type}/v1/${i.key}` } : {}),
    ...(showKey && i.type === 'email' ? { email_address: emailAddressOf(i.key, emailDomain) } : {}),
    created_at: i.createdAt,
    updated_at: i.updatedAt,
  };
}

async function integrationJson(d1: D1Database, handle: string, places: Places, showKey: boolean) {
  const row = await selectIntegrations(d1, handle).get();
  if (!row) throw new HttpError(404, 'not_found', `no integration is named ${handle}`);
  return integrationRowJson(row, places, showKey);
}

/** Keys let anyone send alerts: only those who may configure see them. */
const seesKeys = (principal: Principal) => configures(principal);

/** The object as the configuration holds it now, tagged: what GET and PUT answer for whole objects. */
async function answerOne<K extends Editable>(c: Context<ApiEnv>, kind: K, idOrHandle: string) {
  const item = currentOne(await loadConfig(c.env.DB), kind, idOrHandle);
  await tagged(c, item);
  return item;
}

/**
 * GET (as listed), PATCH (fields merged, then checked whole), PUT /{kind}/{handle} (create or
 * replace) and DELETE, for objects edited whole; writes answer the object as the document has it.
 */
function wholeObjectRoutes<K extends 'schedules' | 'escalation_policies'>(
  app: ReturnType<typeof apiApp>,
  path: string,
  kind: K,
  schema: z.ZodType<ConfigItem<K>>,
  listed: { schema: z.ZodType; present: (c: Context<ApiEnv>, item: ConfigItem<K>) => Promise<object> },
) {
  const one = noun[kind];
  const a = /^[aeiou]/.test(one) ? 'an' : 'a';
  openapi(
    app,
    apiRoute({
      method: 'get',
      path: `/${path}/{id}`,
      summary: `${a === 'an' ? 'An' : 'A'} ${one}, by id or handle (with an ETag for If-Match)`,
      permission: 'read',
      request: { params: idParams },
      responses: { 200: json(listed.schema, `The ${one}, with an ETag`) },
    }),
    async (c) => {
      const item = await answerOne(c, kind, c.req.valid('param').id);
      return c.json(await listed.present(c, item));
    },
  );
  openapi(
    app,
    apiRoute({
      method: 'patch',
      path: `/${path}/{id}`,
      summary: `Change some fields of ${a} ${one} (a new id renames it; references follow)`,
      permission: 'read',
      request: { params: idParams, body: body(objectPatchSchema) },
      responses: { 200: json(schema, `The ${one} as changed, with an ETag`) },
    }),
    async (c) => {
      const patch = c.req.valid('json');
      const item = await changeOne(c, {
        kind,
        target: c.req.valid('param').id,
        edit: (before) => validate(schema, patched(schema, before!, patch)),
        authorize: byTeam(kind),
      });
      return c.json(await answerOne(c, kind, item!.id));
    },
  );
  openapi(
    app,
    apiRoute({
      method: 'put',
      path: `/${path}/{id}`,
      summary: `Create or replace one ${one} (its id is the path's)`,
      permission: 'read',
      bodyReadAs: z.record(z.string(), z.unknown()),
      request: { params: idParams, body: body(schema) },
      responses: { 200: json(schema, `The ${one} as written, with an ETag`) },
    }),
    async (c) => {
      const whole = c.req.valid('json') as unknown as Record<string, unknown>;
      const item = validate(schema, { ...whole, id: c.req.valid('param').id });
      await changeOne(c, { kind, target: item.id, upsert: true, edit: () => item, authorize: byTeam(kind) });
      return c.json(await answerOne(c, kind, item.id));
    },
  );
  openapi(
    app,
    apiRoute({
      method: 'delete',
      path: `/${path}/{id}`,
      summary: `Delete ${a} ${one}`,
      permission: 'read',
      request: { params: idParams },
      responses: { 204: { description: 'Deleted' } },
    }),
    async (c) => {
      await changeOne(c, { kind, target: c.req.valid('param').id, edit: () => null, authorize: byTeam(kind) });
      return c.body(null, 204);
    },
  );
}

/** A schedule as GET /schedules lists it: with its internal id, and its feed URL for those who configure. */
async function scheduleJson(c: Context<ApiEnv>, schedule: ConfigItem<'schedules'>) {
  const row = await drizzle(c.env.DB)
    .select()
    .from(schedules)
    .where(and(eq(schedules.handle, schedule.id), isNull(schedules.deletedAt)))
    .get();
  if (!row) throw new HttpError(404, 'not_found', `no schedule is named ${schedule.id}`);
  return scheduleRowJson(row, new URL(c.req.url).origin, configures(c.get('principal')));
}

async function policyJson(c: Context<ApiEnv>, policy: ConfigItem<'escalation_policies'>) {
  const { config } = await loadConfig(c.env.DB);
  return { ...policy, schedules_with_gaps: policiesWithGaps(config, new Date()).get(policy.id) ?? [] };
}

export const serviceRoutes = apiApp();

openapi(
  serviceRoutes,
  apiRoute({
    method: 'get',
    path: '/services',
    summary: 'List services',
    permission: 'read',
    responses: { 200: json(serviceListSchema, 'Every service') },
  }),
  async (c) => {
    // One query for the list, however many services there are.
    const rows = await drizzle(c.env.DB)
      .select()
      .from(services)
      .where(isNull(services.deletedAt))
      .orderBy(services.createdAt, services.handle);
    return c.json({ services: rows.map(serviceRowJson) });
  },
);

openapi(
  serviceRoutes,
  apiRoute({
    method: 'post',
    path: '/services',
    summary: 'Create a service',
    permission: 'read',
    request: { body: body(serviceCreateSchema) },
    responses: { 201: json(serviceSchema, 'The service, with an ETag') },
  }),
  async (c) => {
    const service = c.req.valid('json');
    await changeOne(c, { kind: 'services', target: null, edit: () => service, authorize: byTeam('services') });
    await tagged(c, service);
    return c.json(await serviceJson(c.env.DB, service.id), 201);
  },
);

openapi(
  serviceRoutes,
  apiRoute({
    method: 'get',
    path: '/services/{id}',
    summary: 'A service, by id or handle',
    permission: 'read',
    request: { params: idParams },
    responses: { 200: json(serviceSchema, 'The service, with an ETag for If-Match') },
  }),
  async (c) => {
    const service = await answerOne(c, 'services', c.req.valid('param').id);
    return c.json(await serviceJson(c.env.DB, service.id));
  },
);

openapi(
  serviceRoutes,
  apiRoute({
    method: 'patch',
    path: '/services/{id}',
    summary: 'Change a service (a new id renames it, keeping its internal id; references follow)',
    permission: 'read',
    request: { params: idParams, body: body(serviceUpdateSchema) },
    responses: { 200: json(serviceSchema, 'The service as changed, with an ETag') },
  }),
  async (c) => {
    const update = c.req.valid('json');
    const service = await changeOne(c, {
      kind: 'services',
      target: c.req.valid('param').id,
      edit: (before) => patched(serviceConfigSchema, before!, update),
      authorize: byTeam('services'),
    });
    await answerOne(c, 'services', service!.id);
    return c.json(await serviceJson(c.env.DB, service!.id));
  },
);

openapi(
  serviceRoutes,
  apiRoute({
    method: 'delete',
    path: '/services/{id}',
    summary: 'Delete a service',
    permission: 'read',
    request: { params: idParams },
    responses: { 204: { description: 'Deleted' } },
  }),
  async (c) => {
    await changeOne(c, {
      kind: 'services',
      target: c.req.valid('param').id,
      edit: () => null,
      authorize: byTeam('services'),
    });
    return c.body(null, 204);
  },
);

openapi(
  serviceRoutes,
  apiRoute({
    method: 'get',
    path: '/integrations',
    summary: 'List integrations',
    permission: 'read',
    responses: { 200: json(integrationListSchema, 'Every integration (keys only for those who configure)') },
  }),
  async (c) => {
    const showKey = seesKeys(c.get('principal'));
    const rows = await selectIntegrations(c.env.DB);
    return c.json({ integrations: rows.map((row) => integrationRowJson(row, placesOf(c), showKey)) });
  },
);

openapi(
  serviceRoutes,
  apiRoute({
    method: 'post',
    path: '/integrations',
    summary: 'Create an integration (answers its key and ingest URL)',
    permission: 'read',
    request: { body: body(integrationCreateSchema) },
    responses: { 201: json(integrationSchema, 'The integration, with its key and ingest URL') },
  }),
  async (c) => {
    const integration = c.req.valid('json');
    await changeOne(c, {
      kind: 'integrations',
      target: null,
      edit: () => integration,
      authorize: byTeam('integrations'),
    });
    await answerOne(c, 'integrations', integration.id);
    return c.json(await integrationJson(c.env.DB, integration.id, placesOf(c), true), 201);
  },
);

openapi(
  serviceRoutes,
  apiRoute({
    method: 'get',
    path: '/integrations/{id}',
    summary: 'An integration, by id or handle',
    permission: 'read',
    request: { params: idParams },
    responses: { 200: json(integrationSchema, 'The integration, with an ETag for If-Match') },
  }),
  async (c) => {
    const integration = await answerOne(c, 'integrations', c.req.valid('param').id);
    return c.json(await integrationJson(c.env.DB, integration.id, placesOf(c), seesKeys(c.get('principal'))));
  },
);

openapi(
  serviceRoutes,
  apiRoute({
    method: 'patch',
    path: '/integrations/{id}',
    summary: 'Change an integration (a new id renames it, keeping its internal id and key)',
    permission: 'read',
    request: { params: idParams, body: body(integrationUpdateSchema) },
    responses: { 200: json(integrationSchema, 'The integration as changed, with an ETag') },
  }),
  async (c) => {
    const update = c.req.valid('json');
    const integration = await changeOne(c, {
      kind: 'integrations',
      target: c.req.valid('param').id,
      edit: (before) => patched(integrationConfigSchema, before!, update),
      authorize: byTeam('integrations'),
    });
    await answerOne(c, 'integrations', integration!.id);
    return c.json(await integrationJson(c.env.DB, integration!.id, placesOf(c), true));
  },
);

openapi(
  serviceRoutes,
  apiRoute({
    method: 'delete',
    path: '/integrations/{id}',
    summary: 'Delete an integration; its key stops working at once',
    permission: 'read',
    request: { params: idParams },
    responses: { 204: { description: 'Deleted' } },
  }),
  async (c) => {
    await changeOne(c, {
      kind: 'integrations',
      target: c.req.valid('param').id,
      edit: () => null,
      authorize: byTeam('integrations'),
    });
    return c.body(null, 204);
  },
);

// An override (a vacation, a swap): one request replaces a user across every shift in its range.
// Who may manage the schedule may add any; a responder on it, a swap with a teammate (permissions.ts).
openapi(
  serviceRoutes,
  apiRoute({
    method: 'post',
    path: '/schedules/{id}/overrides',
    summary: 'Add an override (a responder may add one for their own shifts)',
    permission: 'read',
    request: { params: idParams, body: body(overrideSchema) },
    responses: { 201: json(scheduleDocumentSchema, 'The schedule with the override, with an ETag') },
  }),
  async (c) => {
    const override = c.req.valid('json');
    const schedule = await changeOne(c, {
      kind: 'schedules',
      target: c.req.valid('param').id,
      edit: (before) => ({ ...before!, overrides: [...before!.overrides, override] }),
      authorize: (principal, config, before) => {
        const verdict = mayAddOverride(principal, config, before!, override);
        if (!verdict.ok) throw new HttpError(403, 'forbidden', verdict.message);
      },
    });
    return c.json(await answerOne(c, 'schedules', schedule!.id), 201);
  },
);

wholeObjectRoutes(serviceRoutes, 'schedules', 'schedules', scheduleDocumentSchema, {
  schema: scheduleSchema,
  present: scheduleJson,
});
wholeObjectRoutes(serviceRoutes, 'escalation-policies', 'escalation_policies', policyDocumentSchema, {
  schema: policyWithGapsSchema,
  present: policyJson,
});
