// The audit log in D1: appended to in the same batch as the change it records (a configuration plan),
// or right after an act; read newest first. Nothing updates or deletes its rows.
import { and, desc, eq, gte, lt, or, type SQL } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { drizzle } from 'drizzle-orm/d1';
import { auditLog } from '../db/schema';
import type { AuditEntry } from './entries';

/** D1 binds at most 100 parameters to a statement: nine columns each, eleven entries an insert. */
const ENTRIES_PER_INSERT = 11;

/** The inserts of entries, for a caller's batch. */
export function auditInserts(db: DrizzleD1Database<Record<string, unknown>>, entries: AuditEntry[]) {
  const inserts = [];
  for (let i = 0; i < entries.length; i += ENTRIES_PER_INSERT) {
    inserts.push(db.insert(auditLog).values(entries.slice(i, i + ENTRIES_PER_INSERT)));
  }
  return inserts;
}

export async function appendAudit(d1: D1Database, entries: AuditEntry[]): Promise<void> {
  const db = drizzle(d1);
  const [first, ...rest] = auditInserts(db, entries);
  if (first) await db.batch([first, ...rest]);
}

export interface AuditFilter {
  kind?: string;
  actor?: string;
  from?: string;
  to?: string;
  /** The last entry of the previous page: `at|id`. */
  after?: [string, string];
  limit: number;
}

export async function readAudit(d1: D1Database, filter: AuditFilter): Promise<AuditEntry[]> {
  const conditions: (SQL | undefined)[] = [
    filter.kind ? eq(auditLog.kind, filter.kind) : undefined,
    filter.actor ? eq(auditLog.actor, filter.actor) : undefined,
    filter.from ? gte(auditLog.at, filter.from) : undefined,
    filter.to ? lt(auditLog.at, filter.to) : undefined,
    filter.after
      ? or(lt(auditLog.at, filter.after[0]), and(eq(auditLog.at, filter.after[0]), lt(auditLog.id, filter.after[1])))
      : undefined,
  ];
  return drizzle(d1)
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(filter.limit);
}
