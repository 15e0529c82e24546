// What the incident object does with each input, as a pure function: the incident it concerns, the
// input, the configuration at hand and `now` in; the next state and its effects (timeline entries,
// an alert, page jobs, timers to set and cancel) out. The object only loads, commits and drains.
import type { StoredConfig } from '../config/store';
import type { AlertEvent } from '../ingest/event';
import type { PageJob } from '../notify/job';
import { SYSTEM, type Actor } from '../vocabulary';
import type { CommandResult, IncidentCommand, IngestResult } from './commands';
import {
  acknowledge,
  applyEvent,
  comment,
  needsNewIncident,
  openIncident,
  resolve,
  type AlertRecord,
  type Incident,
  type NewIncident,
  type Outcome,
} from './lifecycle';
import {
  acknowledgementTimedOut,
  afterStatusChange,
  autoResolveTimers,
  directoryOf,
  escalationFor,
  fireEscalation,
  none,
  reassign,
  sendPage,
  startEscalation,
  type Effects,
  type Escalation,
  type Timer,
  type TimerKind,
} from './paging';
import type { TimelineEntry } from './timeline';

/** How a page ended. */
export type PageStatus = 'notified' | 'failed' | 'cancelled';
export interface PageRecord {
  job: PageJob;
  status: 'queued' | PageStatus;
  detail: string | null;
}

export type Input =
  /** `opened` carries the new incident's ids when the event needs one (see `needsNewIncident`). */
  | { type: 'event'; event: AlertEvent; actor: Actor; opened: NewIncident | null }
  | { type: 'command'; command: IncidentCommand; actor: Actor }
  | { type: 'timer'; timer: Timer }
  /** The consumer is about to deliver a page: is it still wanted? */
  | { type: 'page_due'; job: PageJob }
  | { type: 'page_outcome'; job: PageJob; status: PageStatus; detail: string | null };

export interface State {
  /** The incident the input concerns: for an event, the object's latest. */
  incident: Incident | null;
  escalation: Escalation | null;
  /** For page inputs: the page as recorded. */
  page?: PageRecord | null;
}

export interface Decision {
  /** What the caller is answered. */
  action: IngestResult['action'] | CommandResult['action'] | 'send' | 'recorded';
  message?: string;
  /** The incident's next state; null when nothing changes. */
  incident: Incident | null;
  escalation: Escalation | null;
  timeline: TimelineEntry[];
  alert: AlertRecord | null;
  jobs: PageJob[];
  timers: Timer[];
  cancel: TimerKind[];
  /** A page's new outcome to record. */
  page: PageRecord | null;
}

const nothing = (action: Decision['action'], message?: string): Decision => ({
  action,
  ...(message === undefined ? {} : { message }),
  incident: null,
  escalation: null,
  timeline: [],
  alert: null,
  jobs: [],
  timers: [],
  cancel: [],
  page: null,
});

function decision(action: Decision['action'], incident: Incident, effects: Effects, extra: Partial<Decision> = {}) {
  return {
    ...nothing(action),
    incident: effects.incident ?? incident,
    escalation: effects.escalation,
    timeline: [...(extra.timeline ?? []), ...effects.timeline],
    alert: extra.alert ?? null,
    jobs: effects.jobs,
    timers: effects.timers,
    cancel: effects.cancel,
  };
}

/** Which inputs need the live configuration, which the object must load before deciding. */
export function needsConfig(input: Input): boolean {
  return input.type === 'timer' && (input.timer.kind === 'start' || input.timer.kind === 'escalate');
}

/** A new incident's escalation, by its service's routing: the snapshot it keeps, and step 1. */
function startEffects(incident: Incident, stored: StoredConfig, now: Date): Effects {
  const serviceHandle = [...stored.ids.services].find(([, id]) => id === incident.serviceId)?.[0];
  const service = stored.config.services.find((s) => s.id === serviceHandle);
  const snapshot = escalationFor(service?.routing, stored.config, service, 0);
  // Acknowledged or resolved before the escalation could start: keep its clocks, page nobody.
  if (incident.status === 'resolved') return { ...none(), escalation: snapshot };
  if (incident.status === 'acknowledged') {
    const effects = afterStatusChange(incident, snapshot, now);
    effects.timers.push(...autoResolveTimers(incident, snapshot));
    return { ...effects, escalation: snapshot };
  }
  return { ...startEscalation(incident, snapshot, now), escalation: snapshot };
}

/** Whether an incident in this state still pages by this job's policy. */
function stillPages(incident: Incident, stopWhen: 'acknowledged' | 'resolved'): string | null {
  if (incident.status === 'resolved') return `incident #${incident.number} is resolved`;
  if (incident.status === 'acknowledged' && stopWhen === 'acknowledged') {
    return `incident #${incident.number} is acknowledged`;
  }
  return null;
}

function fromOutcome(outcome: Outcome, incident: Incident | null, escalation: Escalation | null, now: Date) {
  if (outcome.action === 'ignored') return nothing('ignored', outcome.message);
  const effects =
    outcome.action === 'acknowledged' || outcome.action === 'resolved'
      ? afterStatusChange(outcome.incident, escalation, now)
      : none();
  return decision(outcome.action, outcome.incident, effects, { timeline: outcome.timeline, alert: outcome.alert });
}

