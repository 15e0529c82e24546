// Applying a configuration document: check it whole, plan what differs, write the plan in one batch.
import { and, eq, gt, isNull } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { maintenanceWindows } from '../db/schema';
import type { FieldError } from '../vocabulary';
import { rescheduleHandoffs } from '../notify/handoff-object';
import type { ConfigDocument } from './document';
import { forgetLiveConfig } from './live';
import { inconsistencies, isEmpty, planConfig, summarize, type ChangeSummary, type Renames } from './plan';
import { applyPlan, loadConfig, type StoredConfig } from './store';
import { planEntries, type Auditor } from '../audit/entries';

export type ApplyResult =
  | { ok: true; changed: boolean; changes: ChangeSummary }
  | { ok: false; errors: FieldError[] }
  /** The configuration changed after `basedOn` was read: nothing was written. */
  | { ok: false; stale: true };

export interface ApplyOptions {
  /** The read the document was made from: the write goes through only if nothing changed since. */
  basedOn?: StoredConfig;
  /** Objects to rename (keeping their internal ids) rather than delete and create. */
  renames?: Renames;
  /** Who makes the change, for the audit log (default: Tocsin itself). */
  by?: Auditor;
}

const SYSTEM_AUDITOR: Auditor = { actor: 'system', ip: null };

/**
 * Applies a configuration document: checks it whole, then writes only what differs. Without
 * `basedOn`, it reads the configuration itself and tries again when another write comes between.
 */
export async function applyConfig(
  env: Env,
  doc: ConfigDocument,
  now: Date,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const by = options.by ?? SYSTEM_AUDITOR;
  if (options.basedOn) return applyOnce(env, doc, now, options.basedOn, by, options.renames);
  for (let attempt = 1; ; attempt++) {
    const result = await applyOnce(env, doc, now, await loadConfig(env.DB), by, options.renames);
    if (result.ok || !('stale' in result) || attempt === MAX_ATTEMPTS) return result;
  }
}

const MAX_ATTEMPTS = 3;

async function applyOnce(
  env: Env,
  doc: ConfigDocument,
  now: Date,
  stored: StoredConfig,
  by: Auditor,
  renames: Renames = {},
): Promise<ApplyResult> {
  const errors = inconsistencies(stored.config, doc, Boolean(env.TOCSIN_ALLOW_PRIVATE_TARGETS));
  if (errors.length > 0) return { ok: false, errors };
  const plan = planConfig(stored.config, doc, renames);
  let ids = stored.ids;
  if (!isEmpty(plan)) {
    const audit = planEntries(plan, stored.config, by, now, () => crypto.randomUUID());
    const written = await applyPlan(env.DB, plan, stored, now, audit);
    if (written === null) return { ok: false, stale: true };
    ids = written;
    forgetLiveConfig();
    // Users' handoff notices and the schedules they watch may have changed.
    if (
      plan.users.created.length +
        plan.users.updated.length +
        plan.schedules.created.length +
        plan.schedules.updated.length >
      0
    ) {
      await rescheduleHandoffs(env);
    }
  }
  if (doc.maintenance_windows) await syncMaintenance(env.DB, doc.maintenance_windows, ids.services, now);
  return { ok: true, changed: !isEmpty(plan), changes: summarize(plan) };
}

/**
 * The document's maintenance windows become the ones the configuration made: those it no longer
 * lists end (or, not yet open, are cancelled); new ones are added. The API's windows are left alone.
 */
async function syncMaintenance(
  d1: D1Database,
  windows: NonNullable<ConfigDocument['maintenance_windows']>,
  serviceIds: ReadonlyMap<string, string>,
  now: Date,
): Promise<void> {
  const db = drizzle(d1);
  const at = now.toISOString();
  const rows = windows.map((w) => {
    const serviceId = serviceIds.get(w.service)!;
    const [startsAt, endsAt] = [new Date(w.start).toISOString(), new Date(w.end).toISOString()];
    return {
      id: `config:${serviceId}:${startsAt}:${endsAt}`,
      serviceId,
      startsAt,
      endsAt,
      description: w.description,
      source: 'config' as const,
      createdBy: 'configuration',
      createdAt: at,
      endedBy: null,
      updatedAt: at,
    };
  });
  const wanted = new Set(rows.map((r) => r.id));
  const current = await db
    .select()
    .from(maintenanceWindows)
    .where(
      and(
        eq(maintenanceWindows.source, 'config'),
        gt(maintenanceWindows.endsAt, at),
        isNull(maintenanceWindows.endedBy),
      ),
    );
  const statements = [
    ...current
      .filter((w) => !wanted.has(w.id))
      .map((w) =>
        db
          .update(maintenanceWindows)
          .set({ endsAt: w.startsAt > at ? w.startsAt : at, endedBy: 'configuration', updatedAt: at })
          .where(eq(maintenanceWindows.id, w.id)),
      ),
    ...rows.filter((r) => r.endsAt > at).map((r) => db.insert(maintenanceWindows).values(r).onConflictDoNothing()),
  ];
  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);
  forgetLiveConfig();
}
