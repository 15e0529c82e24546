// What an incident object is asked and answers: the one small interface between it and the edges
// (ingest, the API, the notification consumer).
import type { Escalation } from '../escalation/policy';
import type { Incident } from './lifecycle';

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
  | { type: 'comment'; text: string }
  | { type: 'reassign'; escalation: Escalation; label: string };

export interface CommandResult {
  action: 'acknowledged' | 'resolved' | 'commented' | 'reassigned' | 'ignored';
  incident: Incident;
  message?: string;
}

/** The object that owns an incident's dedup scope. */
export function incidentObjectName(integrationId: string, eventId: string): string {
  return `${integrationId}:${eventId}`;
}
