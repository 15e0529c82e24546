import type { D1WriterObject } from './db/writer';
import type { IncidentObject } from './incident/object';
import type { SequenceObject } from './incident/sequence';
import type { HandoffObject } from './notify/handoff-object';
import type { NotificationJob } from './notify/job';

export interface Env {
  DB: D1Database;
  INCIDENTS: DurableObjectNamespace<IncidentObject>;
  SEQUENCES: DurableObjectNamespace<SequenceObject>;
  HANDOFFS: DurableObjectNamespace<HandoffObject>;
  D1_WRITER: DurableObjectNamespace<D1WriterObject>;
  NOTIFICATIONS: Queue<NotificationJob>;
  /** The console's Worker; absent where only the API runs. */
  WEB?: Fetcher;
  /** When set, a bearer token with this value acts as the built-in owner account. */
  TOCSIN_ADMIN_TOKEN?: string;
}
