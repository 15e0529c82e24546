// Applying a configuration document: check it whole, plan what differs, write the plan in one batch.
import type { FieldError } from '../vocabulary';
import { rescheduleHandoffs } from '../notify/handoff-object';
import type { ConfigDocument } from './document';
import { forgetLiveConfig } from './live';
import { inconsistencies, isEmpty, planConfig, summarize, type ChangeSummary } from './plan';
import { applyPlan, loadConfig } from './store';

export type ApplyResult = { ok: true; changed: boolean; changes: ChangeSummary } | { ok: false; errors: FieldError[] };

/** Applies a configuration document: checks it whole, then writes only what differs. */
export async function applyConfig(env: Env, doc: ConfigDocument, now: Date): Promise<ApplyResult> {
  const d1 = env.DB;
  const stored = await loadConfig(d1);
  const errors = inconsistencies(stored.config, doc);
  if (errors.length > 0) return { ok: false, errors };
  const plan = planConfig(stored.config, doc);
  if (!isEmpty(plan)) {
    await applyPlan(d1, plan, stored.ids, now);
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