function onEvent(state: State, input: Extract<Input, { type: 'event' }>, config: StoredConfig | null, now: Date) {
  const { event, actor, opened } = input;
  if (!needsNewIncident(state.incident, event)) {
    return fromOutcome(applyEvent(state.incident, event, actor, now), state.incident, state.escalation, now);
  }
  if (opened === null) throw new Error('decide: an event that opens an incident needs its ids');
  const change = openIncident(opened, event, actor, now);
  // With the routing at hand the escalation starts in the commit that opens the incident; else a
  // timer starts it right after, so that the answer never waits for D1.
  const effects = config
    ? startEffects(change.incident, config, now)
    : { ...none(), timers: [{ id: `start:${change.incident.id}`, due: now.getTime(), kind: 'start' } as Timer] };
  return decision('created', change.incident, effects, { timeline: change.timeline, alert: change.alert });
}

function onCommand(state: State, input: Extract<Input, { type: 'command' }>, now: Date): Decision {
  const incident = state.incident!;
  const { command, actor } = input;
  switch (command.type) {
    case 'reassign': {
      if (incident.status === 'resolved') return nothing('ignored', `incident #${incident.number} is resolved`);
      const effects = reassign(incident, state.escalation, command.escalation, actor, command.label, now);
      return decision('reassigned', incident, effects);
    }
    case 'acknowledge':
      return fromOutcome(acknowledge(incident, actor, now), incident, state.escalation, now);
    case 'resolve':
      return fromOutcome(resolve(incident, actor, now), incident, state.escalation, now);
    case 'comment':
      return fromOutcome(comment(incident, actor, now, command.text), incident, state.escalation, now);
  }
}

function onTimer(state: State, timer: Timer, config: StoredConfig | null, now: Date): Decision {
  const incident = state.incident!;
  const escalation = state.escalation;
  const fired = (effects: Effects, extra?: Partial<Decision>) => decision('recorded', incident, effects, extra);
  // Every timer that could page asks the incident first: an acknowledgement may have come meanwhile.
  const stopped = stillPages(incident, escalation?.policy?.stop_when ?? 'acknowledged');
  switch (timer.kind) {
    case 'start':
      return fired(startEffects(incident, config!, now));
    case 'escalate':
      if (!escalation || stopped) return nothing('recorded');
      return fired(fireEscalation(incident, escalation, timer, directoryOf(config!.config), now));
    case 'page':
      if (!escalation || stopped) return nothing('recorded');
      return fired(sendPage(incident, escalation, timer, now));
    case 'ack_timeout':
      return escalation ? fired(acknowledgementTimedOut(incident, escalation, now)) : nothing('recorded');
    case 'auto_resolve': {
      const outcome = resolve(incident, SYSTEM, now, { reason: 'auto-resolve timeout' });
      return fromOutcome(outcome, incident, escalation, now);
    }
  }
}

function pageEntry(page: PageRecord, status: PageStatus, detail: string | null, now: Date): TimelineEntry {
  const { job } = page;
  const fields = { job: job.id, user: job.user, contact_method: job.contactMethod.id, channel: job.contactMethod.type };
  const at = now.toISOString();
  if (status === 'notified') return { type: 'notified', at, actor: SYSTEM, details: fields };
  const type = status === 'failed' ? 'page_failed' : 'page_cancelled';
  return { type, at, actor: SYSTEM, details: { ...fields, reason: detail ?? status } };
}

/** Records how a page ended, once: a redelivered outcome changes nothing. */
function recordPage(state: State, job: PageJob, status: PageStatus, detail: string | null, now: Date): Decision {
  const page = state.page ?? { job, status: 'queued', detail: null };
  if (page.status !== 'queued') return nothing('recorded');
  const result = nothing(status === 'cancelled' ? 'ignored' : 'recorded', detail ?? undefined);
  result.timeline = [pageEntry(page, status, detail, now)];
  result.page = { job: page.job, status, detail };
  return result;
}

function onPageDue(state: State, job: PageJob, now: Date): Decision {
  if (state.page && state.page.status !== 'queued') return nothing('ignored', `the page was ${state.page.status}`);
  const reason = state.incident === null ? 'the incident no longer exists' : stillPages(state.incident, job.stopWhen);
  return reason === null ? nothing('send') : recordPage(state, job, 'cancelled', reason, now);
}

export function decide(state: State, input: Input, config: StoredConfig | null, now: Date): Decision {
  switch (input.type) {
    case 'event':
      return onEvent(state, input, config, now);
    case 'command':
      return onCommand(state, input, now);
    case 'timer':
      return state.incident ? onTimer(state, input.timer, config, now) : nothing('recorded');
    case 'page_due':
      return onPageDue(state, input.job, now);
    case 'page_outcome':
      return recordPage(state, input.job, input.status, input.detail, now);
  }
}
