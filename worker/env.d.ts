// The Worker's bindings, declared globally as `wrangler types` does, so that no module imports it
// (the objects it names import nothing back through it).
interface Env {
  DB: D1Database;
  INCIDENTS: DurableObjectNamespace<import('./incident/object').IncidentObject>;
  SEQUENCES: DurableObjectNamespace<import('./incident/sequence').SequenceObject>;
  HANDOFFS: DurableObjectNamespace<import('./notify/handoff-object').HandoffObject>;
  D1_WRITER: DurableObjectNamespace<import('./db/writer').D1WriterObject>;
  NOTIFICATIONS: Queue<import('./notify/job').NotificationJob>;
  /** The console's Worker; absent where only the API runs. */
  WEB?: Fetcher;
  /** When set, a bearer token with this value acts as the built-in owner account. */
  TOCSIN_ADMIN_TOKEN?: string;
}
