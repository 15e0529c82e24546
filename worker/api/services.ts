// One configured object at a time: services, integrations, schedules and escalation policies, the
// same objects as in the configuration document. Every change goes through the configuration plan,
// so both doors agree. Owners and admins change anything; a team's admins change what their team owns.
import { and, eq, isNull } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { Hono } from 'hono';
import { z } from 'zod';
import { escalationPolicySchema } from '../escalation/policy';
import { overrideSchema } from '../schedule/schedule';
import { integrations, services } from '../db/schema';
import { HttpError, readJson, validate } from '../http';
import { allow, type ApiEnv, type Principal } from './auth';
import { applyOrReject } from './config';
import {
  integrationConfigSchema,
  scheduleConfigSchema,
  serviceConfigSchema,
  type ConfigItem,
  type Configuration,
} from '../config/document';
import { loadConfig, type StoredConfig } from '../config/store';
import { administersTeam, mayAddOverride } from '../permissions';

export const serviceCreateSchema = serviceConfigSchema.meta({ id: 'ServiceCreate' });
export const serviceUpdateSchema = serviceConfigSchema.omit({ id: true }).partial().meta({ id: 'ServiceUpdate' });
export const integrationCreateSchema = integrationConfigSchema.meta({ id: 'IntegrationCreate' });
export const integrationUpdateSchema = integrationConfigSchema
  .omit({ id: true, type: true })
  .partial()
  .meta({ id: 'IntegrationUpdate' });

type Editable = 'services' | 'integrations' | 'schedules' | 'escalation_policies';
const noun: Record<Editable, string> = {
  services: 'service',
  integrations: 'integration',
  schedules: 'schedule',
  escalation_policies: 'escalation policy',
};

/** The team that owns an object: its own `team`, or for an integration, its service's. */
function teamOf(config: Configuration, kind: Editable, item: ConfigItem<Editable>): string | undefined {
  if (kind === 'integrations') {
    const service = (item as ConfigItem<'integrations'>).service;
    return config.services.find((s) => s.id === service)?.team;
  }
  return (item as { team?: string }).team;
}

/** Owners and admins change anything; a team admin (a responder at least) changes what the team owns, before and after. */
function authorize(
  principal: Principal,
  config: Configuration,
  kind: Editable,
  ...items: (ConfigItem<Editable> | null)[]
) {
  if (items.every((item) => item === null || administersTeam(principal, config, teamOf(config, kind, item)))) return;
  throw new HttpError(
    403,
    'forbidden',
    `only an admin, or an admin of the team that owns it, may change this ${noun[kind]}`,
  );
}

/** The object named by handle or internal id, or 404. */
function currentOne<K extends Editable>(stored: StoredConfig, kind: K, idOrHandle: string): ConfigItem<K> {
  const items = stored.config[kind] as ConfigItem<K>[];
  const item = items.find((i) => i.id === idOrHandle || stored.ids[kind].get(i.id) === idOrHandle);
  if (!item) throw new HttpError(404, 'not_found', `no ${noun[kind]} is named ${idOrHandle}`);
  return item;
}

/** Replaces or adds (item) or removes (null) one object, after checking who may. */
async function changeOne<K extends Editable>(
  env: Env,
  principal: Principal,
  kind: K,
  handle: string,
  item: ConfigItem<K> | null,
  stored?: StoredConfig,
  authorized = false,
) {
  const { config } = stored ?? (await loadConfig(env.DB));
  const items = config[kind] as ConfigItem<K>[];
  if (!authorized) authorize(principal, config, kind, items.find((i) => i.id === handle) ?? null, item);
  const others = items.filter((existing) => existing.id !== handle);
  await applyOrReject(env, { [kind]: item === null ? others : [...others, item] }, new Date());
}

async function serviceJson(d1: D1Database, handle: string) {
  const s = await drizzle(d1)
    .select()
    .from(services)
    .where(and(eq(services.handle, handle), isNull(services.deletedAt)))
    .get();
  if (!s) throw new HttpError(404, 'not_found', `no service is named ${handle}`);
  return {
    ...s.definition,
    id: s.id,
    handle: s.handle,
    name: s.name,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
  };
}

async function integrationJson(d1: D1Database, handle: string, origin: string, showKey: boolean) {
  const row = await drizzle(d1)
    .select({ integration: integrations, service: services.handle })
    .from(integrations)
    .leftJoin(services, eq(services.id, integrations.serviceId))
    .where(and(eq(integrations.handle, handle), isNull(integrations.deletedAt)))
    .get();
  if (!row) throw new HttpError(404, 'not_found', `no integration is named ${handle}`);
  const i = row.integration;
  return {
    id: i.id,
    handle: i.handle,
    name: i.name,
    type: i.type,
    service: row.service,
    service_id: i.serviceId,
    ...(showKey ? { key: i.key, ingest_url: `${origin}/integration/${i.type}/v1/${i.key}` } : {}),
    created_at: i.createdAt,
    updated_at: i.updatedAt,
  };
}

/** Keys let anyone send alerts: only those who may configure see them. */
const seesKeys = (principal: Principal) => principal.role === 'owner' || principal.role === 'admin';

function taken(kind: Editable, handle: string): HttpError {
  return new HttpError(409, 'conflict', `a ${noun[kind]} is already named ${handle}`, [
    { field: 'id', message: 'taken' },
  ]);
}

