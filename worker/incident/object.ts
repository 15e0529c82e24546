// One Durable Object per (integration, event_id): it serializes dedup and the incident's lifecycle,
// holds the truth of its incidents, and drives their escalation with timers on its one alarm. It is a
// shell around `decide`: load the state, decide, commit the decision in one transaction, drain.
// Two destinations drain side by side and independently — page jobs to the notification queue, the
// copy to D1 through the D1 writer — and the alarm retries either, so nothing accepted is lost or held
// up when D1 or the queue is slow or failing.
import { DurableObject } from 'cloudflare:workers';
import { freshLiveConfig, liveConfig } from '../config/live';
import { notificationRow, recordRow, type IncidentRow, type NotificationRow, type QueuedRecord } from '../db/incidents';
import { copyToD1 } from '../db/writer';
import type { AlertEvent } from '../ingest/event';
import { unsendable, type IncidentJob, type PageJob, type UpdateJob } from '../notify/job';
import type { Delivery } from '../notify/provider';
import type { Actor } from '../vocabulary';
import { CoalescedWork } from './coalesced';
import { CopyMarks, KEPT_ALERTS } from './copy-marks';
import {
  incidentId,
  type CommandResult,
  type IncidentCommand,
  type IncidentDetail,
  type IncidentTarget,
  type IngestResult,
} from './commands';
import { decide, needsConfig, type Decision, type DeliveryReport, type Input, type State } from './decide';
import { queued, type Claim, type PageRecord } from './pages';
import { needsNewIncident, type AlertRecord, type Incident } from './lifecycle';
import type { Escalation, Timer } from './paging';
import { nextIncidentNumber } from './sequence';
import { migrate, SCHEMA_VERSION, schemaVersion } from './storage';
import type { TimelineEntry } from './timeline';

const DRAIN_BATCH = 200;
/** About the most bytes of alerts, and of timeline, one copy takes (events may be 512 KiB each). */
const DRAIN_BYTES = 2 * 1024 * 1024;
const DRAIN_DELAY_MS = 100;
/** Queue limits: 100 messages and 256 KB a batch (a message is at most 128 KB, see job.ts). */
const QUEUE_BATCH = 100;
const QUEUE_BATCH_BYTES = 250 * 1024;
/** When the alarm retries a drain that has not finished by then. */
const DRAIN_SAFETY_MS = 10_000;
const MAX_RETRY_MS = 60_000;
const BACKSTOP_MS = 5_000;
const TIMELINE_LIMIT = 500;
const backoff = (failures: number) => Math.min(1000 * 2 ** failures, MAX_RETRY_MS);

const parse = <T>(text: string) => JSON.parse(text) as T;
/** The channels whose sent messages are rewritten in place when their incident changes. */
const REWRITTEN: readonly string[] = ['slack', 'telegram'];

export class IncidentObject extends DurableObject<Env> {
  private latest: Incident | null = null;
  private version: number;
  private ordinal = 0;
  /** When the alarm is known to be set for; null when unknown or not set. */
  private alarmAt: number | null = null;
  /** When the earliest timer is due (null: none); undefined until read again after timers change. */
  private timerDue: number | null | undefined = undefined;
  /**
   * Whether each destination still has work, kept in memory so that no change scans the tables for
   * it: read once when the object starts, set by every change, cleared by a drain that finds nothing.
   */
  private copyPending = false;
  private pagesPending = false;
  private readonly marks = new CopyMarks();
  /** Counts commits, so that a drain knows whether anything came while it copied. */
  private changes = 0;
  private readonly queue = new CoalescedWork(
    'incident pages',
    () => this.sendPages(),
    () => this.armAlarm(),
  );
  private readonly copy = new CoalescedWork(
    'incident copy to D1',
    () => this.copyToD1(),
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
    this.version = schemaVersion(ctx.storage.sql);
    if (this.version === 0) {
      this.timerDue = null;
      return;
    }
    const row = this.sql
      .exec<{ state: string; ordinal: number }>('SELECT state, ordinal FROM incidents ORDER BY ordinal DESC LIMIT 1')
      .toArray()[0];
    if (row) {
      this.latest = parse<Incident>(row.state);
      this.ordinal = row.ordinal;
    }
    const exists = (query: string) => this.sql.exec(query).toArray().length > 0;
    this.pagesPending = exists('SELECT 1 FROM pages WHERE sent = 0 LIMIT 1');
    this.copyPending = exists(
      `SELECT 1 FROM incidents WHERE synced_revision < revision UNION ALL SELECT 1 FROM timeline WHERE synced = 0
       UNION ALL SELECT 1 FROM alerts WHERE synced = 0 UNION ALL SELECT 1 FROM pages WHERE synced = 0 LIMIT 1`,
    );
  }

