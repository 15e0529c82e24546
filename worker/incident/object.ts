// One Durable Object per (integration, event_id): it serializes dedup and the incident's lifecycle,
// holds the truth of its incidents, and copies every change to D1 through an outbox. The outbox is
// drained right after each change, off the request path; an alarm set with the change retries the
// drain if that fails or the object goes away, so nothing accepted is lost when D1 is slow or failing.
import { DurableObject } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { fromIncidentRow, syncStatements, toIncidentRow, type IncidentRow, type OutboxRecord } from '../db/incidents';
import type { Env } from '../env';
import type { AlertEvent } from '../ingest/event';
import {
  acknowledge,
  applyEvent,
  comment,
  needsNewIncident,
  openIncident,
  resolve,
  type Actor,
  type Incident,
  type Outcome,
} from './lifecycle';
import { nextIncidentNumber } from './sequence';

export interface IncidentTarget {
  integrationId: string;
  integrationHandle: string;
  serviceId: string;
}

export interface IngestResult {
  action: 'created' | 'deduplicated' | 'acknowledged' | 'resolved' | 'ignored';
  incident: Incident | null;
  message?: string;
}

export type IncidentCommand =
  | { type: 'acknowledge' }
  | { type: 'resolve' }
  | { type: 'comment'; text: string };

export interface CommandResult {
  action: 'acknowledged' | 'resolved' | 'commented' | 'ignored';
  incident: Incident;
  message?: string;
}

/** The object that owns an incident's dedup scope. */
export function incidentObjectName(integrationId: string, eventId: string): string {
  return `${integrationId}:${eventId}`;
}

const DRAIN_BATCH = 100;
/** When the alarm retries a drain that has not finished by then. */
const DRAIN_SAFETY_MS = 10_000;
const MAX_RETRY_MS = 60_000;

