// What the incident object does with each input, as a pure function: the incident it concerns, the
// input, the configuration at hand and `now` in; the next state and its effects (timeline entries,
// an alert, page jobs, timers to set and cancel) out. The object only loads, commits and drains.
import type { StoredConfig } from '../config/store';
import type { AlertEvent } from '../ingest/event';
import type { IncidentJob } from '../notify/job';
import type { Delivery } from '../notify/provider';
import { MINUTE, SYSTEM, type Actor } from '../vocabulary';
import type { CommandResult, IncidentCommand, IngestResult } from './commands';
import {
  acknowledge,
  applyEvent,
  comment,
  needsNewIncident,
  openIncident,
  resolve,
  update,
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
  merge,
  none,
  reassign,
  sendPage,
  startEscalation,
  type Effects,
  type Escalation,
  type Timer,
  type TimerKind,
} from './paging';
import { claim, givenUp, reported, sent, stillPages, type Claim, type PageRecord } from './pages';
import type { TimelineEntry } from './timeline';
import { extensionCalls } from './extensions';

export type Input =
  /** `opened` carries the new incident's ids when the event needs one (see `needsNewIncident`). */
  | { type: 'event'; event: AlertEvent; actor: Actor; opened: NewIncident | null }
  | { type: 'command'; command: IncidentCommand; actor: Actor }
  | { type: 'timer'; timer: Timer }
  /** The consumer is about to deliver a page: is it still wanted, and not already sent? */
  | { type: 'page_due'; job: IncidentJob }
  /** How the provider answered. */
  | { type: 'page_sent'; job: IncidentJob; delivery: Delivery; provider: string }
  /** The queue ran out of retries for it. */
  | { type: 'page_given_up'; job: IncidentJob; reason: string }
  /** The provider's later delivery report. */
  | { type: 'page_report'; report: DeliveryReport };

/** A provider's word, after the send, on whether the message reached the device. */
export interface DeliveryReport {
  page: string;
  status: 'delivered' | 'failed';
  reason: string | null;
  providerMessageId: string | null;
}

export interface State {
  /** The incident the input concerns: for an event, the object's latest. */
  incident: Incident | null;
  escalation: Escalation | null;
  /** For a close event under a flapping rule: how many incidents this alert opened within its minutes. */
  recentIncidents?: number;
  /** For page inputs: the page as recorded. */
  page?: PageRecord;
}