  /** The object's storage; a change to a new object creates its tables in the same commit. */
  private get sql(): SqlStorage {
    const sql = this.ctx.storage.sql;
    if (this.version < SCHEMA_VERSION) {
      migrate(sql, this.version);
      this.version = SCHEMA_VERSION;
    }
    return sql;
  }

  /** An event from an integration; `actor` names the user who raised it by hand (`/tocsin create`). */
  async ingest(
    target: IncidentTarget,
    event: AlertEvent,
    actor: Actor = { type: 'integration', id: target.integrationHandle },
  ): Promise<IngestResult> {
    const input: Input = { type: 'event', event, actor, opened: null };
    // A grouped alert's close or acknowledgement goes to the group incident it joined, not always the newest.
    const member = event.action === 'open' ? null : this.openIncidentWith(event.groupMember);
    if (member) return this.ingestResult(this.apply(member, input));
    if (!needsNewIncident(this.latest, event, new Date())) return this.ingestResult(this.apply(this.latest, input));
    // Allocating a number awaits another object, which would let concurrent events interleave:
    // hold them at the gate so that they join the incident instead of opening their own.
    return this.ctx.blockConcurrencyWhile(async () => {
      if (!needsNewIncident(this.latest, event, new Date())) {
        return this.ingestResult(this.apply(this.latest, input));
      }
      const number = await nextIncidentNumber(this.env);
      const id = incidentId(this.ctx.id.toString(), this.ordinal + 1);
      const opened = { id, number, serviceId: target.serviceId, integrationId: target.integrationId };
      return this.ingestResult(this.apply(null, { ...input, opened }, freshLiveConfig()));
    });
  }

  /** The open incident of a group that counts this alert among its members, if any. */
  private openIncidentWith(member: string | undefined): Incident | null {
    if (member === undefined || this.version === 0) return null;
    const rows = this.sql
      .exec<{ state: string }>(
        "SELECT state FROM incidents WHERE state ->> 'status' <> 'resolved' ORDER BY ordinal DESC LIMIT 50",
      )
      .toArray();
    return rows.map((r) => parse<Incident>(r.state)).find((i) => i.members?.includes(member)) ?? null;
  }

  /** This object's newest incident (the one its dedup key names now), if it has any. */
  latestIncident(): Incident | null {
    return this.latest;
  }

  /** Acts on one of this object's incidents; null when it has no incident with that id. */
  command(id: string, command: IncidentCommand, actor: Actor): CommandResult | null {
    const incident = this.find(id);
    if (incident === null) return null;
    const decision = this.apply(incident, { type: 'command', command, actor });
    if (decision.action === 'ignored') return { action: 'ignored', message: decision.message, incident };
    return { action: decision.action as CommandResult['action'], incident: decision.incident ?? incident };
  }

