// How an incident and its records map to D1 rows, and the idempotent statements the incident's
// Durable Object drains its outbox with.
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import type { AlertRecord, Incident, TimelineEntry } from '../incident/lifecycle';
import type { NotificationJob } from '../notify/job';
import { alerts, incidents, timelineEntries } from './schema';

export type IncidentRow = typeof incidents.$inferSelect;

export function toIncidentRow(incident: Incident, revision: number): IncidentRow {
  return { ...incident, revision };
}

export function fromIncidentRow(row: IncidentRow): Incident {
  const { revision: _revision, ...incident } = row;
  return { ...incident, urgency: incident.urgency as Incident['urgency'] };
}

export type OutboxRecord =
  | { kind: 'alert'; id: string; incidentId: string; alert: AlertRecord }
  | { kind: 'timeline'; id: string; incidentId: string; entry: TimelineEntry }
  | { kind: 'job'; id: string; incidentId: string; job: NotificationJob };

/** An outbox record with its place in the outbox, which orders an incident's timeline. */
export type QueuedRecord = OutboxRecord & { seq: number };

/** Statements that copy incident state and records to D1; replaying them changes nothing. */
export function syncStatements(
  db: ReturnType<typeof drizzle>,
  rows: IncidentRow[],
  records: QueuedRecord[],
) {
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
          details: sql`excluded.details`,
          revision: sql`excluded.revision`,
        },
        setWhere: sql`excluded.revision > ${incidents.revision}`,
      }),
  );
  const recordInserts = records.flatMap((record) =>
    record.kind === 'job'
      ? []
      : record.kind === 'alert'
      ? db
          .insert(alerts)
          .values({ id: record.id, incidentId: record.incidentId, ...record.alert })
          .onConflictDoNothing()
      : db
          .insert(timelineEntries)
          .values({
            id: record.id,
            incidentId: record.incidentId,
            seq: record.seq,
            at: record.entry.at,
            type: record.entry.type,
            actorType: record.entry.actor.type,
            actorId: record.entry.actor.id,
            details: record.entry.details,
          })
          .onConflictDoNothing(),
  );
  return [...incidentUpserts, ...recordInserts];
}
