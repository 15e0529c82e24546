// What applying a configuration document changes: a pure comparison of the current configuration
// with the desired one, by handle, and the checks that the result holds together.
import { policyReferences } from '../escalation/policy';
import type { FieldError } from '../vocabulary';
import { contactMethodProblems } from '../users/contact';
import { refusedTarget } from '../notify/target';
import { kinds, type ConfigDocument, type ConfigItem, type Configuration, type Kind } from './document';

export interface KindChanges<T> {
  created: T[];
  /** Changed objects, under their new handle when renamed. */
  updated: T[];
  deleted: string[];
  /** Objects that keep their row (internal id) under a new handle; each is among `updated` too. */
  renamed: { from: string; to: string }[];
}

/** Old handle to new handle, per kind: what a change renames rather than deletes and creates. */
export type Renames = Partial<Record<Kind, ReadonlyMap<string, string>>>;

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

function diff<T extends { id: string }>(
  current: T[],
  desired: T[] | undefined,
  renames: ReadonlyMap<string, string> = new Map(),
  keep?: (desired: T, current: T) => T,
) {
  const changes: KindChanges<T> = { created: [], updated: [], deleted: [], renamed: [] };
  if (desired === undefined) return changes;
  const byId = new Map(current.map((item) => [item.id, item]));
  const wantedIds = new Set(desired.map((item) => item.id));
  // A rename holds when its old handle is gone from the document and its new one is not taken.
  const renamedFrom = new Map(
    [...renames]
      .filter(([from, to]) => byId.has(from) && !wantedIds.has(from) && !byId.has(to))
      .map(([f, t]) => [t, f]),
  );
  for (const wanted of desired) {
    const from = renamedFrom.get(wanted.id);
    const existing = byId.get(from ?? wanted.id);
    if (!existing) {
      changes.created.push(wanted);
      continue;
    }
    const merged = keep ? keep(wanted, existing) : wanted;
    if (from !== undefined) changes.renamed.push({ from, to: wanted.id });
    if (from !== undefined || !same(merged, existing)) changes.updated.push(merged);
  }
  const renamedIds = new Set(renamedFrom.values());
  changes.deleted = current
    .filter((item) => !wantedIds.has(item.id) && !renamedIds.has(item.id))
    .map((item) => item.id);
  return changes;
}

/** An integration whose key the document keeps under a new handle is renamed, not replaced. */
function integrationRenames(current: Configuration, desired: ConfigDocument): Map<string, string> {
  const wanted = desired.integrations ?? [];
  const wantedIds = new Set(wanted.map((i) => i.id));
  const currentIds = new Set(current.integrations.map((i) => i.id));
  const renames = new Map<string, string>();
  for (const integration of wanted) {
    if (integration.key === undefined || currentIds.has(integration.id)) continue;
    const holder = current.integrations.find((i) => i.key === integration.key && !wantedIds.has(i.id));
    if (holder && !renames.has(holder.id)) renames.set(holder.id, integration.id);
  }
  return renames;
}

export function planConfig(current: Configuration, desired: ConfigDocument, renames: Renames = {}): ConfigPlan {
  return {
    users: diff(current.users, desired.users, renames.users),
    teams: diff(current.teams, desired.teams, renames.teams),
    schedules: diff(current.schedules, desired.schedules, renames.schedules),
    escalation_policies: diff(current.escalation_policies, desired.escalation_policies, renames.escalation_policies),
    services: diff(current.services, desired.services, renames.services),
    // An integration without a key in the document keeps the key it has.
    integrations: diff(
      current.integrations,
      desired.integrations,
      new Map([...integrationRenames(current, desired), ...(renames.integrations ?? [])]),
      (wanted, existing) => ({ ...wanted, key: wanted.key ?? existing.key }),
    ),
    extensions: diff(current.extensions, desired.extensions, renames.extensions),
  };
}

/**
 * The configuration with one object renamed and every reference to its old handle following:
 * a user in teams, layers, overrides, policies and routing; a team as owner and as responder; a
 * schedule in policies and routing; a policy in routing; a service in integrations and extensions.
 */
