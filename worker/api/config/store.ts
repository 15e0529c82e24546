// Reads the live configuration from D1 and writes a plan to it in one batch (one transaction).
import { eq, isNull } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import type { BatchItem } from 'drizzle-orm/batch';
import { integrations, services, users } from '../../db/schema';
import type { Configuration } from './document';
import type { ConfigPlan, Kind } from './plan';

/** Internal ids by handle, per kind. */
export type IdIndex = Record<Kind, Map<string, string>>;

export interface StoredConfig {
  config: Configuration;
  ids: IdIndex;
}

export async function loadConfig(d1: D1Database): Promise<StoredConfig> {
  const db = drizzle(d1);
  const [userRows, serviceRows, integrationRows] = await db.batch([
    db.select().from(users).where(isNull(users.deletedAt)).orderBy(users.createdAt, users.handle),
    db.select().from(services).where(isNull(services.deletedAt)).orderBy(services.createdAt, services.handle),
    db.select().from(integrations).where(isNull(integrations.deletedAt)).orderBy(integrations.createdAt, integrations.handle),
  ]);
  const serviceHandles = new Map(serviceRows.map((s) => [s.id, s.handle]));
  return {
    config: {
      users: userRows.map((u) => ({ id: u.handle, name: u.name, ...(u.email ? { email: u.email } : {}), role: u.role })),
      services: serviceRows.map((s) => ({
        id: s.handle,
        name: s.name,
        ...(s.description ? { description: s.description } : {}),
      })),
      integrations: integrationRows.map((i) => ({
        id: i.handle,
        name: i.name,
        type: i.type as Configuration['integrations'][number]['type'],
        key: i.key,
        service: serviceHandles.get(i.serviceId) ?? i.serviceId,
      })),
    },
    ids: {
      users: new Map(userRows.map((r) => [r.handle, r.id])),
      services: new Map(serviceRows.map((r) => [r.handle, r.id])),
      integrations: new Map(integrationRows.map((r) => [r.handle, r.id])),
    },
  };
}

export function generateIntegrationKey(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Writes the plan; returns the internal ids of everything live afterwards. */
export async function applyPlan(d1: D1Database, plan: ConfigPlan, ids: IdIndex, now: Date): Promise<IdIndex> {
  const db = drizzle(d1);
  const at = now.toISOString();
  const next: IdIndex = {
    users: new Map(ids.users),
    services: new Map(ids.services),
    integrations: new Map(ids.integrations),
  };
  const idOf = (kind: Kind, handle: string) => {
    const id = next[kind].get(handle);
    if (id === undefined) throw new Error(`no ${kind} ${handle}`);
    return id;
  };
  for (const kind of ['users', 'services', 'integrations'] as const) {
    for (const created of plan[kind].created) next[kind].set(created.id, crypto.randomUUID());
  }
  const statements: BatchItem<'sqlite'>[] = [];

  for (const handle of plan.users.deleted) {
    statements.push(db.update(users).set({ deletedAt: at, updatedAt: at }).where(eq(users.id, idOf('users', handle))));
  }
  for (const handle of plan.integrations.deleted) {
    statements.push(
      db.update(integrations).set({ deletedAt: at, updatedAt: at }).where(eq(integrations.id, idOf('integrations', handle))),
    );
  }
  for (const handle of plan.services.deleted) {
    statements.push(db.update(services).set({ deletedAt: at, updatedAt: at }).where(eq(services.id, idOf('services', handle))));
  }

  for (const user of plan.users.created) {
    statements.push(
      db.insert(users).values({
        id: idOf('users', user.id),
        handle: user.id,
        name: user.name,
        email: user.email ?? null,
        role: user.role,
        createdAt: at,
        updatedAt: at,
      }),
    );
  }
  for (const user of plan.users.updated) {
    statements.push(
      db
        .update(users)
        .set({ name: user.name, email: user.email ?? null, role: user.role, updatedAt: at })
        .where(eq(users.id, idOf('users', user.id))),
    );
  }
  for (const service of plan.services.created) {
    statements.push(
      db.insert(services).values({
        id: idOf('services', service.id),
        handle: service.id,
        name: service.name,
        description: service.description ?? null,
        createdAt: at,
        updatedAt: at,
      }),
    );
  }
  for (const service of plan.services.updated) {
    statements.push(
      db
        .update(services)
        .set({ name: service.name, description: service.description ?? null, updatedAt: at })
        .where(eq(services.id, idOf('services', service.id))),
    );
  }
  for (const integration of plan.integrations.created) {
    statements.push(
      db.insert(integrations).values({
        id: idOf('integrations', integration.id),
        handle: integration.id,
        name: integration.name,
        type: integration.type,
        key: integration.key ?? generateIntegrationKey(),
        serviceId: idOf('services', integration.service),
        createdAt: at,
        updatedAt: at,
      }),
    );
  }
  for (const integration of plan.integrations.updated) {
    statements.push(
      db
        .update(integrations)
        .set({
          name: integration.name,
          type: integration.type,
          ...(integration.key ? { key: integration.key } : {}),
          serviceId: idOf('services', integration.service),
          updatedAt: at,
        })
        .where(eq(integrations.id, idOf('integrations', integration.id))),
    );
  }
  for (const kind of ['users', 'services', 'integrations'] as const) {
    for (const handle of plan[kind].deleted) next[kind].delete(handle);
  }
  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);
  return next;
}