  /** The incident as it is now, with its alerts and timeline: every answered change is in it. */
  detail(id: string, timelineLimit = TIMELINE_LIMIT): IncidentDetail | null {
    const incident = this.find(id);
    if (incident === null) return null;
    const sql = this.sql;
    const alerts = sql
      .exec<{ id: string; record: string }>(
        'SELECT id, record FROM alerts WHERE incident_id = ? ORDER BY seq DESC LIMIT ?',
        id,
        KEPT_ALERTS,
      )
      .toArray()
      .map((row) => ({ id: row.id, ...parse<AlertRecord>(row.record) }));
    const timeline = sql
      .exec<{ id: string; entry: string }>(
        'SELECT id, entry FROM timeline WHERE incident_id = ? ORDER BY seq DESC LIMIT ?',
        id,
        timelineLimit + 1,
      )
      .toArray()
      .map((row) => ({ id: row.id, ...parse<TimelineEntry>(row.entry) }))
      .reverse();
    const pages = sql
      .exec<PageRow>('SELECT job, record FROM pages WHERE incident_id = ? ORDER BY rowid', id)
      .toArray()
      .map(pageOf);
    return {
      incident,
      escalationPolicy: this.escalationOf(id)?.policy?.id ?? null,
      details: alerts[0]?.payload ?? {},
      alerts,
      timeline: timeline.slice(-timelineLimit),
      timelineTruncated: timeline.length > timelineLimit,
      pages,
    };
  }

  /** Retention: the alerts it keeps that arrived before `before` lose their payload (summary and times stay). */
  pruneAlerts(before: string): number {
    return this.sql.exec(
      `UPDATE alerts SET record = json_set(record, '$.payload', json('{}'))
       WHERE json_extract(record, '$.receivedAt') < ? AND json_extract(record, '$.payload') <> '{}'`,
      before,
    ).rowsWritten;
  }

  /** The incident as a message or the respond page shows it; null for no such incident. */
  headline(id: string): { number: number; summary: string; status: Incident['status'] } | null {
    const incident = this.find(id);
    return incident && { number: incident.number, summary: incident.summary, status: incident.status };
  }

  /** An incident's pages as the notification log shows them, oldest first; null for no such incident. */
  notifications(id: string, limit: number): NotificationRow[] | null {
    if (this.find(id) === null) return null;
    const now = new Date();
    return this.sql
      .exec<PageRow>(
        "SELECT job, record FROM pages WHERE incident_id = ? AND job ->> 'kind' = 'page' ORDER BY rowid LIMIT ?",
        id,
        limit,
      )
      .toArray()
      .map((row) => notificationRow(pageOf(row) as PageRecord & { job: PageJob }, now));
  }

  /** The consumer is about to deliver a page (or make a call): do, wait for one under way, or leave it be. */
  pageDue(job: IncidentJob): Claim {
    return this.applyToPage(job.id, { type: 'page_due', job })?.claim ?? { answer: 'done', reason: 'no such page' };
  }

  /** How the provider answered a send; a repeated report changes nothing. */
  pageSent(job: IncidentJob, delivery: Delivery, provider: string): void {
    this.applyToPage(job.id, { type: 'page_sent', job, delivery, provider });
  }

  /** The queue ran out of retries for a page: it fails with the reason. */
  pageGivenUp(job: IncidentJob, reason: string): void {
    this.applyToPage(job.id, { type: 'page_given_up', job, reason });
  }

  /** A provider's delivery report; false when this object has no such page. */
  pageReport(report: DeliveryReport): boolean {
    return this.applyToPage(report.page, { type: 'page_report', report }) !== null;
  }

  override async alarm(): Promise<void> {
    this.alarmAt = null;
    if (this.marks.pending) this.ctx.storage.transactionSync(() => this.marks.write(this.sql));
    // Timers first, so that what they fire leaves in the same drains.
    await this.timers.run();
    await Promise.all([this.queue.run(), this.copy.run()]);
  }

  private find(id: string): Incident | null {
    if (this.latest?.id === id) return this.latest;
    if (this.version === 0) return null;
    const row = this.sql.exec<{ state: string }>('SELECT state FROM incidents WHERE id = ?', id).toArray()[0];
    return row ? parse<Incident>(row.state) : null;
  }

  private escalationOf(id: string): Escalation | null {
    if (this.version === 0) return null;
    const row = this.sql
      .exec<{ escalation: string | null }>('SELECT escalation FROM incidents WHERE id = ?', id)
      .toArray()[0];
    return row?.escalation ? parse<Escalation>(row.escalation) : null;
  }

  private ingestResult(decision: Decision): IngestResult {
    const incident = decision.incident ?? this.latest;
    if (decision.action === 'ignored') return { action: 'ignored', incident, message: decision.message };
    return { action: decision.action as IngestResult['action'], incident };
  }

