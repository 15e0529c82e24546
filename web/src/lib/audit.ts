// The audit log as GET /audit answers it (worker/api/audit.ts): who changed what, and when.
export const auditKinds = [
  'user',
  'team',
  'schedule',
  'escalation_policy',
  'service',
  'integration',
  'extension',
  'override',
  'maintenance',
  'token',
  'session',
  'password',
] as const;

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

export interface AuditFilters {
  kind: string;
  actor: string;
  /** datetime-local values, in the browser's zone. */
  from: string;
  to: string;
}

export function auditQuery(f: AuditFilters, cursor: string | null): string {
  const q = new URLSearchParams({ limit: '50' });
  if (f.kind) q.set('kind', f.kind);
  if (f.actor.trim()) q.set('actor', f.actor.trim());
  if (f.from) q.set('from', new Date(f.from).toISOString());
  if (f.to) q.set('to', new Date(f.to).toISOString());
  if (cursor) q.set('cursor', cursor);
  return `/audit?${q}`;
}

/** A before or after state as indented JSON, shown as text; nothing (a creation's before) → null. */
export const pretty = (state: unknown): string | null =>
  state === null || state === undefined ? null : JSON.stringify(state, null, 2);