export function renameEverywhere<K extends Kind>(
  config: Configuration,
  kind: K,
  from: string,
  to: string,
): Configuration {
  const one = (handle: string) => (handle === from ? to : handle);
  const opt = (handle: string | undefined) => (handle === undefined ? undefined : one(handle));
  const named = <T extends { id: string }>(items: T[], k: Kind) =>
    k === kind ? items.map((item) => (item.id === from ? { ...item, id: to } : item)) : items;
  const withTeam = <T extends { team?: string }>(item: T): T =>
    kind === 'teams' && item.team === from ? { ...item, team: to } : item;
  return {
    users: named(config.users, 'users'),
    teams: named(config.teams, 'teams').map((team) =>
      kind === 'users' ? { ...team, members: team.members.map(one), admins: team.admins.map(one) } : team,
    ),
    schedules: named(config.schedules, 'schedules')
      .map(withTeam)
      .map((schedule) =>
        kind === 'users'
          ? {
              ...schedule,
              layers: schedule.layers.map((layer) => ({ ...layer, members: layer.members.map(one) })),
              overrides: schedule.overrides.map((o) => ({
                ...o,
                user: one(o.user),
                ...(o.replaces === undefined ? {} : { replaces: opt(o.replaces) }),
              })),
            }
          : schedule,
      ),
    escalation_policies: named(config.escalation_policies, 'escalation_policies')
      .map(withTeam)
      .map((policy) => ({
        ...policy,
        steps: policy.steps.map((step) => ({
          ...step,
          responders: step.responders.map((r) => {
            if ('user' in r) return kind === 'users' ? { user: one(r.user) } : r;
            if ('schedule' in r) return kind === 'schedules' ? { schedule: one(r.schedule) } : r;
            if ('team' in r) return kind === 'teams' ? { team: one(r.team) } : r;
            return kind === 'teams' ? { random_member_of: one(r.random_member_of) } : r;
          }),
        })),
      })),
    services: named(config.services, 'services')
      .map(withTeam)
      .map((service) => {
        const routing = service.routing;
        if ('user' in routing && kind === 'users') return { ...service, routing: { user: one(routing.user) } };
        if ('schedule' in routing && kind === 'schedules')
          return { ...service, routing: { schedule: one(routing.schedule) } };
        if ('escalation_policy' in routing && kind === 'escalation_policies')
          return { ...service, routing: { escalation_policy: one(routing.escalation_policy) } };
        return service;
      }),
    integrations: named(config.integrations, 'integrations').map((integration) =>
      kind === 'services'
        ? {
            ...integration,
            service: one(integration.service),
            ...(integration.routing_rules === undefined
              ? {}
              : {
                  routing_rules: integration.routing_rules.map((rule) =>
                    'service' in rule ? { ...rule, service: one(rule.service) } : rule,
                  ),
                }),
          }
        : integration,
    ),
    extensions: named(config.extensions, 'extensions').map((extension) =>
      kind === 'services' ? { ...extension, service: one(extension.service) } : extension,
    ),
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

/**
 * What would be inconsistent once the document is applied (dangling references, shared keys, an
 * extension calling a private address unless `allowPrivateTargets`), by field.
 */
export function inconsistencies(
  current: Configuration,
  desired: ConfigDocument,
  allowPrivateTargets = false,
): FieldError[] {
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
    for (const side of ['inside', 'outside'] as const) {
      const action = service.support_hours?.[side];
      if (action && 'escalation_policy' in action) {
        reference(
          'services',
          [i, 'support_hours', side, 'escalation_policy'],
          'escalation_policies',
          action.escalation_policy,
        );
      }
    }
  });
  const keys = new Map<string, string>();
  result.integrations.forEach((integration, i) => {
    reference('integrations', [i, 'service'], 'services', integration.service);
    if (integration.type === 'heartbeat' && integration.heartbeat === undefined && desired.integrations) {
      errors.push({
        field: `integrations[${i}].heartbeat`,
        message: 'a heartbeat integration needs heartbeat.interval_minutes',
      });
    }
    integration.routing_rules?.forEach((rule, r) => {
      if ('service' in rule) reference('integrations', [i, 'routing_rules', r, 'service'], 'services', rule.service);
    });
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
  desired.maintenance_windows?.forEach((window, i) => {
    if (!known.services.has(window.service)) {
      errors.push({
        field: `maintenance_windows[${i}].service`,
        message: `maintenance_windows[${i}].service names service ${window.service}, which is not defined`,
      });
    }
  });
  result.extensions.forEach((extension, i) => {
    reference('extensions', [i, 'service'], 'services', extension.service);
    // Where the host is a variable, the call itself is checked when it is made.
    const refused = refusedTarget(extension.url.replace(/\$\{[^}]*\}/g, 'x'), allowPrivateTargets);
    if (refused !== null && desired.extensions) errors.push({ field: `extensions[${i}].url`, message: refused });
  });
  return errors;
}