  /** Decides an input about an incident (null: a new one) and commits the decision. */
  private apply(incident: Incident | null, input: Input, config = freshLiveConfig(), firedTimer?: string) {
    const escalation = incident ? this.escalationOf(incident.id) : null;
    const now = new Date();
    const state: State = { incident, escalation };
    // Only a close under a flapping rule needs to know how often this alert came back.
    if (input.type === 'event' && input.event.action === 'close' && escalation?.flapping) {
      const since = new Date(now.getTime() - escalation.flapping.minutes * 60_000).toISOString();
      state.recentIncidents = this.sql
        .exec<{ n: number }>('SELECT count(*) AS n FROM incidents WHERE created_at >= ?', since)
        .one().n;
    }
    const decision = decide(state, input, config, now);
    // An event about no incident at all (an ack for an unknown event id) changes nothing.
    const id = decision.incident?.id ?? incident?.id;
    if (id !== undefined) this.commit(id, decision, firedTimer);
    return decision;
  }

  /** Decides a page input on the page as recorded (a job not recorded yet starts queued). */
  private applyToPage(id: string, input: Extract<Input, { type: `page_${string}` }>): Decision | null {
    const row =
      this.version === 0
        ? undefined
        : this.sql.exec<PageRow>('SELECT job, record FROM pages WHERE id = ?', id).toArray()[0];
    const job = 'job' in input ? input.job : undefined;
    const page = row ? pageOf(row) : job && queued(job, new Date());
    if (!page) return null;
    const incident = this.find(page.job.incidentId);
    const decision = decide({ incident, escalation: null, page }, input, null, new Date());
    this.commit(page.job.incidentId, decision);
    return decision;
  }

  private commit(id: string, decision: Decision, firedTimer?: string): void {
    const { incident, escalation, timeline, alert, jobs, timers, cancel, page } = decision;
    const changes = incident || timeline.length > 0 || alert || jobs.length > 0 || timers.length > 0 || page;
    if (!changes && !firedTimer && cancel.length === 0) return;
    const sql = this.sql;
    const now = new Date().toISOString();
    const statusBefore = incident ? this.find(incident.id)?.status : undefined;
    this.ctx.storage.transactionSync(() => {
      this.marks.write(sql);
      if (incident) {
        const isNew = incident.id !== this.latest?.id && this.find(incident.id) === null;
        if (isNew) this.ordinal += 1;
        sql.exec(
          `INSERT INTO incidents (id, ordinal, created_at, updated_at, state, revision) VALUES (?, ?, ?, ?, ?, 1)
           ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at,
             revision = revision + 1`,
          incident.id,
          this.ordinal,
          incident.createdAt,
          now,
          JSON.stringify(incident),
        );
      }
      if (escalation) sql.exec('UPDATE incidents SET escalation = ? WHERE id = ?', JSON.stringify(escalation), id);
      if (alert) {
        sql.exec(
          'INSERT INTO alerts (id, incident_id, record) VALUES (?, ?, ?)',
          crypto.randomUUID(),
          id,
          JSON.stringify(alert),
        );
      }
      for (const entry of timeline) {
        sql.exec(
          'INSERT INTO timeline (id, incident_id, entry) VALUES (?, ?, ?)',
          crypto.randomUUID(),
          id,
          JSON.stringify(entry),
        );
      }
      for (const job of jobs) {
        sql.exec(
          "INSERT OR IGNORE INTO pages (id, incident_id, job, status, record, synced) VALUES (?, ?, ?, 'queued', ?, 0)",
          job.id,
          id,
          JSON.stringify(job),
          recordJson(queued(job, new Date(now))),
        );
      }
      if (page) {
        // A page with a record has reached the consumer: the queue has it, whatever `sent` said.
        sql.exec(
          `INSERT INTO pages (id, incident_id, job, status, record, sent, synced) VALUES (?, ?, ?, ?, ?, 1, 0)
           ON CONFLICT (id) DO UPDATE SET status = excluded.status, record = excluded.record, sent = 1, synced = 0`,
          page.job.id,
          id,
          JSON.stringify(page.job),
          page.status,
          recordJson(page),
        );
      }
      if (firedTimer || cancel.length > 0 || timers.length > 0) this.timerDue = undefined;
      if (firedTimer) sql.exec('DELETE FROM timers WHERE id = ?', firedTimer);
      for (const kind of cancel) sql.exec('DELETE FROM timers WHERE incident_id = ? AND kind = ?', id, kind);
      for (const timer of timers) {
        sql.exec(
          'INSERT OR REPLACE INTO timers (id, incident_id, due, kind, timer) VALUES (?, ?, ?, ?, ?)',
          timer.id,
          id,
          timer.due,
          timer.kind,
          JSON.stringify(timer),
        );
      }
    });
    if (
      incident &&
      (this.latest === null || this.latest.id === incident.id || incident.createdAt >= this.latest.createdAt)
    ) {
      this.latest = incident;
    }
    this.changes += 1;
    this.copyPending = true;
    if (incident && statusBefore !== undefined && statusBefore !== incident.status) void this.rewriteMessages(incident);
    if (jobs.length > 0) {
      this.pagesPending = true;
      void this.queue.run();
    }
    void this.copy.run();
    if (timers.some((t) => t.due <= Date.now())) void this.timers.run();
    // The alarm too, so that the work is done even if this object goes away before it runs.
    void this.armAlarm();
  }

