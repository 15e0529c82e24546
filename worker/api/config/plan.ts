// What applying a configuration document changes: a pure comparison of the current configuration
// with the desired one, by handle.
import type { FieldError } from '../../http';
import type { ConfigDocument, Configuration } from './document';

export type Kind = keyof Configuration;
export const kinds: readonly Kind[] = ['users', 'services', 'integrations'];

export interface KindChanges<T> {
  created: T[];
  updated: T[];
  deleted: string[];
}

export type ConfigPlan = { [K in Kind]: KindChanges<Configuration[K][number]> };

/** The handles that changed, per kind: what `PUT /config` answers (and what an audit log records). */
export type ChangeSummary = { [K in Kind]: { created: string[]; updated: string[]; deleted: string[] } };

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

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
    if (!same(normalize(merged), normalize(existing))) changes.updated.push(merged);
  }
  const wantedIds = new Set(desired.map((item) => item.id));
  changes.deleted = current.filter((item) => !wantedIds.has(item.id)).map((item) => item.id);
  return changes;
}

/** Key order must not make two equal objects differ. */
function normalize(value: object): object {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)));
}

export function planConfig(current: Configuration, desired: ConfigDocument): ConfigPlan {
  return {
    users: diff(current.users, desired.users),
    services: diff(current.services, desired.services),
    // An integration without a key in the document keeps the key it has.
    integrations: diff(current.integrations, desired.integrations, (wanted, existing) => ({
      ...wanted,
      key: wanted.key ?? existing.key,
    })),
  };
}

export function summarize(plan: ConfigPlan): ChangeSummary {
  const handles = <T extends { id: string }>(c: KindChanges<T>) => ({
    created: c.created.map((i) => i.id),
    updated: c.updated.map((i) => i.id),
    deleted: c.deleted,
  });
  return { users: handles(plan.users), services: handles(plan.services), integrations: handles(plan.integrations) };
}

export function isEmpty(plan: ConfigPlan): boolean {
  return kinds.every((kind) => {
    const c = plan[kind];
    return c.created.length + c.updated.length + c.deleted.length === 0;
  });
}

/** The configuration after the document is applied: its sections, and the current ones it left out. */
export function resultingConfig(current: Configuration, desired: ConfigDocument): Configuration {
  return {
    users: desired.users ?? current.users,
    services: desired.services ?? current.services,
    integrations: desired.integrations ?? current.integrations,
  };
}

/** What would be inconsistent once the document is applied (dangling references, shared keys), by field. */
export function inconsistencies(current: Configuration, desired: ConfigDocument): FieldError[] {
  const result = resultingConfig(current, desired);
  const services = new Set(result.services.map((s) => s.id));
  const keys = new Map<string, string>();
  const errors: FieldError[] = [];
  const where = (i: number, field: string) => (desired.integrations ? `integrations[${i}].${field}` : 'services');
  result.integrations.forEach((integration, i) => {
    if (!services.has(integration.service)) {
      errors.push({
        field: where(i, 'service'),
        message: `integration ${integration.id} names service ${integration.service}, which is not defined`,
      });
    }
    const key = integration.key ?? current.integrations.find((c) => c.id === integration.id)?.key;
    const holder = key === undefined ? undefined : keys.get(key);
    if (holder !== undefined) {
      errors.push({ field: where(i, 'key'), message: `integration ${integration.id} has the same key as ${holder}` });
    } else if (key !== undefined) {
      keys.set(key, integration.id);
    }
  });
  return errors;
}