/** PUT /{kind}/{handle} (create or replace) and DELETE, for objects edited whole. */
function wholeObjectRoutes<K extends 'schedules' | 'escalation_policies'>(
  path: string,
  kind: K,
  schema: z.ZodType<ConfigItem<K>>,
) {
  return new Hono<ApiEnv>()
    .put(`/${path}/:id`, allow('read'), async (c) => {
      const body = await readJson(c.req.raw, z.record(z.string(), z.unknown()));
      const item = validate(schema, { ...body, id: c.req.param('id') });
      await changeOne(c.env, c.get('principal'), kind, item.id, item);
      return c.json(currentOne(await loadConfig(c.env.DB), kind, item.id));
    })
    .delete(`/${path}/:id`, allow('read'), async (c) => {
      const stored = await loadConfig(c.env.DB);
      const item = currentOne(stored, kind, c.req.param('id'));
      await changeOne(c.env, c.get('principal'), kind, item.id, null, stored);
      return c.body(null, 204);
    });
}

export const serviceRoutes = new Hono<ApiEnv>()
  .get('/services', allow('read'), async (c) => {
    const { config } = await loadConfig(c.env.DB);
    return c.json({ services: await Promise.all(config.services.map((s) => serviceJson(c.env.DB, s.id))) });
  })
  .post('/services', allow('read'), async (c) => {
    const service = await readJson(c.req.raw, serviceCreateSchema);
    const stored = await loadConfig(c.env.DB);
    if (stored.config.services.some((s) => s.id === service.id)) throw taken('services', service.id);
    await changeOne(c.env, c.get('principal'), 'services', service.id, service, stored);
    return c.json(await serviceJson(c.env.DB, service.id), 201);
  })
  .get('/services/:id', allow('read'), async (c) => {
    const service = currentOne(await loadConfig(c.env.DB), 'services', c.req.param('id'));
    return c.json(await serviceJson(c.env.DB, service.id));
  })
  .patch('/services/:id', allow('read'), async (c) => {
    const stored = await loadConfig(c.env.DB);
    const service = currentOne(stored, 'services', c.req.param('id'));
    const update = await readJson(c.req.raw, serviceUpdateSchema);
    await changeOne(c.env, c.get('principal'), 'services', service.id, { ...service, ...update }, stored);
    return c.json(await serviceJson(c.env.DB, service.id));
  })
  .delete('/services/:id', allow('read'), async (c) => {
    const stored = await loadConfig(c.env.DB);
    const service = currentOne(stored, 'services', c.req.param('id'));
    await changeOne(c.env, c.get('principal'), 'services', service.id, null, stored);
    return c.body(null, 204);
  })
  .get('/integrations', allow('read'), async (c) => {
    const { config } = await loadConfig(c.env.DB);
    const origin = new URL(c.req.url).origin;
    const showKey = seesKeys(c.get('principal'));
    return c.json({
      integrations: await Promise.all(config.integrations.map((i) => integrationJson(c.env.DB, i.id, origin, showKey))),
    });
  })
  .post('/integrations', allow('read'), async (c) => {
    const integration = await readJson(c.req.raw, integrationCreateSchema);
    const stored = await loadConfig(c.env.DB);
    if (stored.config.integrations.some((i) => i.id === integration.id)) throw taken('integrations', integration.id);
    await changeOne(c.env, c.get('principal'), 'integrations', integration.id, integration, stored);
    return c.json(await integrationJson(c.env.DB, integration.id, new URL(c.req.url).origin, true), 201);
  })
  .get('/integrations/:id', allow('read'), async (c) => {
    const integration = currentOne(await loadConfig(c.env.DB), 'integrations', c.req.param('id'));
    return c.json(
      await integrationJson(c.env.DB, integration.id, new URL(c.req.url).origin, seesKeys(c.get('principal'))),
    );
  })
  .patch('/integrations/:id', allow('read'), async (c) => {
    const stored = await loadConfig(c.env.DB);
    const integration = currentOne(stored, 'integrations', c.req.param('id'));
    const update = await readJson(c.req.raw, integrationUpdateSchema);
    await changeOne(c.env, c.get('principal'), 'integrations', integration.id, { ...integration, ...update }, stored);
    return c.json(await integrationJson(c.env.DB, integration.id, new URL(c.req.url).origin, true));
  })
  .delete('/integrations/:id', allow('read'), async (c) => {
    const stored = await loadConfig(c.env.DB);
    const integration = currentOne(stored, 'integrations', c.req.param('id'));
    await changeOne(c.env, c.get('principal'), 'integrations', integration.id, null, stored);
    return c.body(null, 204);
  })
  // An override (a vacation, a swap): one request replaces a user across every shift in its range.
  // Who may manage the schedule may add any; a responder on it, a swap with a teammate (permissions.ts).
  .post('/schedules/:id/overrides', allow('read'), async (c) => {
    const override = await readJson(c.req.raw, overrideSchema);
    const stored = await loadConfig(c.env.DB);
    const schedule = currentOne(stored, 'schedules', c.req.param('id'));
    const principal = c.get('principal');
    const verdict = mayAddOverride(principal, stored.config, schedule, override);
    if (!verdict.ok) throw new HttpError(403, 'forbidden', verdict.message);
    const changed = { ...schedule, overrides: [...schedule.overrides, override] };
    await changeOne(c.env, principal, 'schedules', schedule.id, changed, stored, true);
    return c.json(currentOne(await loadConfig(c.env.DB), 'schedules', schedule.id), 201);
  })
  .route('/', wholeObjectRoutes('schedules', 'schedules', scheduleConfigSchema))
  .route('/', wholeObjectRoutes('escalation-policies', 'escalation_policies', escalationPolicySchema));
