// When an incident tells its service's extensions (outgoing webhooks) of an event: triggered when it
// opens or triggers again, assigned when the first step of a run pages someone, escalated when a
// later step does, acknowledged, resolved. Pure: the calls due, each a job with the variables as of
// the event; the consumer renders and makes them.
import type { ExtensionConfig, ExtensionEvent, ExtensionValues } from '../notify/extension';
import type { ExtensionJob } from '../notify/job';
import type { Incident } from './lifecycle';

/** What of an incident's escalation snapshot (paging.ts) its calls read. */
export interface CallContext {
  generation: number;
  /** The service's name and extensions as they were when the incident opened. */
  service?: { name: string | null; extensions: ExtensionConfig[] };
  /** Who the incident is with now: the users the last step paged. */
  assignee?: string;
}

const MAX_VALUE = 2048;

/** Every variable but INCIDENT_URL, which the consumer adds from the public URL. */
export function extensionValues(
  incident: Incident,
  escalation: CallContext,
  event: ExtensionEvent,
  now: Date,
): Omit<ExtensionValues, 'INCIDENT_URL'> {
  return {
    SERVICE_NAME: escalation.service?.name ?? '',
    INCIDENT_NAME: incident.summary,
    INCIDENT_NUMBER: String(incident.number),
    INCIDENT_ID: incident.id,
    STATUS: incident.status,
    URGENCY: incident.urgency,
    EVENT: event,
    CREATE_DATE: incident.createdAt,
    MODIFY_DATE: now.toISOString(),
    ASSIGNEE: (escalation.assignee ?? '').slice(0, MAX_VALUE),
  };
}

/** The calls an event makes: one per extension of the service that listens for it. */
export function extensionCalls(
  incident: Incident,
  escalation: CallContext | null,
  event: ExtensionEvent,
  now: Date,
): ExtensionJob[] {
  const service = escalation?.service;
  if (!escalation || !service) return [];
  const values = extensionValues(incident, escalation, event, now);
  return service.extensions
    .filter((extension) => extension.events.includes(event))
    .map(({ service: _service, type: _type, events: _events, ...extension }) => ({
      kind: 'extension',
      // One call per extension, event, run of the escalation and moment.
      id: `extension:${incident.id}:${extension.id}:${event}:${escalation.generation}:${now.getTime()}`,
      incidentId: incident.id,
      incidentNumber: incident.number,
      serviceId: incident.serviceId,
      event,
      extension,
      values,
      attempt: 1,
      dueAt: now.toISOString(),
    }));
}
