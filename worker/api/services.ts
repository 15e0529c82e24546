// /api/v1/services and /api/v1/integrations: the same objects as in the configuration document,
// edited one at a time. Each change goes through the configuration plan, so both doors agree.
import { and, eq, isNull, or } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { Hono } from 'hono';
import { z } from 'zod';
import { integrations, services } from '../db/schema';
import type { Env } from '../env';
import { HttpError, parseJsonText, readLimitedBody, validate } from '../http';
import { allow, type ApiEnv } from './auth';
import { applyConfig } from './config/apply';
import { integrationConfigSchema, serviceConfigSchema, type Configuration } from './config/document';
import { loadConfig } from './config/store';

export const serviceCreateSchema = serviceConfigSchema.meta({ id: 'ServiceCreate' });
export const serviceUpdateSchema = serviceConfigSchema.omit({ id: true }).partial().meta({ id: 'ServiceUpdate' });
export const integrationCreateSchema = integrationConfigSchema.meta({ id: 'IntegrationCreate' });
export const integrationUpdateSchema = integrationConfigSchema
  .omit({ id: true, type: true })
  .partial()
  .meta({ id: 'IntegrationUpdate' });

async function jsonBody<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S>> {
  const body = await readLimitedBody(request, 64 * 1024);
  if (body.tooLarge) throw new HttpError(413, 'payload_too_large', 'the body is over 64 KiB');
  return validate(schema, parseJsonText(body.text));
}

type Section = 'services' | 'integrations';

/** Replaces, adds (item) or removes (null) one object of a section, and applies the result. */
async function changeOne<K extends Section>(
  env: Env,
  section: K,
  handle: string,
  item: Configuration[K][number] | null,
) {
  const { config } = await loadConfig(env.DB);
  const others = (config[section] as Configuration[K][number][]).filter((existing) => existing.id !== handle);
  const next = item === null ? others : [...others, item];
  await applyConfig(env, { [section]: next }, new Date());
}

async function currentOne<K extends Section>(d1: D1Database, section: K, idOrHandle: string) {
  const db = drizzle(d1);
  const table = section === 'services' ? services : integrations;
  const row = await db
    .select({ handle: table.handle })
    .from(table)
    .where(and(or(eq(table.id, idOrHandle), eq(table.handle, idOrHandle)), isNull(table.deletedAt)))
    .get();
  if (!row) throw new HttpError(404, 'not_found', `no ${section.slice(0, -1)} is named ${idOrHandle}`);
  const { config } = await loadConfig(d1);
  const item = (config[section] as Configuration[K][number][]).find((i) => i.id === row.handle);
  if (!item) throw new HttpError(404, 'not_found', `no ${section.slice(0, -1)} is named ${idOrHandle}`);
  return item;
}

async function serviceJson(d1: D1Database, handle: string) {
  const s = await drizzle(d1)
    .select()
    .from(services)
    .where(and(eq(services.handle, handle), isNull(services.deletedAt)))
    .get();
  if (!s) throw new HttpError(404, 'not_found', `no service is named ${handle}`);
  return { ...s.definition, id: s.id, handle: s.handle, name: s.name, created_at: s.createdAt, updated_at: s.updatedAt };
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

const canConfigure = (role: string) => role === 'owner' || role === 'admin';

export const serviceRoutes = new Hono<ApiEnv>()
  .get('/services', allow('read'), async (c) => {
    const { config } = await loadConfig(c.env.DB);
    return c.json({ services: await Promise.all(config.services.map((s) => serviceJson(c.env.DB, s.id))) });
  })
  .post('/services', allow('configure'), async (c) => {
    const service = await jsonBody(c.req.raw, serviceCreateSchema);
    const { config } = await loadConfig(c.env.DB);
    if (config.services.some((s) => s.id === service.id)) {
      throw new HttpError(409, 'conflict', `a service is already named ${service.id}`, [{ field: 'id', message: 'taken' }]);
    }
    await changeOne(c.env, 'services', service.id, service);
    return c.json(await serviceJson(c.env.DB, service.id), 201);
  })
  .get('/services/:id', allow('read'), async (c) => {
    const service = await currentOne(c.env.DB, 'services', c.req.param('id'));
    return c.json(await serviceJson(c.env.DB, service.id));
  })
  .patch('/services/:id', allow('configure'), async (c) => {
    const service = await currentOne(c.env.DB, 'services', c.req.param('id'));
    const update = await jsonBody(c.req.raw, serviceUpdateSchema);
    await changeOne(c.env, 'services', service.id, { ...service, ...update });
    return c.json(await serviceJson(c.env.DB, service.id));
  })
  .delete('/services/:id', allow('configure'), async (c) => {
    const service = await currentOne(c.env.DB, 'services', c.req.param('id'));
    await changeOne(c.env, 'services', service.id, null);
    return c.body(null, 204);
  })
  .get('/integrations', allow('read'), async (c) => {
    const { config } = await loadConfig(c.env.DB);
    const showKey = canConfigure(c.get('principal').role);
    const origin = new URL(c.req.url).origin;
    return c.json({
      integrations: await Promise.all(config.integrations.map((i) => integrationJson(c.env.DB, i.id, origin, showKey))),
    });
  })
  .post('/integrations', allow('configure'), async (c) => {
    const integration = await jsonBody(c.req.raw, integrationCreateSchema);
    const { config } = await loadConfig(c.env.DB);
    if (config.integrations.some((i) => i.id === integration.id)) {
      throw new HttpError(409, 'conflict', `an integration is already named ${integration.id}`, [
        { field: 'id', message: 'taken' },
      ]);
    }
    await changeOne(c.env, 'integrations', integration.id, integration);
    return c.json(await integrationJson(c.env.DB, integration.id, new URL(c.req.url).origin, true), 201);
  })
  .get('/integrations/:id', allow('read'), async (c) => {
    const integration = await currentOne(c.env.DB, 'integrations', c.req.param('id'));
    const showKey = canConfigure(c.get('principal').role);
    return c.json(await integrationJson(c.env.DB, integration.id, new URL(c.req.url).origin, showKey));
  })
  .patch('/integrations/:id', allow('configure'), async (c) => {
    const integration = await currentOne(c.env.DB, 'integrations', c.req.param('id'));
    const update = await jsonBody(c.req.raw, integrationUpdateSchema);
    await changeOne(c.env, 'integrations', integration.id, { ...integration, ...update });
    return c.json(await integrationJson(c.env.DB, integration.id, new URL(c.req.url).origin, true));
  })
  .delete('/integrations/:id', allow('configure'), async (c) => {
    const integration = await currentOne(c.env.DB, 'integrations', c.req.param('id'));
    await changeOne(c.env, 'integrations', integration.id, null);
    return c.body(null, 204);
  });
