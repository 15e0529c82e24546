// One configured object at a time: services, integrations, schedules and escalation policies, the
// same objects as in the configuration document. Every change goes through the configuration plan,
// so both doors agree. Owners and admins change anything; a team's admins change what their team owns.
import { and, eq, isNull } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { escalationPolicySchema } from '../escalation/policy';
import { overrideSchema } from '../schedule/schedule';
import { integrations, schedules, services } from '../db/schema';
import { HttpError, readJson, validate } from '../http';
import { allow, type ApiEnv, type Principal } from './auth';
import {
  integrationConfigSchema,
  scheduleConfigSchema,
  serviceConfigSchema,
  type ConfigItem,
  type Configuration,
} from '../config/document';
import { loadConfig } from '../config/store';
import { administersTeam, configures, mayAddOverride } from '../permissions';
import { changeOne, currentOne, noun, patchSchema, tagged, type Authorize } from './objects';
import { policiesWithGaps, scheduleRowJson } from './schedules';

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
  path: string,
  kind: K,
  schema: z.ZodType<ConfigItem<K>>,
  present: (c: Context<ApiEnv>, item: ConfigItem<K>) => Promise<object>,
) {
  return new Hono<ApiEnv>()
    .get(`/${path}/:id`, allow('read'), async (c) => {
      const item = await answerOne(c, kind, c.req.param('id'));
      return c.json(await present(c, item));
    })
    .patch(`/${path}/:id`, allow('read'), async (c) => {
      const body = await readJson(c.req.raw, objectPatchSchema);
      const item = await changeOne(c, {
        kind,
        target: c.req.param('id'),
        edit: (before) => validate(schema, { ...before, ...body }),
        authorize: byTeam(kind),
      });
      return c.json(await answerOne(c, kind, item!.id));
    })
    .put(`/${path}/:id`, allow('read'), async (c) => {
      const body = await readJson(c.req.raw, z.record(z.string(), z.unknown()));
      const item = validate(schema, { ...body, id: c.req.param('id') });
      await changeOne(c, { kind, target: item.id, upsert: true, edit: () => item, authorize: byTeam(kind) });
      return c.json(await answerOne(c, kind, item.id));
    })
    .delete(`/${path}/:id`, allow('read'), async (c) => {
      await changeOne(c, { kind, target: c.req.param('id'), edit: () => null, authorize: byTeam(kind) });
      return c.body(null, 204);
    });
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

export const serviceRoutes = new Hono<ApiEnv>()
  .get('/services', allow('read'), async (c) => {
    const { config } = await loadConfig(c.env.DB);
    return c.json({ services: await Promise.all(config.services.map((s) => serviceJson(c.env.DB, s.id))) });
  })
  .post('/services', allow('read'), async (c) => {
    const service = await readJson(c.req.raw, serviceCreateSchema);
    await changeOne(c, { kind: 'services', target: null, edit: () => service, authorize: byTeam('services') });
    await tagged(c, service);
    return c.json(await serviceJson(c.env.DB, service.id), 201);
  })
  .get('/services/:id', allow('read'), async (c) => {
    const service = await answerOne(c, 'services', c.req.param('id'));
    return c.json(await serviceJson(c.env.DB, service.id));
  })
  .patch('/services/:id', allow('read'), async (c) => {
    const update = await readJson(c.req.raw, serviceUpdateSchema);
    const service = await changeOne(c, {
      kind: 'services',
      target: c.req.param('id'),
      edit: (before) => ({ ...before!, ...update }),
      authorize: byTeam('services'),
    });
    await answerOne(c, 'services', service!.id);
    return c.json(await serviceJson(c.env.DB, service!.id));
  })
  .delete('/services/:id', allow('read'), async (c) => {
    await changeOne(c, {
      kind: 'services',
      target: c.req.param('id'),
      edit: () => null,
      authorize: byTeam('services'),
    });
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
    await changeOne(c, {
      kind: 'integrations',
      target: null,
      edit: () => integration,
      authorize: byTeam('integrations'),
    });
    await answerOne(c, 'integrations', integration.id);
    return c.json(await integrationJson(c.env.DB, integration.id, new URL(c.req.url).origin, true), 201);
  })
  .get('/integrations/:id', allow('read'), async (c) => {
    const integration = await answerOne(c, 'integrations', c.req.param('id'));
    return c.json(
      await integrationJson(c.env.DB, integration.id, new URL(c.req.url).origin, seesKeys(c.get('principal'))),
    );
  })
  .patch('/integrations/:id', allow('read'), async (c) => {
    const update = await readJson(c.req.raw, integrationUpdateSchema);
    const integration = await changeOne(c, {
      kind: 'integrations',
      target: c.req.param('id'),
      edit: (before) => ({ ...before!, ...update }),
      authorize: byTeam('integrations'),
    });
    await answerOne(c, 'integrations', integration!.id);
    return c.json(await integrationJson(c.env.DB, integration!.id, new URL(c.req.url).origin, true));
  })
  .delete('/integrations/:id', allow('read'), async (c) => {
    await changeOne(c, {
      kind: 'integrations',
      target: c.req.param('id'),
      edit: () => null,
      authorize: byTeam('integrations'),
    });
    return c.body(null, 204);
  })
  // An override (a vacation, a swap): one request replaces a user across every shift in its range.
  // Who may manage the schedule may add any; a responder on it, a swap with a teammate (permissions.ts).
  .post('/schedules/:id/overrides', allow('read'), async (c) => {
    const override = await readJson(c.req.raw, overrideSchema);
    const schedule = await changeOne(c, {
      kind: 'schedules',
      target: c.req.param('id'),
      edit: (before) => ({ ...before!, overrides: [...before!.overrides, override] }),
      authorize: (principal, config, before) => {
        const verdict = mayAddOverride(principal, config, before!, override);
        if (!verdict.ok) throw new HttpError(403, 'forbidden', verdict.message);
      },
    });
    return c.json(await answerOne(c, 'schedules', schedule!.id), 201);
  })
  .route('/', wholeObjectRoutes('schedules', 'schedules', scheduleConfigSchema, scheduleJson))
  .route('/', wholeObjectRoutes('escalation-policies', 'escalation_policies', escalationPolicySchema, policyJson));