  /**
   * Messages that show the incident's status with buttons (Slack, Telegram) are rewritten when it
   * changes. Best effort: a message left showing an old status loses no page.
   */
  private async rewriteMessages(incident: Incident): Promise<void> {
    const jobs: UpdateJob[] = this.sql
      .exec<PageRow>(
        "SELECT job, record FROM pages WHERE incident_id = ? AND status IN ('sent', 'delivered')",
        incident.id,
      )
      .toArray()
      .map(pageOf)
      .flatMap(({ job, providerMessageId }) =>
        job.kind === 'page' && REWRITTEN.includes(job.contactMethod.type) && providerMessageId !== null
          ? [
              {
                ...job,
                kind: 'update' as const,
                id: `${job.id}:${incident.status}`,
                status: incident.status,
                providerMessageId,
              },
            ]
          : [],
      );
    if (jobs.length === 0) return;
    try {
      await this.env.NOTIFICATIONS.sendBatch(jobs.slice(0, QUEUE_BATCH).map((body) => ({ body })));
    } catch (error) {
      console.error('incident pages: could not queue the rewrite of sent messages', incident.id, error);
    }
  }

  /** Fires the earliest due timer; false when none is due. */
  private async fireNextTimer(): Promise<boolean> {
    if (this.version === 0) return false;
    const row = this.sql
      .exec<{ timer: string }>('SELECT timer FROM timers WHERE due <= ? ORDER BY due, id LIMIT 1', Date.now())
      .toArray()[0];
    if (!row) return false;
    const timer = parse<Timer>(row.timer);
    const input: Input = { type: 'timer', timer };
    // The last configuration this isolate loaded serves when D1 cannot be read (see config/live.ts).
    const config = needsConfig(input) ? await liveConfig(this.env, (p) => this.ctx.waitUntil(p)) : null;
    // Other events ran while the configuration loaded: an acknowledgement may have cancelled this timer.
    const still = this.sql
      .exec<{ incident_id: string }>('SELECT incident_id FROM timers WHERE id = ?', timer.id)
      .toArray()[0];
    if (!still) return true;
    const incident = this.find(still.incident_id);
    if (incident === null) {
      this.sql.exec('DELETE FROM timers WHERE id = ?', timer.id);
      this.timerDue = undefined;
      return true;
    }
    this.apply(incident, input, config, timer.id);
    return true;
  }

