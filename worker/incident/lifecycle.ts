// The incident state machine: triggered → acknowledged → resolved, never backwards. Pure: the
// Durable Object that serializes an incident calls these with `now` and stores what they return.
import type { AlertEvent } from '../ingest/event';
import { MINUTE, type Actor, type IncidentStatus, type Urgency } from '../vocabulary';
import type { EntryOf, TimelineEntry } from './timeline';

export type { Actor, IncidentStatus, TimelineEntry };

export interface Incident {
  id: string;
  number: number;
  status: IncidentStatus;
  urgency: Urgency;
  summary: string;
  serviceId: string;
  integrationId: string;
  eventId: string;
  alertCount: number;
  createdAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  lastEventAt: string;
  /** Why nobody is paged for it, when a stage before it said so (routed to no one, suppressed). */
  quiet?: string;
  /** The policy a stage before it chose instead of the service's routing (support hours). */
  policyOverride?: string;
  /** Resolved inside its transient pause, before anyone was paged. */
  transient?: boolean;
  /** Its alert keeps resolving and firing again: it stays open until the alert stays resolved. */
  flapping?: boolean;
  /** A group's incident: the dedup keys of its alerts still firing; it resolves when the last one does. */
  members?: string[];
  /** Its first acknowledgement and who made it, kept when it triggers again: what reports measure. */
  firstAcknowledgedAt?: string;
  acknowledgedBy?: string;
  /** A step after the first paged someone, or the policy went round again. */
  escalated?: boolean;
}

/** The most alerts a group's incident follows one by one; past it, new members are only counted. */
export const MAX_MEMBERS = 200;

/** One entry of an incident's alert log: an open event that opened or joined it. */
export interface AlertRecord {
  receivedAt: string;
  eventTime: string;
  summary: string;
  urgency: Urgency;
  payload: Record<string, unknown>;
}

/** What happened to the incident: its new state and what to record. */
export interface Change {
  action: 'created' | 'deduplicated' | 'acknowledged' | 'resolved' | 'commented' | 'updated';
  incident: Incident;
  timeline: TimelineEntry[];
  alert: AlertRecord | null;
}

export interface Ignored {
  action: 'ignored';
  message: string;
}

export type Outcome = Change | Ignored;

export interface NewIncident {
  id: string;
  number: number;
  serviceId: string;
  integrationId: string;
}

const isOpen = (incident: Incident | null): incident is Incident => incident !== null && incident.status !== 'resolved';

function alertOf(event: AlertEvent, now: Date): AlertRecord {
  return {
    receivedAt: now.toISOString(),
    eventTime: event.eventTime,
    summary: event.summary,
    urgency: event.urgency,
    payload: event.payload,
  };
}

/** Whether an event needs a new incident: an open event with no open incident to join. */
export function needsNewIncident(latest: Incident | null, event: AlertEvent, now: Date): boolean {
  if (event.action !== 'open') return false;
  if (!isOpen(latest)) return true;
  // A group by time window takes alerts for so long after it opened; later ones open the next.
  const window = event.groupWindowMinutes;
  return window !== undefined && now.getTime() >= Date.parse(latest.createdAt) + window * MINUTE;
}

export function openIncident(ids: NewIncident, event: AlertEvent, actor: Actor, now: Date): Change {
  const at = now.toISOString();
  const incident: Incident = {
    ...ids,
    status: 'triggered',
    urgency: event.urgency,
    summary: event.summary,
    eventId: event.eventId,
    alertCount: 1,
    createdAt: at,
    acknowledgedAt: null,
    resolvedAt: null,
    lastEventAt: event.eventTime,
    ...(event.quiet === undefined ? {} : { quiet: event.quiet }),
    ...(event.escalationPolicy === undefined ? {} : { policyOverride: event.escalationPolicy }),
    ...(event.groupMember === undefined ? {} : { members: [event.groupMember] }),
  };
  return {
    action: 'created',
    incident,
    timeline: [{ type: 'created', at, actor, details: { summary: event.summary, urgency: event.urgency } }],
    alert: alertOf(event, now),
  };
}

/**
 * Applies an event to the object's latest incident. An open event with nothing open to join is the
 * caller's to turn into a new incident (`needsNewIncident`), since only it can allocate a number.
 */