export class IncidentObject extends DurableObject<Env> {
  private latest: Incident | null;
  /** When the alarm is known to be set for; null when unknown or not set. */
  private alarmAt: number | null = null;
  private drainFailures = 0;
  private draining: Promise<void> | null = null;
  private drainWanted = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS incidents (
      id TEXT PRIMARY KEY, created_at TEXT NOT NULL, state TEXT NOT NULL,
      revision INTEGER NOT NULL, synced_revision INTEGER NOT NULL DEFAULT 0)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS outbox (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, record TEXT NOT NULL)`);
    const row = sql
      .exec<{ state: string }>('SELECT state FROM incidents ORDER BY created_at DESC, rowid DESC LIMIT 1')
      .toArray()[0];
    this.latest = row ? (JSON.parse(row.state) as Incident) : null;
  }

  async ingest(target: IncidentTarget, event: AlertEvent): Promise<IngestResult> {
    const actor: Actor = { type: 'integration', id: target.integrationHandle };
    if (!needsNewIncident(this.latest, event)) {
      return this.ingestResult(this.record(applyEvent(this.latest, event, actor, new Date())));
    }
    // Allocating a number awaits another object, which would let concurrent events interleave:
    // hold them at the gate so that they join the incident instead of opening their own.
    return this.ctx.blockConcurrencyWhile(async () => {
      if (!needsNewIncident(this.latest, event)) {
        return this.ingestResult(this.record(applyEvent(this.latest, event, actor, new Date())));
      }
      const number = await nextIncidentNumber(this.env);
      const ids = { id: crypto.randomUUID(), number, serviceId: target.serviceId, integrationId: target.integrationId };
      return this.ingestResult(this.record(openIncident(ids, event, actor, new Date())));
    });
  }

  /** Acts on one of this object's incidents; null when it has no incident with that id. */
  command(incidentId: string, command: IncidentCommand, actor: Actor): CommandResult | null {
    const incident = this.find(incidentId);
    if (incident === null) return null;
    const now = new Date();
    const outcome =
      command.type === 'acknowledge'
        ? acknowledge(incident, actor, now)
        : command.type === 'resolve'
          ? resolve(incident, actor, now)
          : comment(incident, actor, now, command.text);
    const recorded = this.record(outcome);
    if (recorded.action === 'ignored') return { action: 'ignored', message: recorded.message, incident };
    if (recorded.action === 'created' || recorded.action === 'deduplicated') throw new Error('unreachable');
    return { action: recorded.action, incident: recorded.incident };
  }

  getIncident(incidentId: string): Incident | null {
    return this.find(incidentId);
  }

  override async alarm(): Promise<void> {
    this.alarmAt = null;
    await this.drain();
  }

  /** Drains the outbox until it is empty, coalescing changes that arrive meanwhile into batches. */
  private drain(): Promise<void> {
    this.drainWanted = true;
    this.draining ??= (async () => {
      try {
        while (this.drainWanted) {
          this.drainWanted = false;
          await this.drainOutbox();
        }
        this.drainFailures = 0;
      } catch (error) {
        this.drainFailures += 1;
        console.error(`incident outbox: D1 write failed (attempt ${this.drainFailures})`, error);
      } finally {
        this.draining = null;
        await this.armAlarm();
      }
    })();
    return this.draining;
  }

  private find(incidentId: string): Incident | null {
    if (this.latest?.id === incidentId) return this.latest;
    const row = this.ctx.storage.sql
      .exec<{ state: string }>('SELECT state FROM incidents WHERE id = ?', incidentId)
      .toArray()[0];
    return row ? (JSON.parse(row.state) as Incident) : null;
  }

  private ingestResult(outcome: Outcome): IngestResult {
    if (outcome.action === 'ignored') {
      return { action: 'ignored', incident: this.latest, message: outcome.message };
    }
    if (outcome.action === 'commented') throw new Error('unreachable');
    return { action: outcome.action, incident: outcome.incident };
  }

  /** Stores a change and its outbox records in one transaction, then makes sure a drain is due. */
  private record(outcome: Outcome): Outcome {
    if (outcome.action === 'ignored') return outcome;
    const { incident, timeline, alert } = outcome;
    const sql = this.ctx.storage.sql;
    this.ctx.storage.transactionSync(() => {
      sql.exec(
        `INSERT INTO incidents (id, created_at, state, revision) VALUES (?, ?, ?, 1)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, revision = revision + 1`,
        incident.id,
        incident.createdAt,
        JSON.stringify(incident),
      );
      const enqueue = (record: OutboxRecord) =>
        sql.exec('INSERT INTO outbox (record) VALUES (?)', JSON.stringify(record));
      if (alert) enqueue({ kind: 'alert', id: crypto.randomUUID(), incidentId: incident.id, alert });
      for (const entry of timeline) {
        enqueue({ kind: 'timeline', id: crypto.randomUUID(), incidentId: incident.id, entry });
      }
    });
    if (this.latest === null || this.latest.id === incident.id || incident.createdAt >= this.latest.createdAt) {
      this.latest = incident;
    }
    // The alarm first, so that a drain is due even if this object goes away before it runs.
    void this.armAlarm();
    void this.drain();
    return outcome;
  }

  /** Copies one batch of pending changes to D1; what is copied is then marked done. */
  private async drainOutbox(): Promise<void> {
    const sql = this.ctx.storage.sql;
    const pending = sql
      .exec<{ state: string; revision: number }>('SELECT state, revision FROM incidents WHERE synced_revision < revision')
      .toArray();
    const outbox = sql
      .exec<{ seq: number; record: string }>('SELECT seq, record FROM outbox ORDER BY seq LIMIT ?', DRAIN_BATCH)
      .toArray();
    if (pending.length === 0 && outbox.length === 0) return;

    const rows: IncidentRow[] = pending.map((p) => toIncidentRow(JSON.parse(p.state) as Incident, p.revision));
    const records = outbox.map(({ seq, record }) => ({ ...(JSON.parse(record) as OutboxRecord), seq }));
    const db = drizzle(this.env.DB);
    const [first, ...rest] = syncStatements(db, rows, records);
    if (first) await db.batch([first, ...rest]);

    const lastSeq = outbox.at(-1)?.seq ?? 0;
    this.ctx.storage.transactionSync(() => {
      sql.exec('DELETE FROM outbox WHERE seq <= ?', lastSeq);
      for (const row of rows) {
        sql.exec(
          'UPDATE incidents SET synced_revision = ? WHERE id = ? AND synced_revision < ?',
          row.revision,
          row.id,
          row.revision,
        );
      }
    });
  }

  private hasBacklog(): boolean {
    const sql = this.ctx.storage.sql;
    const outbox = sql.exec('SELECT 1 FROM outbox LIMIT 1').toArray().length > 0;
    return outbox || sql.exec('SELECT 1 FROM incidents WHERE synced_revision < revision LIMIT 1').toArray().length > 0;
  }

  /**
   * Sets the alarm to the earliest due moment: a backstop for a pending drain (sooner after failed
   * ones), or none.
   */
  private async armAlarm(): Promise<void> {
    if (!this.hasBacklog()) {
      if (this.alarmAt !== null) {
        this.alarmAt = null;
        await this.ctx.storage.deleteAlarm();
      }
      return;
    }
    const delay = this.drainFailures === 0 ? DRAIN_SAFETY_MS : Math.min(1000 * 2 ** this.drainFailures, MAX_RETRY_MS);
    const due = Date.now() + delay;
    if (this.alarmAt !== null && this.alarmAt <= due) return;
    this.alarmAt = due;
    await this.ctx.storage.setAlarm(due);
  }
}
