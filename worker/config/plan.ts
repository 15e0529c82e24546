// What applying a configuration document changes: a pure comparison of the current configuration
// with the desired one, by handle, and the checks that the result holds together.
import { policyReferences } from '../escalation/policy';
import type { FieldError } from '../vocabulary';
import { contactMethodProblems } from '../users/contact';
import { kinds, type ConfigDocument, type ConfigItem, type Configuration, type Kind } from './document';

export interface KindChanges<T> {
  created: T[];
  updated: T[];
  deleted: string[];
}

export type ConfigPlan = { [K in Kind]: KindChanges<ConfigItem<K>> };

/** The handles that changed, per kind: what `PUT /config` answers (and what an audit log records). */
export type ChangeSummary = Record<Kind, { created: string[]; updated: string[]; deleted: string[] }>;

/** Key order and absent optional fields must not make two equal objects differ. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}
/** The JSON of a value with sorted keys and no undefined fields: equal objects, equal text. */
export const canonicalJson = (value: unknown) => JSON.stringify(canonical(value));
const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

function diff<T extends { id: string }>(current: T[], desired: T[] | undefined, keep?: (desired: T, current: T) => T) {
  const changes: KindChanges<T> = { created: [], updated: [], deleted: [] };
  if (desired === undefined) return changes;
  const byId = new Map(current.map((item) => [item.id, item]));
  for (const wanted of desired) {
    const existing = byId.get(wanted.id);
    if (!existing) {
      changes.created.push(wanted);
      continue;
    }
    const merged = keep ? keep(wanted, existing) : wanted;
    if (!same(merged, existing)) changes.updated.push(merged);
  }
  const wantedIds = new Set(desired.map((item) => item.id));
  changes.deleted = current.filter((item) => !wantedIds.has(item.id)).map((item) => item.id);
  return changes;
}

export function planConfig(current: Configuration, desired: ConfigDocument): ConfigPlan {
  return {
    users: diff(current.users, desired.users),
    teams: diff(current.teams, desired.teams),
    schedules: diff(current.schedules, desired.schedules),
    escalation_policies: diff(current.escalation_policies, desired.escalation_policies),
    services: diff(current.services, desired.services),
    // An integration without a key in the document keeps the key it has.
    integrations: diff(current.integrations, desired.integrations, (wanted, existing) => ({
      ...wanted,
      key: wanted.key ?? existing.key,
    })),
  };
}

export function summarize(plan: ConfigPlan): ChangeSummary {
  return Object.fromEntries(
    kinds.map((kind) => [
      kind,
      {
        created: plan[kind].created.map((i) => i.id),
        updated: plan[kind].updated.map((i) => i.id),
        deleted: plan[kind].deleted,
      },
    ]),
  ) as ChangeSummary;
}

export function isEmpty(plan: ConfigPlan): boolean {
  return kinds.every((kind) => {
    const c = plan[kind];
    return c.created.length + c.updated.length + c.deleted.length === 0;
  });
}

/** The configuration after the document is applied: its sections, and the current ones it left out. */
export function resultingConfig(current: Configuration, desired: ConfigDocument): Configuration {
  return Object.fromEntries(kinds.map((kind) => [kind, desired[kind] ?? current[kind]])) as Configuration;
}

type Path = (string | number)[];
const fieldOf = (path: Path) =>
  path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${part}`)).join('');

/** What would be inconsistent once the document is applied (dangling references, shared keys), by field. */
export function inconsistencies(current: Configuration, desired: ConfigDocument): FieldError[] {
  const result = resultingConfig(current, desired);
  const known: Record<'users' | 'teams' | 'schedules' | 'escalation_policies' | 'services', Set<string>> = {
    users: new Set(result.users.map((u) => u.id)),
    teams: new Set(result.teams.map((t) => t.id)),
    schedules: new Set(result.schedules.map((s) => s.id)),
    escalation_policies: new Set(result.escalation_policies.map((p) => p.id)),
    services: new Set(result.services.map((s) => s.id)),
  };
  const errors: FieldError[] = [];
  // A broken reference is the document's fault where the document states it, else the section that
  // removed what it names.
  const reference = (from: Kind, path: Path, target: keyof typeof known, handle: string) => {
    if (known[target].has(handle)) return;
    errors.push({
      field: desired[from] ? fieldOf([from, ...path]) : target,
      message: `${fieldOf([from, ...path])} names ${target.replace(/s$/, '').replace('_', ' ')} ${handle}, which is not defined`,
    });
  };

  result.users.forEach((user, i) => {
    for (const problem of contactMethodProblems({ handle: user.id, ...user })) {
      if (desired.users) errors.push({ field: fieldOf(['users', i, ...problem.path]), message: problem.message });
    }
  });
  result.teams.forEach((team, i) => {
    team.members.forEach((m, j) => reference('teams', [i, 'members', j], 'users', m));
    team.admins.forEach((a, j) => reference('teams', [i, 'admins', j], 'users', a));
  });
  result.schedules.forEach((schedule, i) => {
    schedule.layers.forEach((layer, l) =>
      layer.members.forEach((m, j) => reference('schedules', [i, 'layers', l, 'members', j], 'users', m)),
    );
    if (schedule.team !== undefined) reference('schedules', [i, 'team'], 'teams', schedule.team);
    schedule.overrides.forEach((o, j) => {
      reference('schedules', [i, 'overrides', j, 'user'], 'users', o.user);
      if (o.replaces !== undefined) reference('schedules', [i, 'overrides', j, 'replaces'], 'users', o.replaces);
    });
  });
  result.escalation_policies.forEach((policy, i) => {
    if (policy.team !== undefined) reference('escalation_policies', [i, 'team'], 'teams', policy.team);
    for (const ref of policyReferences(policy)) {
      const target = ref.kind === 'user' ? 'users' : ref.kind === 'schedule' ? 'schedules' : 'teams';
      reference('escalation_policies', [i, ...ref.path], target, ref.handle);
    }
  });
  result.services.forEach((service, i) => {
    const routing = service.routing;
    if ('escalation_policy' in routing) {
      reference('services', [i, 'routing', 'escalation_policy'], 'escalation_policies', routing.escalation_policy);
    }
    if ('user' in routing) reference('services', [i, 'routing', 'user'], 'users', routing.user);
    if ('schedule' in routing) reference('services', [i, 'routing', 'schedule'], 'schedules', routing.schedule);
    if (service.team !== undefined) reference('services', [i, 'team'], 'teams', service.team);
  });
  const keys = new Map<string, string>();
  result.integrations.forEach((integration, i) => {
    reference('integrations', [i, 'service'], 'services', integration.service);
    const key = integration.key ?? current.integrations.find((c) => c.id === integration.id)?.key;
    const holder = key === undefined ? undefined : keys.get(key);
    if (holder !== undefined) {
      errors.push({
        field: `integrations[${i}].key`,
        message: `integration ${integration.id} has the same key as ${holder}`,
      });
    } else if (key !== undefined) {
      keys.set(key, integration.id);
    }
  });
  return errors;
}
