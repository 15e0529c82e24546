// How an incident and its records map to D1 rows, and the idempotent statements the D1 writer
// copies incident objects' outboxes with.
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import type { AlertRecord, TimelineEntry } from '../incident/lifecycle';
import type { PageRecord } from '../incident/pages';
import type { Delivery } from '../notify/provider';
import { redactedUrl } from '../notify/extension';
import type { ExtensionJob, PageJob } from '../notify/job';
import { alerts, extensionCalls, incidents, notifications, timelineEntries } from './schema';

export type IncidentRow = typeof incidents.$inferSelect;
export type NotificationRow = typeof notifications.$inferSelect;
export type ExtensionCallRow = typeof extensionCalls.$inferSelect;

/** What an incident object copies to D1 besides its incidents' rows; `seq` orders an incident's timeline. */
export type QueuedRecord =
  | { kind: 'alert'; id: string; incidentId: string; seq: number; alert: AlertRecord }
  | { kind: 'timeline'; id: string; incidentId: string; seq: number; entry: TimelineEntry }
  | { kind: 'notification'; id: string; incidentId: string; seq: number; notification: NotificationRow }
  | { kind: 'call'; id: string; incidentId: string; seq: number; call: ExtensionCallRow };

/** A page's row: its incident's record of it. */
export function notificationRow(page: PageRecord & { job: PageJob }, now: Date): NotificationRow {
  const { job } = page;
  return {
    id: job.id,
    kind: 'page',
    incidentId: job.incidentId,
    incidentNumber: job.incidentNumber,
    user: job.user,
    contactMethod: job.contactMethod.id,
    channel: job.contactMethod.type,
    address: job.contactMethod.address ?? null,
    provider: page.provider,
    status: page.status,
    attempts: page.attempts,
    providerMessageId: page.providerMessageId,
    error: page.error,
    dueAt: job.dueAt,
    queuedAt: page.queuedAt,
    sentAt: page.sentAt,
    deliveredAt: page.deliveredAt,
    updatedAt: now.toISOString(),
    revision: page.revision,
  };
}

/** An extension call's row in its service's log: its incident's record of it. */
export function extensionCallRow(call: PageRecord & { job: ExtensionJob }, now: Date): ExtensionCallRow {
  const { job } = call;
  return {
    id: job.id,
    serviceId: job.serviceId,
    extension: job.extension.id,
    incidentId: job.incidentId,
    incidentNumber: job.incidentNumber,
    event: job.event,
    method: job.extension.method,
    url: redactedUrl(job.extension.url),
    status: call.status,
    responseStatus: call.response?.status ?? null,
    durationMs: call.response?.durationMs ?? null,
    attempts: call.attempts,
    error: call.error,
    queuedAt: call.queuedAt,
    sentAt: call.sentAt,
    updatedAt: now.toISOString(),
    revision: call.revision,
  };
}

/** The D1 row of a delivery record: a page's notification, or an extension's call. */
export function recordRow(
  record: PageRecord,
  now: Date,
): { kind: 'notification'; notification: NotificationRow } | { kind: 'call'; call: ExtensionCallRow } {
  return record.job.kind === 'extension'
    ? { kind: 'call', call: extensionCallRow(record as PageRecord & { job: ExtensionJob }, now) }
    : { kind: 'notification', notification: notificationRow(record as PageRecord & { job: PageJob }, now) };
}

/**
 * How a send that is not a page (a handoff notice, a test, a code) stands in its row, by the provider's
 * answer: sent, still queued for a retry, or failed.
 */
export function deliveryColumns(delivery: Delivery, provider: string, now: Date) {
  if (delivery.status === 'sent') {
    return {
      provider: delivery.via ?? provider,
      status: 'sent' as const,
      providerMessageId: delivery.providerMessageId,
      error: null,
      sentAt: now.toISOString(),
    };
  }
  const status = delivery.status === 'retry' ? ('queued' as const) : ('failed' as const);
  return { provider, status, providerMessageId: null, error: delivery.reason, sentAt: null };
}

/**
 * The row of a notification sent once, at the moment it was asked for (a test, a code, a password
 * link): no retries follow, so a retry-later answer is a failure the user sees, not a queued send.
 */
export function sentOnceRow(
  sent: Pick<NotificationRow, 'id' | 'kind' | 'user' | 'contactMethod' | 'channel' | 'address'>,
  delivery: Delivery,
  provider: string,
  now: Date,
): Omit<NotificationRow, 'revision'> {
  const at = now.toISOString();
  return {
    ...sent,
    incidentId: null,
    incidentNumber: null,
    attempts: 1,
    dueAt: at,
    queuedAt: at,
    deliveredAt: null,
    updatedAt: at,
    ...deliveryColumns(
      delivery.status === 'retry' ? { status: 'failed', reason: delivery.reason } : delivery,
      provider,
      now,
    ),
  };
}

