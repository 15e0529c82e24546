// How an incident pages: its escalation as timers that its Durable Object keeps and fires by alarm.
// Pure: each function takes the incident, what was snapshotted for it and `now`, and answers the
// effects (timeline entries, timers to set, notification jobs, a new incident state) to store.
import type { Configuration, Routing } from '../config/document';
import {
  fireStep,
  firstPosition,
  seededPick,
  type Directory,
  type EscalationEvent,
  type Position,
} from '../escalation/escalation';
import { singleResponderPolicy, type Escalation as PolicyEscalation } from '../escalation/policy';
import { extensionCalls, type CallContext } from './extensions';
import type { IncidentJob } from '../notify/job';
import { onCallAt } from '../schedule/schedule';
import type { Page } from '../users/contact';
import type { Incident, TimelineEntry } from './lifecycle';
import { MINUTE, SYSTEM, type Locale } from '../vocabulary';

/**
 * What an incident took when its escalation started: the policy and its clocks, and its service's name
 * and extensions, kept as they were then (like the policy) so that paging never waits for D1.
 */
export interface Escalation extends PolicyEscalation, CallContext {
  /** A transient pause: nobody is paged before this instant, and a resolution before it marks the incident transient. */
  pausedUntil?: string;
  /** The service's flapping rule: more than `count` incidents of one alert within `minutes` is one flapping incident. */
  flapping?: { count: number; minutes: number };
}

export type Timer =
  | { id: string; due: number; kind: 'start' }
  | { id: string; due: number; kind: 'escalate'; position: Position | 'final' }
  | {
      id: string;
      due: number;
      kind: 'page';
      page: {
        user: string;
        contactMethod: Page['contactMethod'];
        position: string;
        /** A wake-up rule's repeat (1, 2…): it stops at an acknowledgement, whatever the policy says. */
        repeat?: number;
        /** How the recipient reads, and the service's name, as the message will show them. */
        locale?: Locale;
        timeZone?: string;
        service?: string | null;
      };
    }
  | { id: string; due: number; kind: 'ack_timeout' }
  | { id: string; due: number; kind: 'auto_resolve' }
  /** A flapping incident resolves once its alert has stayed resolved this long. */
  | { id: string; due: number; kind: 'settle' };

export type TimerKind = Timer['kind'];

export interface Effects {
  incident: Incident | null;
  timeline: TimelineEntry[];
  timers: Timer[];
  /** Timer kinds of this incident to cancel before the new ones are set. */
  cancel: TimerKind[];
  jobs: IncidentJob[];
  /** A new escalation snapshot to keep, when it changed. */
  escalation: Escalation | null;
}

export const none = (): Effects => ({
  incident: null,
  timeline: [],
  timers: [],
  cancel: [],
  jobs: [],
  escalation: null,
});

export const positionLabel = (pos: Position | 'final') =>
  pos === 'final' ? 'final' : `${pos.cycle}.${pos.step}.${pos.run}`;

/** The policy a service's routing names, or why nobody is paged. */
export function escalationFor(
  routing: Routing | undefined,
  config: Configuration,
  service: { acknowledgement_timeout_minutes?: number; auto_resolve_timeout_minutes?: number } | undefined,
  generation: number,
): PolicyEscalation {
  const timeouts = {
    generation,
    ackTimeoutMinutes: service?.acknowledgement_timeout_minutes ?? null,
    autoResolveMinutes: service?.auto_resolve_timeout_minutes ?? null,
  };
  if (routing === undefined || 'no_one' in routing) {
    return { ...timeouts, policy: null, reason: 'the service routes to no one' };
  }
  if ('user' in routing)
    return { ...timeouts, policy: singleResponderPolicy({ user: routing.user }, `user:${routing.user}`) };
  if ('schedule' in routing) {
    return {
      ...timeouts,
      policy: singleResponderPolicy({ schedule: routing.schedule }, `schedule:${routing.schedule}`),
    };
  }
  const policy = config.escalation_policies.find((p) => p.id === routing.escalation_policy);
  return policy
    ? { ...timeouts, policy }
    : { ...timeouts, policy: null, reason: `escalation policy ${routing.escalation_policy} is not defined` };
}

/** The configuration as the escalation sees it: who is on call, who is in a team, how to reach whom. */
export function directoryOf(config: Configuration): Directory {
  const schedules = new Map(config.schedules.map((s) => [s.id, s]));
  const teams = new Map(config.teams.map((t) => [t.id, t]));
  const users = new Map(config.users.map((u) => [u.id, u]));
  return {
    onCall: (schedule, at) => {
      const found = schedules.get(schedule);
      return found ? onCallAt(found, at) : [];
    },
    teamMembers: (team) => teams.get(team)?.members ?? [],
    user: (handle) => {
      const user = users.get(handle);
      return user && { handle, ...user };
    },
  };
}

