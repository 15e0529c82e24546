// Reads the live configuration from D1 and writes a plan to it in one batch (one transaction).
import { eq, gt, isNotNull, isNull, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { drizzle } from 'drizzle-orm/d1';
import {
  configRevision,
  escalationPolicies,
  extensions,
  integrations,
  maintenanceWindows,
  schedules,
  services,
  teams,
  users,
} from '../db/schema';
import { kinds, type ConfigItem, type Configuration, type Kind } from './document';
import type { MaintenanceWindow } from '../ingest/maintenance';
import type { ConfigPlan } from './plan';
import type { AuditEntry } from '../audit/entries';
import { auditInserts } from '../audit/log';

/** Internal ids by handle, per kind. */
export type IdIndex = Record<Kind, Map<string, string>>;

export interface StoredConfig {
  config: Configuration;
  ids: IdIndex;
  /** Bumped by every write: a write planned from this read goes through only while it is current. */
  revision: number;
  /** Maintenance windows not over yet (open or scheduled), which ingest reads with the rest. */
  maintenance: MaintenanceWindow[];
}

const tables = {
  users,
  teams,
  schedules,
  escalation_policies: escalationPolicies,
  services,
  integrations,
  extensions,
} as const;

const randomHex = (bytes: number) =>
  [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');

export function generateIntegrationKey(): string {
  return randomHex(16);
}

type Db = ReturnType<typeof drizzle>;

/** The handles that deleted objects last had, by internal id: for history that outlives them (reports). */
export async function deletedHandles(d1: D1Database, kind: 'services' | 'integrations'): Promise<Map<string, string>> {
  const table = tables[kind];
  const rows = await drizzle(d1)
    .select({ id: table.id, handle: table.handle })
    .from(table)
    .where(isNotNull(table.deletedAt));
  return new Map(rows.map((row) => [row.id, row.handle]));
}

export async function loadConfig(d1: D1Database, now = new Date()): Promise<StoredConfig> {
  const db = drizzle(d1);
  const select = (kind: Kind) => {
    const table = tables[kind];
    return db.select().from(table).where(isNull(table.deletedAt)).orderBy(table.createdAt, table.handle);
  };
  const [revisionRows, windows, ...rows] = await db.batch([
    db.select().from(configRevision).where(eq(configRevision.id, 1)),
    db
      .select({
        id: maintenanceWindows.id,
        serviceId: maintenanceWindows.serviceId,
        startsAt: maintenanceWindows.startsAt,
        endsAt: maintenanceWindows.endsAt,
        description: maintenanceWindows.description,
      })
      .from(maintenanceWindows)
      .where(gt(maintenanceWindows.endsAt, now.toISOString()))
      .orderBy(maintenanceWindows.startsAt),
    select('users'),
    select('teams'),
    select('schedules'),
    select('escalation_policies'),
    select('services'),
    select('integrations'),
    select('extensions'),
  ]);
  const config = Object.fromEntries(
    kinds.map((kind, i) => [kind, rows[i]!.map((row) => ({ ...row.definition, id: row.handle }))]),
  ) as Configuration;
  const ids = Object.fromEntries(
    kinds.map((kind, i) => [kind, new Map(rows[i]!.map((r) => [r.handle, r.id]))]),
  ) as IdIndex;
  return { config, ids, revision: revisionRows[0]?.revision ?? 0, maintenance: windows };
}

async function currentRevision(db: Db): Promise<number> {
  const row = await db.select().from(configRevision).where(eq(configRevision.id, 1)).get();
  return row?.revision ?? 0;
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
    case 'extensions':
      return { serviceId: idOf('services', (item as ConfigItem<'extensions'>).service) };
    default:
      return {};
  }
}

/** The secret in an iCalendar feed URL. */
export function newCalendarSecret(): string {
  return randomHex(20);
}

/** Secrets made when a row is created (and changed only by rotating them), never part of the document. */
function createdOnlyColumns(kind: Kind) {
  return kind === 'users' || kind === 'schedules' ? { calendarSecret: newCalendarSecret() } : {};
}

/**
 * Writes the plan made from `basedOn`, in one batch that fails whole when another write came
 * between that read and this write. Returns the internal ids of everything live afterwards, or
 * null when the configuration changed since `basedOn` (nothing is written then).
 */
export async function applyPlan(
  d1: D1Database,
  plan: ConfigPlan,
  basedOn: Pick<StoredConfig, 'ids' | 'revision'>,
  now: Date,
  audit: AuditEntry[] = [],
): Promise<IdIndex | null> {
  const { ids, revision } = basedOn;
  const db: Db = drizzle(d1);
  const at = now.toISOString();
  const next = Object.fromEntries(kinds.map((kind) => [kind, new Map(ids[kind])])) as IdIndex;
  // A renamed object keeps its row: its new handle names its old id.
  for (const kind of kinds) {
    for (const { from, to } of plan[kind].renamed) {
      const id = ids[kind].get(from);
      if (id === undefined) throw new Error(`no ${kind} ${from}`);
      next[kind].delete(from);
      next[kind].set(to, id);
    }
  }
  for (const kind of kinds) {
    for (const created of plan[kind].created) next[kind].set(created.id, crypto.randomUUID());
  }
  const idOf = (kind: Kind, handle: string) => {
    const id = next[kind].get(handle);
    if (id === undefined) throw new Error(`no ${kind} ${handle}`);
    return id;
  };
  // The guard: an insert that breaks NOT NULL, and so fails the batch, unless the revision is the
  // one the plan was made from. Then the bump, which a concurrent write planned from the same
  // revision meets as a stale revision in its own guard.
  const statements: BatchItem<'sqlite'>[] = [
    db
      .insert(configRevision)
      .select(
        sql`SELECT 1, NULL WHERE coalesce((SELECT revision FROM config_revision WHERE id = 1), 0) <> ${revision}`,
      ),
    db
      .insert(configRevision)
      .values({ id: 1, revision: revision + 1 })
      .onConflictDoUpdate({ target: configRevision.id, set: { revision: revision + 1 } }),
  ];
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
    // Renamed rows first let go of their handles (a handle is unique among live rows, checked at
    // every statement), so that renames may swap handles or a new object take an old one.
    for (const { to } of plan[kind].renamed) {
      const id = idOf(kind, to);
      statements.push(
        db
          .update(table)
          .set({ handle: `renaming:${id}` })
          .where(eq(table.id, id)),
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
            handle,
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
  // The change and its record in the audit log are written together, or neither is.
  statements.push(...auditInserts(db, audit));
  const [first, ...rest] = statements;
  try {
    await db.batch([first!, ...rest]);
  } catch (error) {
    if ((await currentRevision(db)) !== revision) return null;
    throw error;
  }
  return next;
}