/** Statements that copy incident state and records to D1; replaying them changes nothing. */
export function syncStatements(db: ReturnType<typeof drizzle>, rows: IncidentRow[], records: QueuedRecord[]) {
  const incidentUpserts = rows.map((row) =>
    db
      .insert(incidents)
      .values(row)
      .onConflictDoUpdate({
        target: incidents.id,
        set: {
          status: sql`excluded.status`,
          urgency: sql`excluded.urgency`,
          summary: sql`excluded.summary`,
          alertCount: sql`excluded.alert_count`,
          acknowledgedAt: sql`excluded.acknowledged_at`,
          resolvedAt: sql`excluded.resolved_at`,
          lastEventAt: sql`excluded.last_event_at`,
          escalationPolicy: sql`excluded.escalation_policy`,
          firstAcknowledgedAt: sql`excluded.first_acknowledged_at`,
          acknowledgedBy: sql`excluded.acknowledged_by`,
          escalated: sql`excluded.escalated`,
          updatedAt: sql`excluded.updated_at`,
          revision: sql`excluded.revision`,
        },
        setWhere: sql`excluded.revision > ${incidents.revision}`,
      }),
  );
  const alertRows = records.flatMap((r) =>
    r.kind === 'alert' ? [{ id: r.id, incidentId: r.incidentId, ...r.alert }] : [],
  );
  const timelineRows = records.flatMap((r) =>
    r.kind === 'timeline'
      ? [
          {
            id: r.id,
            incidentId: r.incidentId,
            seq: r.seq,
            at: r.entry.at,
            type: r.entry.type,
            actorType: r.entry.actor.type,
            actorId: r.entry.actor.id,
            details: r.entry.details,
          },
        ]
      : [],
  );
  const notificationRows = records.flatMap((r) => (r.kind === 'notification' ? [r.notification] : []));
  const callRows = records.flatMap((r) => (r.kind === 'call' ? [r.call] : []));
  // Many rows per statement, so that a storm drains in few: D1 binds at most 100 parameters in one,
  // and big payloads (an event may be 512 KiB) go a few at a time.
  const recordInserts = [
    ...chunk(alertRows, Math.floor(100 / 7)).map((rows) => db.insert(alerts).values(rows).onConflictDoNothing()),
    ...chunk(timelineRows, Math.floor(100 / 8)).map((rows) =>
      db.insert(timelineEntries).values(rows).onConflictDoNothing(),
    ),
    // A page's row follows its record: only a later revision replaces it.
    ...chunk(notificationRows, Math.floor(100 / 19)).map((rows) =>
      db
        .insert(notifications)
        .values(rows)
        .onConflictDoUpdate({
          target: notifications.id,
          set: {
            provider: sql`excluded.provider`,
            status: sql`excluded.status`,
            attempts: sql`excluded.attempt`,
            providerMessageId: sql`excluded.provider_message_id`,
            error: sql`excluded.detail`,
            sentAt: sql`excluded.sent_at`,
            deliveredAt: sql`excluded.delivered_at`,
            updatedAt: sql`excluded.processed_at`,
            revision: sql`excluded.revision`,
          },
          setWhere: sql`excluded.revision > ${notifications.revision}`,
        }),
    ),
    ...chunk(callRows, Math.floor(100 / 17)).map((rows) =>
      db
        .insert(extensionCalls)
        .values(rows)
        .onConflictDoUpdate({
          target: extensionCalls.id,
          set: {
            status: sql`excluded.status`,
            responseStatus: sql`excluded.response_status`,
            durationMs: sql`excluded.duration_ms`,
            attempts: sql`excluded.attempts`,
            error: sql`excluded.error`,
            sentAt: sql`excluded.sent_at`,
            updatedAt: sql`excluded.updated_at`,
            revision: sql`excluded.revision`,
          },
          setWhere: sql`excluded.revision > ${extensionCalls.revision}`,
        }),
    ),
  ];
  return [...incidentUpserts, ...recordInserts];
}

const MAX_STATEMENT_BYTES = 1_000_000;

/** Runs of at most `size` items and about MAX_STATEMENT_BYTES of JSON (never less than one item). */
function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const itemBytes = JSON.stringify(item).length;
    if (current.length > 0 && (current.length === size || bytes + itemBytes > MAX_STATEMENT_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += itemBytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