/** The escalation begins: the first step now, and the auto-resolve clock from the incident's creation. */
export function startEscalation(incident: Incident, escalation: Escalation, now: Date): Effects {
  const effects = none();
  effects.timers.push(...autoResolveTimers(incident, escalation));
  if (escalation.policy === null) {
    effects.timeline.push({
      type: 'not_paged',
      at: now.toISOString(),
      actor: SYSTEM,
      details: { reason: escalation.reason ?? 'no escalation policy' },
    });
    return effects;
  }
  const pausedUntil = escalation.pausedUntil === undefined ? now.getTime() : Date.parse(escalation.pausedUntil);
  if (pausedUntil > now.getTime()) {
    effects.timeline.push({
      type: 'paging_paused',
      at: now.toISOString(),
      actor: SYSTEM,
      details: { until: new Date(pausedUntil).toISOString(), reason: 'a pause for transient alerts' },
    });
  }
  effects.timers.push(escalateTimer(incident, escalation, firstPosition(), Math.max(now.getTime(), pausedUntil)));
  return effects;
}

/** The auto-resolve clock runs from the incident's creation. */
export function autoResolveTimers(incident: Incident, escalation: Escalation): Timer[] {
  if (escalation.autoResolveMinutes === null) return [];
  const due = Date.parse(incident.createdAt) + escalation.autoResolveMinutes * MINUTE;
  return [{ id: `auto_resolve:${incident.id}`, due, kind: 'auto_resolve' }];
}

function escalateTimer(incident: Incident, escalation: Escalation, position: Position | 'final', due: number): Timer {
  return {
    id: `escalate:${incident.id}:${escalation.generation}:${positionLabel(position)}`,
    due,
    kind: 'escalate',
    position,
  };
}

function eventEntry(event: EscalationEvent, due: Date): TimelineEntry {
  const at = event.at.toISOString();
  switch (event.type) {
    case 'escalated':
      return {
        type: 'escalated',
        at,
        actor: SYSTEM,
        details: { ...place(event.position), users: event.users, via: event.via, due: due.toISOString() },
      };
    case 'step_skipped':
      return { type: 'step_skipped', at, actor: SYSTEM, details: { ...place(event.position), reason: event.reason } };
    case 'cannot_reach':
      return { type: 'cannot_reach', at, actor: SYSTEM, details: { user: event.user, reason: event.reason } };
    case 'final_notification':
      return { type: 'final_notification', at, actor: SYSTEM, details: { users: event.users, via: event.via } };
    case 'exhausted':
      return { type: 'escalation_exhausted', at, actor: SYSTEM, details: {} };
  }
}

/** Steps are numbered from 1 for people; cycle and run count repeats from 0. */
const place = (pos: Position) => ({ step: pos.step + 1, cycle: pos.cycle, run: pos.run });

/** Reassigned to another target: the old escalation stops and the new one starts from step 1. */
export function reassign(
  incident: Incident,
  current: Escalation | null,
  target: Escalation,
  actor: TimelineEntry['actor'],
  label: string,
  now: Date,
): Effects {
  const next: Escalation = {
    ...target,
    generation: (current?.generation ?? 0) + 1,
    autoResolveMinutes: null,
    ...(current?.service ? { service: current.service } : {}),
  };
  const effects = startEscalation(incident, next, now);
  effects.cancel.push('start', 'escalate', 'page', 'ack_timeout');
  effects.escalation = { ...next, autoResolveMinutes: current?.autoResolveMinutes ?? null };
  if (incident.status === 'acknowledged') effects.incident = { ...incident, status: 'triggered', acknowledgedAt: null };
  effects.timeline.unshift({ type: 'reassigned', at: now.toISOString(), actor, details: { to: label } });
  return effects;
}