  /**
   * Sends waiting page jobs to the notification queue, in batches within the queue's limits; a batch
   * that fails is sent job by job, so that one refused job holds back no other. A job that can never
   * travel is recorded failed on the timeline. Answers whether more is waiting.
   */
  private async sendPages(): Promise<boolean> {
    if (this.version === 0) return false;
    const sql = this.sql;
    const rows = sql
      .exec<{ id: string; job: string }>('SELECT id, job FROM pages WHERE sent = 0 ORDER BY rowid LIMIT ?', QUEUE_BATCH)
      .toArray();
    if (rows.length === 0) {
      this.pagesPending = false;
      return false;
    }
    const sendable: { job: IncidentJob; bytes: number }[] = [];
    for (const row of rows) {
      const job = parse<IncidentJob>(row.job);
      const problem = unsendable(job);
      if (problem === null) sendable.push({ job, bytes: row.job.length });
      else this.applyToPage(job.id, { type: 'page_given_up', job, reason: problem });
    }
    const sent: string[] = [];
    let failure: unknown = null;
    for (const batch of byteBatches(sendable, QUEUE_BATCH_BYTES)) {
      try {
        await this.env.NOTIFICATIONS.sendBatch(batch.map(({ job }) => ({ body: job })));
        sent.push(...batch.map(({ job }) => job.id));
      } catch (error) {
        for (const { job } of batch) {
          try {
            await this.env.NOTIFICATIONS.send(job);
            sent.push(job.id);
          } catch (alone) {
            failure = alone;
            console.error('incident pages: the queue refused a job', job.id, alone);
          }
        }
        failure ??= error;
      }
    }
    sql.exec('UPDATE pages SET sent = 1 WHERE id IN (SELECT value FROM json_each(?))', JSON.stringify(sent));
    if (failure !== null) throw failure;
    return rows.length === QUEUE_BATCH;
  }

  /**
   * Copies one batch of what D1 does not have yet through the D1 writer; answers whether more waits.
   * The marks of a batch that emptied the outbox wait for the next commit (see copy-marks.ts).
   */
  private async copyToD1(): Promise<boolean> {
    if (this.version === 0) return false;
    const sql = this.sql;
    const marks = this.marks;
    const changes = this.changes;
    const incidents = sql
      .exec<{ id: string; state: string; revision: number; escalation: string | null; updated_at: string }>(
        'SELECT id, state, revision, escalation, updated_at FROM incidents WHERE synced_revision < revision',
      )
      .toArray()
      .filter((row) => !marks.hasIncident(row.id, row.revision));
    let full = false;
    // Sizes first, so that a backlog of large alerts is read only as far as the byte budget.
    const unsynced = (table: 'timeline' | 'alerts', column: 'entry' | 'record') => {
      const after = marks.through[table];
      const sizes = sql
        .exec<{ seq: number; bytes: number }>(
          `SELECT seq, length(${column}) AS bytes FROM ${table} WHERE seq > ? AND synced = 0 ORDER BY seq LIMIT ?`,
          after,
          DRAIN_BATCH,
        )
        .toArray();
      let bytes = 0;
      let taken = 0;
      while (taken < sizes.length && (taken === 0 || bytes + sizes[taken]!.bytes <= DRAIN_BYTES)) {
        bytes += sizes[taken]!.bytes;
        taken += 1;
      }
      if (taken === 0) return [];
      if (taken < sizes.length || sizes.length === DRAIN_BATCH) full = true;
      return sql
        .exec<{ seq: number; id: string; incident_id: string; body: string }>(
          `SELECT seq, id, incident_id, ${column} AS body FROM ${table} WHERE seq > ? AND seq <= ? AND synced = 0 ORDER BY seq`,
          after,
          sizes[taken - 1]!.seq,
        )
        .toArray();
    };
    const timeline = unsynced('timeline', 'entry');
    const alerts = unsynced('alerts', 'record');
    const unsyncedPages = sql
      .exec<PageRow & { id: string }>('SELECT id, job, record FROM pages WHERE synced = 0 LIMIT ?', DRAIN_BATCH)
      .toArray();
    if (unsyncedPages.length === DRAIN_BATCH) full = true;
    const pages = unsyncedPages
      .map((row) => ({ id: row.id, page: pageOf(row), bytes: row.job.length + row.record.length }))
      .filter(({ id, page }) => !marks.hasPage(id, page.revision));
    if (incidents.length + timeline.length + alerts.length + pages.length === 0) {
      this.copyPending = false;
      return false;
    }

    const rows: IncidentRow[] = incidents.map((row) => {
      const incident = parse<Incident>(row.state);
      return {
        ...incident,
        firstAcknowledgedAt: incident.firstAcknowledgedAt ?? null,
        acknowledgedBy: incident.acknowledgedBy ?? null,
        escalated: incident.escalated ?? false,
        escalationPolicy: row.escalation ? (parse<Escalation>(row.escalation).policy?.id ?? null) : null,
        updatedAt: row.updated_at,
        revision: row.revision,
      };
    });
    const logged = (r: (typeof timeline)[number]) => ({ id: r.id, incidentId: r.incident_id, seq: r.seq });
    const records: QueuedRecord[] = [
      ...timeline.map((r) => ({ kind: 'timeline' as const, ...logged(r), entry: parse<TimelineEntry>(r.body) })),
      ...alerts.map((r) => ({ kind: 'alert' as const, ...logged(r), alert: parse<AlertRecord>(r.body) })),
      ...pages.map(({ id, page }) => ({ id, incidentId: page.job.incidentId, seq: 0, ...recordRow(page, new Date()) })),
    ];
    const bytes =
      incidents.reduce((n, r) => n + r.state.length, 0) +
      [...timeline, ...alerts].reduce((n, r) => n + r.body.length, 0) +
      pages.reduce((n, p) => n + p.bytes, 0);
    await copyToD1(this.env, { rows, records, bytes });

    marks.copied({
      incidents: rows,
      pages: pages.map(({ id, page }) => ({ id, revision: page.revision })),
      timeline,
      alerts,
    });
    // A backlog's next batch reads past these rows only once they are marked: mark them now.
    if (full) this.ctx.storage.transactionSync(() => marks.write(sql));
    // A change committed while this batch copied asked for another pass (CoalescedWork): it is pending.
    if (!full && this.changes === changes) this.copyPending = false;
    return full;
  }

