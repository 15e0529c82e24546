// The D1 tables: configuration, and the queryable copy of incidents written by their Durable Objects.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { incidentStatuses, notificationKinds, notificationStatuses, roles } from '../vocabulary';

// Every configuration table keeps the object as configured (`definition`, with handles) next to
// the columns that queries need. Rows are soft-deleted so that history (incidents, timelines) keeps
// its names; handles and keys are unique among live rows only.
const live = sql`deleted_at IS NULL`;

const configColumns = {
  id: text('id').primaryKey(),
  handle: text('handle').notNull(),
  name: text('name').notNull(),
  definition: text('definition', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
  deletedAt: text('deleted_at'),
};

export const users = sqliteTable(
  'users',
  {
    ...configColumns,
    role: text('role', { enum: roles }).notNull(),
    /** The secret in the user's iCalendar feed URL. */
    calendarSecret: text('calendar_secret').notNull(),
  },
  (t) => [uniqueIndex('users_handle').on(t.handle).where(live), uniqueIndex('users_calendar').on(t.calendarSecret)],
);

/**
 * One row (id 1): bumped by every write of the configuration, in the same batch, which fails when
 * the revision is not the one the write was planned from. No row yet reads as revision 0.
 */
export const configRevision = sqliteTable('config_revision', {
  id: integer('id').primaryKey(),
  revision: integer('revision').notNull(),
});

export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: text('created_at').notNull(),
    revokedAt: text('revoked_at'),
  },
  (t) => [uniqueIndex('api_tokens_hash').on(t.tokenHash)],
);

export const teams = sqliteTable('teams', { ...configColumns }, (t) => [
  uniqueIndex('teams_handle').on(t.handle).where(live),
]);

export const schedules = sqliteTable(
  'schedules',
  {
    ...configColumns,
    /** The secret in the schedule's iCalendar feed URL. */
    calendarSecret: text('calendar_secret').notNull(),
  },
  (t) => [
    uniqueIndex('schedules_handle').on(t.handle).where(live),
    uniqueIndex('schedules_calendar').on(t.calendarSecret),
  ],
);

export const escalationPolicies = sqliteTable('escalation_policies', { ...configColumns }, (t) => [
  uniqueIndex('escalation_policies_handle').on(t.handle).where(live),
]);

export const services = sqliteTable('services', { ...configColumns }, (t) => [
  uniqueIndex('services_handle').on(t.handle).where(live),
]);

export const integrations = sqliteTable(
  'integrations',
  {
    ...configColumns,
    type: text('type').notNull(),
    key: text('key').notNull(),
    serviceId: text('service_id').notNull(),
  },
  (t) => [
    uniqueIndex('integrations_handle').on(t.handle).where(live),
    uniqueIndex('integrations_key').on(t.key).where(live),
  ],
);

export const extensions = sqliteTable(
  'extensions',
  { ...configColumns, serviceId: text('service_id').notNull() },
  (t) => [uniqueIndex('extensions_handle').on(t.handle).where(live)],
);

// Written only by the incident's Durable Object (through its outbox); `revision` orders those writes.
// The latest event's payload is not here: it is the incident's newest alert.
export const incidents = sqliteTable(
  'incidents',
  {
    id: text('id').primaryKey(),
    number: integer('number').notNull(),
    status: text('status', { enum: incidentStatuses }).notNull(),
    urgency: text('urgency').notNull(),
    summary: text('summary').notNull(),
    serviceId: text('service_id').notNull(),
    integrationId: text('integration_id').notNull(),
    eventId: text('event_id').notNull(),
    alertCount: integer('alert_count').notNull(),
    createdAt: text('created_at').notNull(),
    acknowledgedAt: text('acknowledged_at'),
    resolvedAt: text('resolved_at'),
    lastEventAt: text('last_event_at').notNull(),
    revision: integer('revision').notNull(),
    /** The policy the incident pages by (its handle, or user:/schedule: for a direct routing); null until it starts. */
    escalationPolicy: text('escalation_policy'),
    /** When the incident last changed (null only for rows copied before this column). */
    updatedAt: text('updated_at'),
    /** Its first acknowledgement, kept when it triggers again: what MTTA measures. */
    firstAcknowledgedAt: text('first_acknowledged_at'),
    /** Who acknowledged it first (a user's handle), null when no user did. */
    acknowledgedBy: text('acknowledged_by'),
    /** A step after the first paged someone, or the policy went round again. */
    escalated: integer('escalated', { mode: 'boolean' }).notNull().default(false),
  },
  // The list filters, each with the list's sort key; `updated_at` for what changed since.
  (t) => [
    uniqueIndex('incidents_number').on(t.number),
    index('incidents_status_number').on(t.status, t.number),
    index('incidents_urgency_number').on(t.urgency, t.number),
    index('incidents_service_number').on(t.serviceId, t.number),
    index('incidents_integration_number').on(t.integrationId, t.number),
    index('incidents_policy_created').on(t.escalationPolicy, t.createdAt),
    index('incidents_created_at').on(t.createdAt),
    index('incidents_updated_at').on(t.updatedAt),
    index('incidents_acknowledged_at').on(t.acknowledgedAt),
    index('incidents_resolved_at').on(t.resolvedAt),
  ],
);

