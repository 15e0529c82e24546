import { parse as parseYaml } from 'yaml';
import { HttpError, validate } from '../../http';
import type { Env } from '../../env';
import { rescheduleHandoffs } from '../../notify/handoff-object';
import { configDocumentSchema, type ConfigDocument } from './document';
import { forgetLiveConfig } from './live';
import { inconsistencies, isEmpty, planConfig, summarize, type ChangeSummary } from './plan';
import { applyPlan, loadConfig } from './store';

export interface ApplyResult {
  changed: boolean;
  changes: ChangeSummary;
}

/** Applies a configuration document: checks it whole, then writes only what differs. */
export async function applyConfig(env: Env, doc: ConfigDocument, now: Date): Promise<ApplyResult> {
  const d1 = env.DB;
  const stored = await loadConfig(d1);
  const errors = inconsistencies(stored.config, doc);
  if (errors.length > 0) {
    throw new HttpError(
      400,
      'invalid_configuration',
      `invalid configuration: ${errors.map((e) => e.field).join(', ')}`,
      errors,
    );
  }
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
  return { changed: !isEmpty(plan), changes: summarize(plan) };
}

/** A document in YAML or JSON (YAML is a superset, but JSON gets JSON's error messages). */
export function parseConfigText(text: string, contentType: string | undefined): ConfigDocument {
  let raw: unknown;
  try {
    raw = contentType?.includes('json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new HttpError(400, 'invalid_document', `the configuration does not parse: ${(error as Error).message}`, [
      { field: 'body', message: 'not valid YAML or JSON' },
    ]);
  }
  return validate(configDocumentSchema, raw ?? {}, 'configuration');
}
