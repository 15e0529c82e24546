// The path from normalized events to incidents, shared by every entry point (HTTP, email).
import { incidentObjectName, type IngestResult } from '../incident/commands';
import type { EventResult } from './adapter';
import type { AlertEvent } from './event';

export interface IngestingIntegration {
  id: string;
  handle: string;
  serviceId: string;
}

export async function ingestEvents(
  env: Env,
  integration: IngestingIntegration,
  events: AlertEvent[],
): Promise<EventResult[]> {
  const target = {
    integrationId: integration.id,
    integrationHandle: integration.handle,
    serviceId: integration.serviceId,
  };
  return Promise.all(
    events.map(async (event) => {
      const incident = env.INCIDENTS.getByName(incidentObjectName(integration.id, event.eventId));
      const result: IngestResult = await incident.ingest(target, event);
      return { ...result, eventId: event.eventId };
    }),
  );
}