export interface Decision {
  /** What the caller is answered. */
  action: IngestResult['action'] | CommandResult['action'] | 'recorded';
  message?: string;
  /** The incident's next state; null when nothing changes. */
  incident: Incident | null;
  escalation: Escalation | null;
  timeline: TimelineEntry[];
  alert: AlertRecord | null;
  jobs: IncidentJob[];
  timers: Timer[];
  cancel: TimerKind[];
  /** A page's new record to keep. */
  page: PageRecord | null;
  /** For `page_due`: what the consumer is to do. */
  claim?: Claim;
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
function serviceOf(incident: Incident, stored: StoredConfig) {
  const handle = [...stored.ids.services].find(([, id]) => id === incident.serviceId)?.[0];
  return stored.config.services.find((s) => s.id === handle);
}

/**
 * What an incident takes from its service when its escalation starts, and keeps: the policy (or the
 * one a stage chose, or nobody), its clocks, the noise rules, and the extensions to tell.
 */
function snapshotFor(incident: Incident, stored: StoredConfig): Escalation {
  const service = serviceOf(incident, stored);
  return {
    ...escalationFor(
      incident.policyOverride === undefined ? service?.routing : { escalation_policy: incident.policyOverride },
      stored.config,
      service,
      0,
    ),
    // Recorded, nobody paged: the stage before the incident said why.
    ...(incident.quiet === undefined ? {} : { policy: null, reason: incident.quiet }),
    ...(service?.flapping === undefined ? {} : { flapping: service.flapping }),
    // A transient pause runs from the incident's creation.
    ...(service?.transient_pause_minutes === undefined
      ? {}
      : {
          pausedUntil: new Date(
            Date.parse(incident.createdAt) + service.transient_pause_minutes * MINUTE,
          ).toISOString(),
        }),
    service: {
      name: service?.name ?? null,
      extensions: stored.config.extensions.filter((e) => service !== undefined && e.service === service.id),
    },
  };
}

function startEffects(incident: Incident, stored: StoredConfig, now: Date): Effects {
  const snapshot = snapshotFor(incident, stored);
  // Acknowledged or resolved before the escalation could start: keep its clocks, page nobody.
  if (incident.status === 'resolved') return { ...none(), escalation: snapshot };
  if (incident.status === 'acknowledged') {
    const effects = afterStatusChange(incident, snapshot, now);
    effects.timers.push(...autoResolveTimers(incident, snapshot));
    return { ...effects, escalation: snapshot };
  }
  const effects = startEscalation(incident, snapshot, now);
  effects.jobs.push(...extensionCalls(incident, snapshot, 'triggered', now));
  return { ...effects, escalation: snapshot };
}

function fromOutcome(outcome: Outcome, incident: Incident | null, escalation: Escalation | null, now: Date) {
  if (outcome.action === 'ignored') return nothing('ignored', outcome.message);
  const effects = none();
  if (outcome.action === 'acknowledged' || outcome.action === 'resolved') {
    merge(effects, afterStatusChange(outcome.incident, escalation, now));
    effects.jobs.push(...extensionCalls(outcome.incident, escalation, outcome.action, now));
  }
  // Resolved inside its pause: it came and went before anyone was paged.
  if (
    outcome.action === 'resolved' &&
    escalation?.pausedUntil !== undefined &&
    now.toISOString() < escalation.pausedUntil
  ) {
    effects.incident = { ...outcome.incident, transient: true };
    effects.timeline.push({ type: 'transient', at: now.toISOString(), actor: SYSTEM, details: {} });
  }
  return decision(outcome.action, outcome.incident, effects, { timeline: outcome.timeline, alert: outcome.alert });
}

/**
 * A close event for an alert that flaps: instead of resolving, the incident stays open (marked
 * flapping, paging no more than it has) until the alert has stayed resolved for the rule's minutes.
 */
function flapped(state: State, event: AlertEvent, now: Date): Decision | null {
  const { incident, escalation } = state;
  const rule = escalation?.flapping;
  if (!incident || !rule || event.action !== 'close' || incident.status === 'resolved') return null;
  if (!incident.flapping && (state.recentIncidents ?? 0) <= rule.count) return null;
  const settles = now.getTime() + rule.minutes * MINUTE;
  const effects = none();
  effects.incident = { ...incident, flapping: true };
  effects.cancel.push('settle');
  effects.timers.push({ id: `settle:${incident.id}:${settles}`, due: settles, kind: 'settle' });
  if (!incident.flapping) {
    effects.timeline.push({
      type: 'flapping',
      at: now.toISOString(),
      actor: SYSTEM,
      details: {
        incidents: state.recentIncidents ?? 0,
        minutes: rule.minutes,
        settles_at: new Date(settles).toISOString(),
      },
    });
  }
  const message = `incident #${incident.number} is flapping: it resolves once the alert has stayed resolved for ${rule.minutes} minutes`;
  return { ...decision('ignored', incident, effects), message };
}

function onEvent(state: State, input: Extract<Input, { type: 'event' }>, config: StoredConfig | null, now: Date) {
  const { event, actor, opened } = input;
  const flapping = flapped(state, event, now);
  if (flapping) return flapping;
  if (!needsNewIncident(state.incident, event, now)) {
    // Firing again: a flapping incident waits to settle again from its next resolution.
    if (event.action === 'open' && state.incident?.flapping) {
      const joined = fromOutcome(applyEvent(state.incident, event, actor, now), state.incident, state.escalation, now);
      return { ...joined, cancel: [...joined.cancel, 'settle' as const] };
    }
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
    case 'resolve': {
      const details = command.channel === undefined ? {} : { channel: command.channel };
      const outcome = (command.type === 'acknowledge' ? acknowledge : resolve)(incident, actor, now, details);
      return fromOutcome(outcome, incident, state.escalation, now);
    }
    case 'comment':
      return fromOutcome(comment(incident, actor, now, command.text), incident, state.escalation, now);
    case 'update': {
      const { type: _type, ...change } = command;
      return fromOutcome(update(incident, actor, now, change), incident, state.escalation, now);
    }
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
      return fired(
        fireEscalation(
          incident,
          escalation,
          timer,
          directoryOf(config!.config),
          serviceOf(incident, config!)?.name ?? null,
          now,
        ),
      );
    case 'page':
      if (!escalation || stopped) return nothing('recorded');
      // Wake-up repeats are to wake someone: once anyone acknowledged, nobody needs waking.
      if (timer.page.repeat && incident.status !== 'triggered') return nothing('recorded');
      return fired(sendPage(incident, escalation, timer, now));
    case 'ack_timeout':
      return escalation ? fired(acknowledgementTimedOut(incident, escalation, now)) : nothing('recorded');
    case 'settle': {
      const outcome = resolve(incident, SYSTEM, now, { reason: 'the alert stopped flapping' });
      return fromOutcome(outcome, incident, escalation, now);
    }
    case 'auto_resolve': {
      const outcome = resolve(incident, SYSTEM, now, { reason: 'auto-resolve timeout' });
      return fromOutcome(outcome, incident, escalation, now);
    }
  }
}

/** A page input, on the page as recorded. */
function onPage(state: State, input: Extract<Input, { type: `page_${string}` }>, now: Date): Decision {
  const record = state.page!;
  const step =
    input.type === 'page_due'
      ? claim(record, state.incident, now)
      : input.type === 'page_sent'
        ? sent(record, input.delivery, input.provider, now)
        : input.type === 'page_given_up'
          ? givenUp(record, input.reason, now)
          : reported(record, input.report, now);
  const result = nothing('recorded');
  result.timeline = step.timeline;
  result.page = step.record;
  if (step.answer !== null) result.claim = step.answer;
  return result;
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
    case 'page_sent':
    case 'page_given_up':
    case 'page_report':
      return onPage(state, input, now);
  }
}