export const alerts = sqliteTable(
  'alerts',
  {
    id: text('id').primaryKey(),
    incidentId: text('incident_id').notNull(),
    receivedAt: text('received_at').notNull(),
    eventTime: text('event_time').notNull(),
    summary: text('summary').notNull(),
    urgency: text('urgency').notNull(),
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    /** When retention emptied its payload; its summary and times are kept. */
    prunedAt: text('pruned_at'),
  },
  (t) => [
    index('alerts_incident').on(t.incidentId, t.receivedAt),
    // What retention has yet to prune, oldest first; pruned alerts leave it.
    index('alerts_unpruned_received')
      .on(t.receivedAt)
      .where(sql`pruned_at IS NULL`),
  ],
);

export const timelineEntries = sqliteTable(
  'timeline_entries',
  {
    id: text('id').primaryKey(),
    incidentId: text('incident_id').notNull(),
    seq: integer('seq').notNull(),
    at: text('at').notNull(),
    type: text('type').notNull(),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    details: text('details', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index('timeline_incident').on(t.incidentId, t.seq)],
);

/**
 * Every notification (a page of an incident, or a handoff notice) and how it ended. A page's row is
 * its incident's record of it (the timeline's page entries), copied here by the incident object so
 * that a user's pages can be listed; `id` is the job's idempotency key.
 */
export const notifications = sqliteTable(
  'notifications',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: notificationKinds }).notNull(),
    incidentId: text('incident_id'),
    incidentNumber: integer('incident_number'),
    user: text('user').notNull(),
    contactMethod: text('contact_method').notNull(),
    channel: text('channel').notNull(),
    address: text('address'),
    provider: text('provider'),
    status: text('status', { enum: notificationStatuses }).notNull(),
    attempts: integer('attempt').notNull(),
    providerMessageId: text('provider_message_id'),
    error: text('detail'),
    dueAt: text('due_at').notNull(),
    queuedAt: text('queued_at'),
    sentAt: text('sent_at'),
    deliveredAt: text('delivered_at'),
    updatedAt: text('processed_at').notNull(),
    /** The record's revision in its incident's object, so that a replayed copy never moves it back. */
    revision: integer('revision').notNull().default(1),
  },
  (t) => [
    index('notifications_incident').on(t.incidentId, t.dueAt),
    index('notifications_user').on(t.user, t.dueAt),
    index('notifications_kind_due').on(t.kind, t.dueAt),
    // The notification report's grouping, read in this order with no sort: a year of pages in a tenth of the time.
    index('notifications_kind_outcome').on(t.kind, t.user, t.channel, t.provider, t.status, t.dueAt),
    // What /health counts: the pages waiting to go, and what providers did in the last hour.
    index('notifications_pending_due')
      .on(t.dueAt)
      .where(sql`status IN ('queued', 'sending')`),
    index('notifications_processed').on(t.updatedAt),
  ],
);

/** A contact method's verification: the code sent to it (hashed) and when it was confirmed. */
export const contactVerifications = sqliteTable(
  'contact_verifications',
  {
    user: text('user').notNull(),
    contactMethod: text('contact_method').notNull(),
    /** The address the code went to: a changed address is not verified by an old code. */
    address: text('address').notNull(),
    codeHash: text('code_hash').notNull(),
    expiresAt: text('expires_at').notNull(),
    failedTries: integer('failed_tries').notNull().default(0),
    verifiedAt: text('verified_at'),
  },
  (t) => [primaryKey({ columns: [t.user, t.contactMethod] })],
);

/**
 * A service's extension log: every call of its extensions (outgoing webhooks), copied from the
 * incident's record of it like a page's row; `id` is the call's idempotency key.
 */
