// Applying a configuration document: check it whole, plan what differs, write the plan in one batch.
import type { FieldError } from '../vocabulary';
import { rescheduleHandoffs } from '../notify/handoff-object';
import type { ConfigDocument } from './document';
import { forgetLiveConfig } from './live';
import { inconsistencies, isEmpty, planConfig, summarize, type ChangeSummary, type Renames } from './plan';
import { applyPlan, loadConfig, type StoredConfig } from './store';

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
}

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
  if (options.basedOn) return applyOnce(env, doc, now, options.basedOn, options.renames);
  for (let attempt = 1; ; attempt++) {
    const result = await applyOnce(env, doc, now, await loadConfig(env.DB), options.renames);
    if (result.ok || !('stale' in result) || attempt === MAX_ATTEMPTS) return result;
  }
}

const MAX_ATTEMPTS = 3;

async function applyOnce(
  env: Env,
  doc: ConfigDocument,
  now: Date,
  stored: StoredConfig,
  renames: Renames = {},
): Promise<ApplyResult> {
  const errors = inconsistencies(stored.config, doc, Boolean(env.TOCSIN_ALLOW_PRIVATE_TARGETS));
  if (errors.length > 0) return { ok: false, errors };
  const plan = planConfig(stored.config, doc, renames);
  if (!isEmpty(plan)) {
    if ((await applyPlan(env.DB, plan, stored, now)) === null) return { ok: false, stale: true };
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
  return { ok: true, changed: !isEmpty(plan), changes: summarize(plan) };
}
