// The Worker's bindings, declared globally as `wrangler types` does, so that no module imports it
// (the objects it names import nothing back through it).
interface Env {
  DB: D1Database;
  INCIDENTS: DurableObjectNamespace<import('./incident/object').IncidentObject>;
  SEQUENCES: DurableObjectNamespace<import('./incident/sequence').SequenceObject>;
  HANDOFFS: DurableObjectNamespace<import('./notify/handoff-object').HandoffObject>;
  D1_WRITER: DurableObjectNamespace<import('./db/writer').D1WriterObject>;
  HEARTBEATS: DurableObjectNamespace<import('./ingest/heartbeat-object').HeartbeatObject>;
  CONFIG_SNAPSHOTS: DurableObjectNamespace<import('./config/snapshot-object').ConfigSnapshotObject>;
  NOTIFICATIONS: Queue<import('./notify/job').NotificationJob>;
  /** The console's Worker; absent where only the API runs. */
  WEB?: Fetcher;
  /** When set, a bearer token with this value acts as the built-in owner account. */
  TOCSIN_ADMIN_TOKEN?: string;
  /** Local mode: the owner signs in to the console with this until they set a password of their own. */
  TOCSIN_ADMIN_PASSWORD?: string;
  /** The base of every link and callback URL a message carries; default the request's origin. */
  PUBLIC_URL?: string;
  /** Signs the action links messages carry. */
  TOCSIN_SIGNING_KEY?: string;
  /** Lets webhooks, Teams, Discord and push reach private, loopback and link-local addresses. */
  TOCSIN_ALLOW_PRIVATE_TARGETS?: string;
  /** Tests and local mode: where SNS signing certificates and subscription URLs may be instead of Amazon's SNS hosts. */
  SNS_CERTIFICATE_BASE_URL?: string;
  /** Alert payloads older than this many days are emptied by the cron trigger (default 90). */
  TOCSIN_PAYLOAD_RETENTION_DAYS?: string;
  /** Pinged by the cron trigger while Tocsin is healthy: another Tocsin's heartbeat integration, say. */
  TOCSIN_HEARTBEAT_URL?: string;
  /** The domain Email Routing sends to the Worker: email integrations' addresses are `{key}@{EMAIL_DOMAIN}`. */
  EMAIL_DOMAIN?: string;
  // Providers: a channel without its credentials delivers to the log. Every base URL can be moved.
  RESEND_API_KEY?: string;
  RESEND_BASE_URL?: string;
  EMAIL_FROM?: string;
  TWILIO_ACCOUNT_SID?: string;
  TWILIO_AUTH_TOKEN?: string;
  TWILIO_FROM_NUMBER?: string;
  TWILIO_BASE_URL?: string;
  NHN_ALIMTALK_APPKEY?: string;
  NHN_ALIMTALK_SECRET?: string;
  NHN_ALIMTALK_SENDER_KEY?: string;
  NHN_ALIMTALK_TEMPLATE?: string;
  NHN_ALIMTALK_BASE_URL?: string;
  TELEGRAM_BOT_TOKEN?: string;
  TELEGRAM_WEBHOOK_SECRET?: string;
  TELEGRAM_API_BASE_URL?: string;
  SLACK_BOT_TOKEN?: string;
  SLACK_SIGNING_SECRET?: string;
  SLACK_API_BASE_URL?: string;
  VAPID_PUBLIC_KEY?: string;
  VAPID_PRIVATE_KEY?: string;
  VAPID_SUBJECT?: string;
}