export const extensionCalls = sqliteTable(
  'extension_calls',
  {
    id: text('id').primaryKey(),
    serviceId: text('service_id').notNull(),
    extension: text('extension').notNull(),
    incidentId: text('incident_id').notNull(),
    incidentNumber: integer('incident_number').notNull(),
    event: text('event').notNull(),
    method: text('method').notNull(),
    /** Without its query, which often holds the webhook's secret. */
    url: text('url').notNull(),
    status: text('status', { enum: notificationStatuses }).notNull(),
    /** The HTTP status the target answered, null before an answer (or with none: a timeout). */
    responseStatus: integer('response_status'),
    durationMs: integer('duration_ms'),
    attempts: integer('attempts').notNull(),
    error: text('error'),
    queuedAt: text('queued_at').notNull(),
    sentAt: text('sent_at'),
    updatedAt: text('updated_at').notNull(),
    revision: integer('revision').notNull(),
  },
  (t) => [index('extension_calls_service').on(t.serviceId, t.queuedAt)],
);

/** Change events (deploys, config changes) a service's tools reported: context for its incidents, paging nobody. */
export const changeEvents = sqliteTable(
  'change_events',
  {
    id: text('id').primaryKey(),
    serviceId: text('service_id').notNull(),
    integrationId: text('integration_id').notNull(),
    summary: text('summary').notNull(),
    source: text('source'),
    /** When the change happened, by its sender; `received_at` is when it arrived. */
    happenedAt: text('happened_at').notNull(),
    receivedAt: text('received_at').notNull(),
    details: text('details', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index('change_events_service').on(t.serviceId, t.happenedAt)],
);

/**
 * Maintenance windows: while one is open on a service, its events are recorded and nobody is paged.
 * Kept after they end, as the service's maintenance history; `source` says whether the API or the
 * configuration document made it (applying a document replaces its own windows, not the API's).
 */
export const maintenanceWindows = sqliteTable(
  'maintenance_windows',
  {
    id: text('id').primaryKey(),
    serviceId: text('service_id').notNull(),
    startsAt: text('starts_at').notNull(),
    endsAt: text('ends_at').notNull(),
    description: text('description').notNull(),
    source: text('source', { enum: ['api', 'config'] }).notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull(),
    /** Who ended it early, and when (its `ends_at` is then that moment). */
    endedBy: text('ended_by'),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [index('maintenance_service_ends').on(t.serviceId, t.endsAt)],
);

/** A user's password, as a PBKDF2 hash with its own salt (never in the configuration document). */
export const credentials = sqliteTable('credentials', {
  userId: text('user_id').primaryKey(),
  hash: text('hash').notNull(),
  salt: text('salt').notNull(),
  iterations: integer('iterations').notNull(),
  updatedAt: text('updated_at').notNull(),
});

/** Signed-in browsers: the cookie's value is never stored, only its hash. */
export const sessions = sqliteTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id').notNull(),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at').notNull(),
    revokedAt: text('revoked_at'),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

/** Failed sign-ins, per account and per address, in fixed windows: what the rate limit counts. */
export const signInFailures = sqliteTable(
  'sign_in_failures',
  {
    key: text('key').notNull(),
    windowStart: text('window_start').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] })],
);

/**
 * Who changed what, when, from where: every change of configuration and every sign-in. Append-only:
 * nothing updates or deletes a row. `before` and `after` are the object as configured, secrets left out.
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: text('id').primaryKey(),
    at: text('at').notNull(),
    actor: text('actor').notNull(),
    ip: text('ip'),
    action: text('action').notNull(),
    kind: text('kind').notNull(),
    target: text('target'),
    before: text('before', { mode: 'json' }).$type<unknown>(),
    after: text('after', { mode: 'json' }).$type<unknown>(),
  },
  (t) => [
    index('audit_at').on(t.at, t.id),
    index('audit_kind_at').on(t.kind, t.at),
    index('audit_actor_at').on(t.actor, t.at),
  ],
);

/**
 * Links that set a user's password once: an invitation (a week) or a reset (an hour). Only the
 * hash of the link's token is kept; `used_at` spends it.
 */
export const passwordLinks = sqliteTable(
  'password_links',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id').notNull(),
    purpose: text('purpose', { enum: ['invite', 'reset'] }).notNull(),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at').notNull(),
    usedAt: text('used_at'),
  },
  (t) => [index('password_links_user').on(t.userId)],
);