export function applyEvent(latest: Incident | null, event: AlertEvent, actor: Actor, now: Date): Outcome {
  if (event.action === 'open') {
    if (!isOpen(latest)) throw new Error('applyEvent: an open event with no open incident needs a new one');
    return joinIncident(latest, event, actor, now);
  }
  if (latest === null) {
    return { action: 'ignored', message: `no incident has event_id ${event.eventId}` };
  }
  const context = { eventId: event.eventId, summary: event.summary };
  if (event.action === 'close' && event.groupMember !== undefined && latest.members !== undefined) {
    const still = latest.members.filter((m) => m !== event.groupMember);
    if (still.length > 0) return memberResolved(latest, event.groupMember, still, actor, now);
  }
  return event.action === 'ack' ? acknowledge(latest, actor, now, context) : resolve(latest, actor, now, context);
}

/** One alert of a group resolved while others still fire: the group's incident stays. */
function memberResolved(incident: Incident, member: string, still: string[], actor: Actor, now: Date): Change {
  return {
    action: 'deduplicated',
    incident: { ...incident, members: still },
    timeline: [
      {
        type: 'alert_resolved',
        at: now.toISOString(),
        actor,
        details: { event_id: member, still_firing: still.length },
      },
    ],
    alert: null,
  };
}

function joinIncident(incident: Incident, event: AlertEvent, actor: Actor, now: Date): Change {
  const lastEventAt = event.eventTime > incident.lastEventAt ? event.eventTime : incident.lastEventAt;
  const member = event.groupMember;
  const members =
    member === undefined || incident.members === undefined || incident.members.includes(member)
      ? incident.members
      : incident.members.length < MAX_MEMBERS
        ? [...incident.members, member]
        : incident.members;
  return {
    action: 'deduplicated',
    incident: {
      ...incident,
      alertCount: incident.alertCount + 1,
      lastEventAt,
      ...(members === undefined ? {} : { members }),
    },
    timeline: [
      {
        type: 'alert_joined',
        at: now.toISOString(),
        actor,
        details: { summary: event.summary, alert_count: incident.alertCount + 1 },
      },
    ],
    alert: alertOf(event, now),
  };
}

export function acknowledge(
  incident: Incident,
  actor: Actor,
  now: Date,
  details: EntryOf<'acknowledged'>['details'] = {},
): Outcome {
  if (incident.status !== 'triggered') {
    return { action: 'ignored', message: `incident #${incident.number} is already ${incident.status}` };
  }
  const at = now.toISOString();
  return {
    action: 'acknowledged',
    incident: {
      ...incident,
      status: 'acknowledged',
      acknowledgedAt: at,
      firstAcknowledgedAt: incident.firstAcknowledgedAt ?? at,
      ...(incident.firstAcknowledgedAt === undefined && actor.type === 'user' && actor.id
        ? { acknowledgedBy: actor.id }
        : {}),
    },
    timeline: [{ type: 'acknowledged', at, actor, details }],
    alert: null,
  };
}

export function resolve(
  incident: Incident,
  actor: Actor,
  now: Date,
  details: EntryOf<'resolved'>['details'] = {},
): Outcome {
  if (incident.status === 'resolved') {
    return { action: 'ignored', message: `incident #${incident.number} is already resolved` };
  }
  const at = now.toISOString();
  return {
    action: 'resolved',
    incident: { ...incident, status: 'resolved', resolvedAt: at },
    timeline: [{ type: 'resolved', at, actor, details }],
    alert: null,
  };
}

/** The tool that raised the incident retitled or described it; a resolved incident keeps its words. */
export function update(
  incident: Incident,
  actor: Actor,
  now: Date,
  change: { summary?: string; description?: string },
): Outcome {
  if (incident.status === 'resolved') {
    return { action: 'ignored', message: `incident #${incident.number} is resolved` };
  }
  return {
    action: 'updated',
    incident: change.summary === undefined ? incident : { ...incident, summary: change.summary },
    timeline: [{ type: 'updated', at: now.toISOString(), actor, details: change }],
    alert: null,
  };
}

export function comment(incident: Incident, actor: Actor, now: Date, text: string): Change {
  return {
    action: 'commented',
    incident,
    timeline: [{ type: 'comment', at: now.toISOString(), actor, details: { text } }],
    alert: null,
  };
}