  private nextTimerDue(): number | null {
    if (this.timerDue === undefined) {
      const row = this.sql.exec<{ due: number }>('SELECT due FROM timers ORDER BY due LIMIT 1').toArray()[0];
      this.timerDue = row ? row.due : null;
    }
    return this.timerDue;
  }

  /**
   * Keeps the one alarm no later than the earliest due moment: the next timer (later after
   * failures), and a backstop for each destination with work pending (sooner after failed drains).
   * An alarm already set early enough is left alone, and one no longer needed is left to fire and
   * find nothing: on the path of every change, each alarm write is disk work saved.
   */
  private async armAlarm(): Promise<void> {
    if (this.version === 0) return;
    const now = Date.now();
    const candidates: number[] = [];
    const retry = (work: CoalescedWork) => now + (work.failures === 0 ? DRAIN_SAFETY_MS : backoff(work.failures));
    if (this.pagesPending) candidates.push(retry(this.queue));
    if (this.copyPending) candidates.push(retry(this.copy));
    const timerDue = this.nextTimerDue();
    if (timerDue !== null) {
      // A run under way fires what is due now: the alarm is only its backstop.
      const earliest =
        this.timers.failures > 0 ? now + backoff(this.timers.failures) : this.timers.busy ? now + BACKSTOP_MS : 0;
      candidates.push(Math.max(timerDue, earliest));
    }
    if (candidates.length === 0) return;
    const due = Math.min(...candidates);
    if (this.alarmAt !== null && this.alarmAt > now && this.alarmAt <= due) return;
    this.alarmAt = due;
    await this.ctx.storage.setAlarm(due);
  }
}

/** Runs of items of at most `limit` bytes together (never less than one item) and QUEUE_BATCH items. */
function byteBatches<T extends { bytes: number }>(items: T[], limit: number): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    if (current.length > 0 && (current.length === QUEUE_BATCH || bytes + item.bytes > limit)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

type PageRow = { job: string; record: string };

/** A page as stored: its job, and the rest of its record beside it. */
const pageOf = (row: PageRow): PageRecord => ({
  ...parse<Omit<PageRecord, 'job'>>(row.record),
  job: parse<IncidentJob>(row.job),
});
const recordJson = ({ job: _job, ...record }: PageRecord) => JSON.stringify(record);
