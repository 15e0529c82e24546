// The audit log's entries: who changed what, when and from where, with the object before and after.
// Pure: made from a configuration plan and the configuration it was planned from, or for one act
// (a sign-in, a token, a maintenance window). Secrets never enter the log: keys and header values
// show only their last characters, and URLs lose their query.
import type { ConfigItem, Configuration, Kind } from '../config/document';
import type { ConfigPlan } from '../config/plan';
import { canonicalJson } from '../config/plan';
import { redactedUrl } from '../notify/extension';

/** Who acts: a user's handle (`admin` for the built-in owner token), and the address the request came from. */
export interface Auditor {
  actor: string;
  ip: string | null;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  ip: string | null;
  action: string;
  kind: string;
  target: string | null;
  before: unknown;
  after: unknown;
}

/** The log's kinds: one per kind of configuration (singular), and the acts outside the document. */
export const configKinds: Record<Kind, string> = {
  users: 'user',
  teams: 'team',
  schedules: 'schedule',
  escalation_policies: 'escalation_policy',
  services: 'service',
  integrations: 'integration',
  extensions: 'extension',
};
export const auditKinds = [...Object.values(configKinds), 'override', 'maintenance', 'token', 'session', 'password'];

/** Enough of a secret to tell that it changed, not enough to use it. */
const masked = (secret: string) => (secret.length > 8 ? `…${secret.slice(-4)}` : '…');

function withoutSecrets(kind: Kind, item: ConfigItem<Kind>): unknown {
  if (kind === 'integrations') {
    const integration = item as ConfigItem<'integrations'>;
    return integration.key === undefined ? integration : { ...integration, key: masked(integration.key) };
  }
  if (kind === 'extensions') {
    const extension = item as ConfigItem<'extensions'>;
    return {
      ...extension,
      url: redactedUrl(extension.url),
      ...(extension.headers
        ? { headers: Object.fromEntries(Object.entries(extension.headers).map(([k, v]) => [k, masked(v)])) }
        : {}),
    };
  }
  return item;
}

/** A schedule change that touches nothing but its overrides is logged as an override. */
function kindOfChange(kind: Kind, before: ConfigItem<Kind> | null, after: ConfigItem<Kind> | null): string {
  if (kind !== 'schedules' || !before || !after) return configKinds[kind];
  const { overrides: _b, ...restBefore } = before as ConfigItem<'schedules'>;
  const { overrides: _a, ...restAfter } = after as ConfigItem<'schedules'>;
  return canonicalJson(restBefore) === canonicalJson(restAfter) ? 'override' : 'schedule';
}

/** One entry per object a plan creates, changes, renames or deletes. */
export function planEntries(
  plan: ConfigPlan,
  current: Configuration,
  by: Auditor,
  now: Date,
  newId: () => string,
): AuditEntry[] {
  const entries: AuditEntry[] = [];
  const at = now.toISOString();
  const entry = (kind: Kind, action: string, before: ConfigItem<Kind> | null, after: ConfigItem<Kind> | null) =>
    entries.push({
      id: newId(),
      at,
      ...by,
      action,
      kind: kindOfChange(kind, before, after),
      target: (after ?? before)!.id,
      before: before && withoutSecrets(kind, before),
      after: after && withoutSecrets(kind, after),
    });
  for (const kind of Object.keys(configKinds) as Kind[]) {
    const changes = plan[kind];
    const items = current[kind] as ConfigItem<Kind>[];
    const find = (handle: string) => items.find((i) => i.id === handle) ?? null;
    const renamedFrom = new Map(changes.renamed.map((r) => [r.to, r.from]));
    for (const item of changes.created as ConfigItem<Kind>[]) entry(kind, 'create', null, item);
    for (const item of changes.updated as ConfigItem<Kind>[]) {
      const from = renamedFrom.get(item.id);
      entry(kind, from ? 'rename' : 'update', find(from ?? item.id), item);
    }
    for (const handle of changes.deleted) entry(kind, 'delete', find(handle), null);
  }
  return entries;
}

/** An entry for one act outside the configuration document. */
export function actEntry(
  by: Auditor,
  act: { action: string; kind: string; target: string | null; before?: unknown; after?: unknown },
  now: Date,
  newId: () => string,
): AuditEntry {
  return {
    id: newId(),
    at: now.toISOString(),
    ...by,
    action: act.action,
    kind: act.kind,
    target: act.target,
    before: act.before ?? null,
    after: act.after ?? null,
  };
}