/** A step fires: its pages (now or by the users' rules later) and the next firing. */
export function fireEscalation(
  incident: Incident,
  escalation: Escalation,
  timer: Extract<Timer, { kind: 'escalate' }>,
  directory: Directory,
  service: string | null,
  now: Date,
): Effects {
  const effects = none();
  if (escalation.policy === null) return effects;
  // Fire at the moment it was due, so that the pages keep their planned times even when late.
  const due = new Date(timer.due);
  const firing = fireStep(
    escalation.policy,
    timer.position,
    { directory, pick: seededPick(`${incident.id}:${escalation.generation}`), urgency: incident.urgency },
    due,
  );
  effects.timeline.push(...firing.events.map((event) => ({ ...eventEntry(event, due), at: now.toISOString() })));
  const label = positionLabel(timer.position);
  const paged = firing.events.flatMap((event) => (event.type === 'escalated' ? event.users : []));
  if (paged.length > 0 && timer.position !== 'final') {
    const assignee = paged.map((handle) => directory.user(handle)?.name ?? handle).join(', ');
    effects.escalation = { ...escalation, assignee };
    const first = timer.position.cycle === 0 && timer.position.step === 0 && timer.position.run === 0;
    if (timer.position.step > 0 || timer.position.cycle > 0) effects.incident = { ...incident, escalated: true };
    effects.jobs.push(...extensionCalls(incident, effects.escalation, first ? 'assigned' : 'escalated', now));
  }
  for (const page of firing.pages) {
    const pageTimer: Extract<Timer, { kind: 'page' }> = {
      id: `page:${incident.id}:${escalation.generation}:${label}:${page.user}:${page.contactMethod.id}${page.repeat ? `:${page.repeat}` : ''}`,
      due: page.at.getTime(),
      kind: 'page',
      page: {
        user: page.user,
        contactMethod: page.contactMethod,
        position: label,
        service,
        ...readsAs(directory, page.user),
      },
    };
    if (page.at.getTime() <= now.getTime()) merge(effects, sendPage(incident, escalation, pageTimer, now));
    else effects.timers.push(pageTimer);
  }
  if (firing.next)
    effects.timers.push(escalateTimer(incident, escalation, firing.next.position, firing.next.at.getTime()));
  return effects;
}

function readsAs(directory: Directory, handle: string): { locale?: Locale; timeZone?: string } {
  const user = directory.user(handle);
  return { locale: user?.locale, timeZone: user?.time_zone };
}

/** A page is due: the notification job, and the timeline says whom it is for, and how. */
export function sendPage(
  incident: Incident,
  escalation: Escalation,
  timer: Extract<Timer, { kind: 'page' }>,
  now: Date,
): Effects {
  const effects = none();
  const { user, contactMethod } = timer.page;
  effects.jobs.push({
    kind: 'page',
    id: timer.id,
    incidentId: incident.id,
    incidentNumber: incident.number,
    summary: incident.summary,
    urgency: incident.urgency,
    service: timer.page.service ?? null,
    locale: timer.page.locale ?? 'en',
    timeZone: timer.page.timeZone ?? 'UTC',
    user,
    contactMethod,
    attempt: 1,
    stopWhen: timer.page.repeat ? 'acknowledged' : (escalation.policy?.stop_when ?? 'acknowledged'),
    dueAt: new Date(timer.due).toISOString(),
  });
  effects.timeline.push({
    type: 'page_queued',
    at: now.toISOString(),
    actor: SYSTEM,
    details: {
      job: timer.id,
      user,
      contact_method: contactMethod.id,
      channel: contactMethod.type,
      due: new Date(timer.due).toISOString(),
    },
  });
  return effects;
}

export function merge(into: Effects, from: Effects): Effects {
  into.incident = from.incident ?? into.incident;
  into.escalation = from.escalation ?? into.escalation;
  into.timeline.push(...from.timeline);
  into.timers.push(...from.timers);
  into.cancel.push(...from.cancel);
  into.jobs.push(...from.jobs);
  return into;
}

/** What an acknowledgement or resolution stops, by the policy's end condition. */
export function afterStatusChange(incident: Incident, escalation: Escalation | null, now: Date): Effects {
  const effects = none();
  if (incident.status === 'resolved') {
    effects.cancel.push('start', 'escalate', 'page', 'ack_timeout', 'auto_resolve', 'settle');
  } else if (incident.status === 'acknowledged') {
    // One acknowledgement cancels every pending page of every responder at once.
    if ((escalation?.policy?.stop_when ?? 'acknowledged') === 'acknowledged') effects.cancel.push('escalate', 'page');
    if (escalation?.ackTimeoutMinutes != null) {
      effects.timers.push({
        id: `ack_timeout:${incident.id}:${incident.acknowledgedAt}`,
        due: now.getTime() + escalation.ackTimeoutMinutes * MINUTE,
        kind: 'ack_timeout',
      });
    }
  }
  return effects;
}

/** Acknowledged for too long without a resolution: trigger again, and escalate again from step 1. */
export function acknowledgementTimedOut(incident: Incident, escalation: Escalation, now: Date): Effects {
  if (incident.status !== 'acknowledged') return none();
  const restarted = { ...escalation, generation: escalation.generation + 1 };
  const effects = startEscalation(incident, { ...restarted, autoResolveMinutes: null }, now);
  effects.incident = { ...incident, status: 'triggered', acknowledgedAt: null };
  effects.jobs.push(...extensionCalls(effects.incident, restarted, 'triggered', now));
  effects.escalation = restarted;
  effects.cancel.push('escalate', 'page');
  effects.timeline.unshift({
    type: 'acknowledgement_timed_out',
    at: now.toISOString(),
    actor: SYSTEM,
    details: { minutes: escalation.ackTimeoutMinutes },
  });
  return effects;
}
