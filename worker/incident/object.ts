// One Durable Object per (integration, event_id): it serializes dedup and the incident's lifecycle,
// holds the truth of its incidents, and drives their escalation with timers on its one alarm.
// Every change is stored with its outbox records (D1 rows, notification jobs) in one transaction;
// the outbox is drained right after, off the request path (pages to the queue, the rest to D1 through
// the D1 writer), and the alarm retries what failed, so nothing accepted is lost when D1 or the queue
// is slow or failing.
import { DurableObject } from 'cloudflare:workers';
import { freshLiveConfig, liveConfig } from '../config/live';
import type { StoredConfig } from '../config/store';
import { toIncidentRow, type IncidentRow, type OutboxRecord } from '../db/incidents';
import { copyToD1 } from '../db/writer';
import type { AlertEvent } from '../ingest/event';
import type { NotificationJob } from '../notify/job';
import {
  acknowledge,
  applyEvent,
  comment,
  needsNewIncident,
  openIncident,
  resolve,
  type Actor,
  type AlertRecord,
  type Incident,
  type Outcome,
  type TimelineEntry,
} from './lifecycle';
import {
  acknowledgementTimedOut,
  afterStatusChange,
  directoryOf,
  escalationFor,
  fireEscalation,
  merge,
  none,
  reassign,
  sendPage,
  startEscalation,
  type Effects,
  type Escalation,
  type Timer,
} from './paging';
import { CoalescedWork } from './coalesced';
import { nextIncidentNumber } from './sequence';
import type { CommandResult, IncidentCommand, IncidentTarget, IngestResult } from './commands';

/** Everything one change stores at once. */
interface Commit {
  incident: Incident;
  timeline: TimelineEntry[];
  alert: AlertRecord | null;
  effects: Effects;
  /** The timer this change fired, deleted with it so that a retried alarm does not fire it again. */
  fired?: string;
}

const DRAIN_BATCH = 200;
/** About the most bytes of records one drain takes (events may be 512 KiB each); never less than one. */
const DRAIN_BYTES = 4 * 1024 * 1024;
const DRAIN_DELAY_MS = 100;
/** The most messages one `sendBatch` takes. */
const QUEUE_BATCH = 100;
/** When the alarm retries a drain that has not finished by then. */
const DRAIN_SAFETY_MS = 10_000;
const MAX_RETRY_MS = 60_000;
const BACKSTOP_MS = 5_000;
const backoff = (failures: number) => Math.min(1000 * 2 ** failures, MAX_RETRY_MS);

const sizeOf = <K extends string>(rows: Record<K, string>[], column: K) =>
  rows.reduce((total, row) => total + row[column].length, 0);

/** A new incident's escalation, by its service's routing: the snapshot it keeps, and step 1. */
function startEffects(incident: Incident, stored: StoredConfig, now: Date): Effects {
  const serviceHandle = [...stored.ids.services].find(([, id]) => id === incident.serviceId)?.[0];
  const service = stored.config.services.find((s) => s.id === serviceHandle);
  const snapshot = escalationFor(service?.routing, stored.config, service, 0);
  return { ...startEscalation(incident, snapshot, now), escalation: snapshot };
}

