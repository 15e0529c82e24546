// Reads the live configuration from D1 and writes a plan to it in one batch (one transaction).
import { eq, isNull } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { drizzle } from 'drizzle-orm/d1';
import { escalationPolicies, integrations, schedules, services, teams, users } from '../db/schema';
import { kinds, type ConfigItem, type Configuration, type Kind } from './document';
import type { ConfigPlan } from './plan';

/** Internal ids by handle, per kind. */
export type IdIndex = Record<Kind, Map<string, string>>;

export interface StoredConfig {
  config: Configuration;
  ids: IdIndex;
}

const tables = {
  users,
  teams,
  schedules,
  escalation_policies: escalationPolicies,
  services,
  integrations,
} as const;

const randomHex = (bytes: number) =>
  [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');

export function generateIntegrationKey(): string {
  return randomHex(16);
}

type Db = ReturnType<typeof drizzle>;

export async function loadConfig(d1: D1Database): Promise<StoredConfig> {
  const db = drizzle(d1);
  const select = (kind: Kind) => {
    const table = tables[kind];
    return db.select().from(table).where(isNull(table.deletedAt)).orderBy(table.createdAt, table.handle);
  };
  const rows = await db.batch([
    select('users'),
    select('teams'),
    select('schedules'),
    select('escalation_policies'),
    select('services'),
    select('integrations'),
  ]);
  const config = Object.fromEntries(
    kinds.map((kind, i) => [kind, rows[i]!.map((row) => ({ ...row.definition, id: row.handle }))]),
  ) as Configuration;
  const ids = Object.fromEntries(
    kinds.map((kind, i) => [kind, new Map(rows[i]!.map((r) => [r.handle, r.id]))]),
  ) as IdIndex;
  return { config, ids };
}

/** The columns beyond the common ones that a kind's row needs. */
function extraColumns<K extends Kind>(kind: K, item: ConfigItem<K>, idOf: (kind: Kind, handle: string) => string) {
  switch (kind) {
    case 'users':
      return { role: (item as ConfigItem<'users'>).role };
    case 'integrations': {
      const integration = item as ConfigItem<'integrations'>;
      return { type: integration.type, key: integration.key!, serviceId: idOf('services', integration.service) };
    }
    default:
      return {};
  }
}

/** Secrets made once, when a row is created, and never part of the document. */
function createdOnlyColumns(kind: Kind) {
  return kind === 'users' || kind === 'schedules' ? { calendarSecret: randomHex(20) } : {};
}

/** Writes the plan; returns the internal ids of everything live afterwards. */
export async function applyPlan(d1: D1Database, plan: ConfigPlan, ids: IdIndex, now: Date): Promise<IdIndex> {
  const db: Db = drizzle(d1);
  const at = now.toISOString();
  const next = Object.fromEntries(kinds.map((kind) => [kind, new Map(ids[kind])])) as IdIndex;
  for (const kind of kinds) {
    for (const created of plan[kind].created) next[kind].set(created.id, crypto.randomUUID());
  }
  const idOf = (kind: Kind, handle: string) => {
    const id = next[kind].get(handle);
    if (id === undefined) throw new Error(`no ${kind} ${handle}`);
    return id;
  };
  const statements: BatchItem<'sqlite'>[] = [];
  for (const kind of kinds) {
    const table = tables[kind];
    for (const handle of plan[kind].deleted) {
      statements.push(
        db
          .update(table)
          .set({ deletedAt: at, updatedAt: at })
          .where(eq(table.id, idOf(kind, handle))),
      );
    }
    for (const item of plan[kind].created as ConfigItem<Kind>[]) {
      const row =
        kind === 'integrations'
          ? { ...item, key: (item as ConfigItem<'integrations'>).key ?? generateIntegrationKey() }
          : item;
      const { id: handle, ...definition } = row;
      statements.push(
        db.insert(table).values({
          id: idOf(kind, handle),
          handle,
          name: row.name,
          definition,
          createdAt: at,
          updatedAt: at,
          ...extraColumns(kind, row as ConfigItem<typeof kind>, idOf),
          ...createdOnlyColumns(kind),
        } as typeof table.$inferInsert),
      );
    }
    for (const item of plan[kind].updated as ConfigItem<Kind>[]) {
      const { id: handle, ...definition } = item;
      statements.push(
        db
          .update(table)
          .set({
            name: item.name,
            definition,
            updatedAt: at,
            ...extraColumns(kind, item as ConfigItem<typeof kind>, idOf),
          })
          .where(eq(table.id, idOf(kind, handle))),
      );
    }
  }
  for (const kind of kinds) for (const handle of plan[kind].deleted) next[kind].delete(handle);
  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);
  return next;
}
