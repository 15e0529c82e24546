// What an incident object is asked and answers: the one small interface between it and the edges
// (ingest, the API, the notification consumer).
import type { Escalation } from '../escalation/policy';
import type { PageRecord } from './pages';
import type { AlertRecord, Incident } from './lifecycle';
import type { TimelineEntry } from './timeline';

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
  /** `channel` names where a user answered from, when not the API: a signed link, Slack, an SMS… */
  | { type: 'acknowledge'; channel?: string }
  | { type: 'resolve'; channel?: string }
  | { type: 'comment'; text: string }
  /** A new summary or description from the tool that raised it (Opsgenie's message and description updates). */
  | { type: 'update'; summary?: string; description?: string }
  | { type: 'reassign'; escalation: Escalation; label: string };

export interface CommandResult {
  action: 'acknowledged' | 'resolved' | 'commented' | 'updated' | 'reassigned' | 'ignored';
  incident: Incident;
  message?: string;
}

/** The object that owns an incident's dedup scope. */
export function incidentObjectName(integrationId: string, eventId: string): string {
  return `${integrationId}:${eventId}`;
}

/**
 * An incident's id is its object's id and its ordinal there, so that the id alone leads to the
 * object, with no lookup in D1: for the API, the notification consumer and signed links.
 */
export function incidentId(objectId: string, ordinal: number): string {
  return `${objectId}-${ordinal}`;
}

const INCIDENT_ID = /^([0-9a-f]{64})-([1-9][0-9]{0,8})$/;

/** The object that holds this incident, or null for an id no object of this namespace made. */
export function incidentObject(namespace: Env['INCIDENTS'], id: string) {
  const match = INCIDENT_ID.exec(id);
  if (!match) return null;
  try {
    return namespace.get(namespace.idFromString(match[1]!));
  } catch {
    return null;
  }
}

/** An incident as its object holds it: the truth, whether or not D1 has its copy yet. */
export interface IncidentDetail {
  incident: Incident;
  escalationPolicy: string | null;
  /** The latest open event's payload. */
  details: Record<string, unknown>;
  /** Newest first. */
  alerts: (AlertRecord & { id: string })[];
  /** Oldest first; the newest `limit` entries when there are more. */
  timeline: (TimelineEntry & { id: string })[];
  timelineTruncated: boolean;
  pages: PageRecord[];
}