export class IncidentObject extends DurableObject<Env> {
  private latest: Incident | null;
  private hasSchema: boolean;
  /** When the alarm is known to be set for; null when unknown or not set. */
  private alarmAt: number | null = null;
  private readonly outbox = new CoalescedWork(
    'incident outbox',
    () => this.drainOutbox(),
    () => this.armAlarm(),
    DRAIN_DELAY_MS,
  );
  private readonly timers = new CoalescedWork(
    'incident timers',
    () => this.fireNextTimer(),
    () => this.armAlarm(),
  );

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // A new object creates its tables with its first change, in the same commit: on the path of every
    // new incident, a commit less is less disk work.
    this.hasSchema =
      ctx.storage.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'incidents'").toArray().length >
      0;
    const row = this.hasSchema
      ? this.sql
          .exec<{ state: string }>('SELECT state FROM incidents ORDER BY created_at DESC, rowid DESC LIMIT 1')
          .toArray()[0]
      : undefined;
    this.latest = row ? (JSON.parse(row.state) as Incident) : null;
  }

  /** The object's storage, its tables created on first use. */
  private get sql(): SqlStorage {
    const sql = this.ctx.storage.sql;
    if (!this.hasSchema) {
      sql.exec(`CREATE TABLE IF NOT EXISTS incidents (
          id TEXT PRIMARY KEY, created_at TEXT NOT NULL, state TEXT NOT NULL,
          revision INTEGER NOT NULL, synced_revision INTEGER NOT NULL DEFAULT 0, escalation TEXT);
        CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, record TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS timers (
          id TEXT PRIMARY KEY, incident_id TEXT NOT NULL, due INTEGER NOT NULL, kind TEXT NOT NULL, timer TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS timers_due ON timers (due)`);
      this.hasSchema = true;
    }
    return sql;
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
      // With the routing at hand the escalation starts in the commit that opens the incident; the
      // answer never waits for D1 to read it: a timer starts the escalation right after instead.
      return this.ingestResult(this.record(openIncident(ids, event, actor, new Date()), freshLiveConfig()));
    });
  }

  /** Acts on one of this object's incidents; null when it has no incident with that id. */
  command(incidentId: string, command: IncidentCommand, actor: Actor): CommandResult | null {
    const incident = this.find(incidentId);
    if (incident === null) return null;
    const now = new Date();
    if (command.type === 'reassign') {
      if (incident.status === 'resolved') {
        return { action: 'ignored', message: `incident #${incident.number} is resolved`, incident };
      }
      const effects = reassign(incident, this.escalationOf(incident.id), command.escalation, actor, command.label, now);
      const changed = effects.incident ?? incident;
      this.commit({ incident: changed, timeline: [], alert: null, effects });
      return { action: 'reassigned', incident: changed };
    }
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
    // Timers first, so that what they fire leaves in the same drain.
    await this.timers.run();
    await this.outbox.run();
  }

  private find(incidentId: string): Incident | null {
    if (this.latest?.id === incidentId) return this.latest;
    const row = this.sql.exec<{ state: string }>('SELECT state FROM incidents WHERE id = ?', incidentId).toArray()[0];
    return row ? (JSON.parse(row.state) as Incident) : null;
  }

  private escalationOf(incidentId: string): Escalation | null {
    const row = this.sql
      .exec<{ escalation: string | null }>('SELECT escalation FROM incidents WHERE id = ?', incidentId)
      .toArray()[0];
    return row?.escalation ? (JSON.parse(row.escalation) as Escalation) : null;
  }

  private ingestResult(outcome: Outcome): IngestResult {
    if (outcome.action === 'ignored') {
      return { action: 'ignored', incident: this.latest, message: outcome.message };
    }
    if (outcome.action === 'commented') throw new Error('unreachable');
    return { action: outcome.action, incident: outcome.incident };
  }

  /** Stores a lifecycle change with what it does to paging: a new incident starts escalating. */
  private record(outcome: Outcome, stored: StoredConfig | null = null): Outcome {
    if (outcome.action === 'ignored') return outcome;
    const { incident, timeline, alert } = outcome;
    const now = new Date();
    const effects =
      outcome.action === 'created'
        ? stored
          ? startEffects(incident, stored, now)
          : { ...none(), timers: [{ id: `start:${incident.id}`, due: now.getTime(), kind: 'start' } satisfies Timer] }
        : outcome.action === 'acknowledged' || outcome.action === 'resolved'
          ? afterStatusChange(incident, this.escalationOf(incident.id), now)
          : none();
    this.commit({ incident, timeline, alert, effects });
    return outcome;
  }

  private commit({ incident: base, timeline, alert, effects, fired }: Commit): void {
    const incident = effects.incident ?? base;
    const sql = this.sql;
    const enqueue = (record: OutboxRecord) =>
      sql.exec('INSERT INTO outbox (record) VALUES (?)', JSON.stringify(record));
    this.ctx.storage.transactionSync(() => {
      sql.exec(
        `INSERT INTO incidents (id, created_at, state, revision) VALUES (?, ?, ?, 1)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, revision = revision + 1`,
        incident.id,
        incident.createdAt,
        JSON.stringify(incident),
      );
      if (effects.escalation) {
        sql.exec('UPDATE incidents SET escalation = ? WHERE id = ?', JSON.stringify(effects.escalation), incident.id);
      }
      if (alert) enqueue({ kind: 'alert', id: crypto.randomUUID(), incidentId: incident.id, alert });
      for (const entry of [...timeline, ...effects.timeline]) {
        enqueue({ kind: 'timeline', id: crypto.randomUUID(), incidentId: incident.id, entry });
      }
      for (const job of effects.jobs) enqueue({ kind: 'job', id: job.id, incidentId: incident.id, job });
      if (fired) sql.exec('DELETE FROM timers WHERE id = ?', fired);
      for (const kind of effects.cancel) {
        sql.exec('DELETE FROM timers WHERE incident_id = ? AND kind = ?', incident.id, kind);
      }
      for (const timer of effects.timers) {
        sql.exec(
          'INSERT OR REPLACE INTO timers (id, incident_id, due, kind, timer) VALUES (?, ?, ?, ?, ?)',
          timer.id,
          incident.id,
          timer.due,
          timer.kind,
          JSON.stringify(timer),
        );
      }
    });
    if (this.latest === null || this.latest.id === incident.id || incident.createdAt >= this.latest.createdAt) {
      this.latest = incident;
    }
    void this.outbox.run();
    if (effects.timers.some((t) => t.due <= Date.now())) void this.timers.run();
    // The alarm too, so that the work is done even if this object goes away before it runs.
    void this.armAlarm();
  }

  /** Fires the earliest due timer; false when none is due. */
  private async fireNextTimer(): Promise<boolean> {
    const sql = this.sql;
    const row = sql
      .exec<{ timer: string }>('SELECT timer FROM timers WHERE due <= ? ORDER BY due, id LIMIT 1', Date.now())
      .toArray()[0];
    if (!row) return false;
    const timer = JSON.parse(row.timer) as Timer;
    const needsConfig = timer.kind === 'start' || timer.kind === 'escalate';
    const stored = needsConfig ? await liveConfig(this.env.DB) : null;
    // Other events ran while the configuration loaded: an acknowledgement may have cancelled this timer.
    const incidentId = sql
      .exec<{ incident_id: string }>('SELECT incident_id FROM timers WHERE id = ?', timer.id)
      .toArray()[0]?.incident_id;
    const incident = incidentId === undefined ? null : this.find(incidentId);
    if (incident === null) return true;
    const now = new Date();
    const escalation = this.escalationOf(incident.id);
    let effects = none();
    let timeline: TimelineEntry[] = [];
    switch (timer.kind) {
      case 'start':
        effects = startEffects(incident, stored!, now);
        break;
      case 'escalate':
        if (escalation) effects = fireEscalation(incident, escalation, timer, directoryOf(stored!.config), now);
        break;
      case 'page':
        if (escalation) effects = sendPage(incident, escalation, timer, now);
        break;
      case 'ack_timeout':
        if (escalation) effects = acknowledgementTimedOut(incident, escalation, now);
        break;
      case 'auto_resolve': {
        const outcome = resolve(incident, { type: 'system', id: null }, now, { reason: 'auto-resolve timeout' });
        if (outcome.action === 'resolved') {
          effects = merge(afterStatusChange(outcome.incident, escalation, now), {
            ...none(),
            incident: outcome.incident,
          });
          timeline = outcome.timeline;
        }
        break;
      }
    }
    this.commit({ incident, timeline, alert: null, effects, fired: timer.id });
    return true;
  }

  /**
   * Copies one batch of pending changes to D1 and sends its notification jobs, then marks them done;
   * answers whether more is waiting. The short wait before a drain gathers a storm's events into one
   * batch: D1 is the queryable copy, not the truth. Pages and the D1 copy go side by side, so that
   * paging never waits for D1 (nor the copy for the queue); a job sent twice is delivered once.
   */
  private async drainOutbox(): Promise<boolean> {
    const sql = this.sql;
    const pending = sql
      .exec<{ state: string; revision: number }>(
        'SELECT state, revision FROM incidents WHERE synced_revision < revision',
      )
      .toArray();
    const outbox = sql
      .exec<{ seq: number; record: string }>(
        `SELECT seq, record FROM (
           SELECT seq, record, sum(length(record)) OVER (ORDER BY seq) - length(record) AS before FROM outbox)
         WHERE before < ? ORDER BY seq LIMIT ?`,
        DRAIN_BYTES,
        DRAIN_BATCH,
      )
      .toArray();
    if (pending.length === 0 && outbox.length === 0) return false;

    const rows: IncidentRow[] = pending.map((p) => toIncidentRow(JSON.parse(p.state) as Incident, p.revision));
    const records = outbox.map(({ seq, record }) => ({ ...(JSON.parse(record) as OutboxRecord), seq }));
    const jobs = records.filter((r) => r.kind === 'job');
    const copies = records.filter((r) => r.kind !== 'job');
    const [sent, copied] = await Promise.allSettled([
      this.sendJobs(jobs.map((r) => r.job)),
      rows.length + copies.length > 0
        ? copyToD1(this.env, { rows, records: copies, bytes: sizeOf(pending, 'state') + sizeOf(outbox, 'record') })
        : Promise.resolve(),
    ]);

    // Done: each record its destination took (pages the queue, the rest D1).
    const done = records.filter((r) => (r.kind === 'job' ? sent : copied).status === 'fulfilled').map((r) => r.seq);
    this.ctx.storage.transactionSync(() => {
      sql.exec('DELETE FROM outbox WHERE seq IN (SELECT value FROM json_each(?))', JSON.stringify(done));
      if (copied.status === 'fulfilled') {
        for (const row of rows) {
          sql.exec(
            'UPDATE incidents SET synced_revision = ? WHERE id = ? AND synced_revision < ?',
            row.revision,
            row.id,
            row.revision,
          );
        }
      }
    });
    for (const result of [sent, copied]) if (result.status === 'rejected') throw result.reason;
    return sql.exec('SELECT 1 FROM outbox LIMIT 1').toArray().length > 0;
  }

  /** Sends jobs to the notification queue, as many per call as the queue takes. */
  private async sendJobs(jobs: NotificationJob[]): Promise<void> {
    for (let i = 0; i < jobs.length; i += QUEUE_BATCH) {
      await this.env.NOTIFICATIONS.sendBatch(jobs.slice(i, i + QUEUE_BATCH).map((job) => ({ body: job })));
    }
  }

  private hasBacklog(): boolean {
    const sql = this.sql;
    const outbox = sql.exec('SELECT 1 FROM outbox LIMIT 1').toArray().length > 0;
    return outbox || sql.exec('SELECT 1 FROM incidents WHERE synced_revision < revision LIMIT 1').toArray().length > 0;
  }

  private nextTimerDue(): number | null {
    const row = this.sql.exec<{ due: number }>('SELECT due FROM timers ORDER BY due LIMIT 1').toArray()[0];
    return row ? row.due : null;
  }

  /**
   * Sets the one alarm to the earliest due moment: the next timer (later after failures), and a
   * backstop for a pending drain (sooner after failed ones); or none.
   */
  private async armAlarm(): Promise<void> {
    const now = Date.now();
    const candidates: number[] = [];
    if (this.hasBacklog())
      candidates.push(now + (this.outbox.failures === 0 ? DRAIN_SAFETY_MS : backoff(this.outbox.failures)));
    const timerDue = this.nextTimerDue();
    if (timerDue !== null) {
      // A run under way fires what is due now: the alarm is only its backstop.
      const earliest =
        this.timers.failures > 0 ? now + backoff(this.timers.failures) : this.timers.busy ? now + BACKSTOP_MS : 0;
      candidates.push(Math.max(timerDue, earliest));
    }
    if (candidates.length === 0) {
      if (this.alarmAt !== null) {
        this.alarmAt = null;
        await this.ctx.storage.deleteAlarm();
      }
      return;
    }
    const due = Math.min(...candidates);
    if (this.alarmAt === due) return;
    this.alarmAt = due;
    await this.ctx.storage.setAlarm(due);
  }
}
