// The path from normalized events to incidents, shared by every entry point (HTTP, email): each
// event is routed by its integration's rules, passes its service's suppression rules and maintenance
// windows, and goes to the object that owns its dedup key.
import type { IntegrationConfig, ServiceConfig } from '../config/document';
import type { StoredConfig } from '../config/store';
import { incidentObjectName, type IngestResult } from '../incident/commands';
import type { EventResult } from './adapter';
import type { AlertEvent } from './event';
import { supportHoursDecision, type SupportHours } from './hours';
import { inMaintenance, type MaintenanceWindow } from './maintenance';
import { group, route, suppress, type RoutingRule, type SuppressionRule } from './routing';

export interface IngestingIntegration {
  id: string;
  handle: string;
  serviceId: string;
}

/** What the stages before the incident read of the configuration, indexed: rules, services, windows. */
export interface Stages {
  /** By handle. */
  integrations: ReadonlyMap<string, IntegrationConfig>;
  /** By internal id. */
  services: ReadonlyMap<string, ServiceConfig>;
  serviceIds: ReadonlyMap<string, string>;
  maintenance: readonly MaintenanceWindow[];
}

const built = new WeakMap<StoredConfig, Stages>();

/** The stages of a loaded configuration, indexed once per load (every event of every request reads them). */
export function stagesOf(stored: StoredConfig): Stages {
  let stages = built.get(stored);
  if (!stages) {
    const { config, ids } = stored;
    stages = {
      integrations: new Map(config.integrations.map((i) => [i.id, i])),
      services: new Map(config.services.map((s) => [ids.services.get(s.id) ?? s.id, s])),
      serviceIds: ids.services,
      maintenance: stored.maintenance,
    };
    built.set(stored, stages);
  }
  return stages;
}

/** An event and the service it was routed to; null when a suppression rule dropped it. */
export function staged(
  integration: Pick<IngestingIntegration, 'handle' | 'serviceId'>,
  event: AlertEvent,
  stages: Stages | null,
  now: Date,
): { event: AlertEvent; serviceId: string } | null {
  if (stages === null) return { event, serviceId: integration.serviceId };
  const configured = stages.integrations.get(integration.handle);
  const rules = (configured?.routing_rules ?? []) as RoutingRule[];
  const routed = route(group(event, configured?.grouping), rules, configured?.service ?? '');
  const serviceId = stages.serviceIds.get(routed.service) ?? integration.serviceId;
  const service = stages.services.get(serviceId);
  const kept = suppress(routed.event, (service?.suppression_rules ?? []) as SuppressionRule[]);
  if (kept === null) return null;
  const maintenance = kept.quiet === undefined ? inMaintenance(stages.maintenance, serviceId, now) : null;
  if (maintenance !== null) return { event: { ...kept, quiet: maintenance }, serviceId };
  return { event: service?.support_hours ? byHours(kept, service.support_hours, now) : kept, serviceId };
}

/** What the service's support hours make of an event arriving now. */
function byHours(event: AlertEvent, hours: SupportHours, now: Date): AlertEvent {
  const { inside, action } = supportHoursDecision(hours, now);
  if ('urgency' in action) return { ...event, urgency: action.urgency };
  if ('escalation_policy' in action) return { ...event, escalationPolicy: action.escalation_policy };
  if (action.page || event.quiet !== undefined) return event;
  return { ...event, quiet: inside ? 'inside support hours, which page nobody' : 'outside support hours' };
}

export async function ingestEvents(
  env: Env,
  integration: IngestingIntegration,
  events: AlertEvent[],
  stages: Stages | null = null,
): Promise<EventResult[]> {
  return Promise.all(
    events.map(async (event): Promise<EventResult> => {
      const next = staged(integration, event, stages, new Date());
      if (next === null) {
        return { action: 'ignored', incident: null, message: 'dropped by a suppression rule', eventId: event.eventId };
      }
      const target = {
        integrationId: integration.id,
        integrationHandle: integration.handle,
        serviceId: next.serviceId,
      };
      const incident = env.INCIDENTS.getByName(incidentObjectName(integration.id, next.event.eventId));
      const result: IngestResult = await incident.ingest(target, next.event);
      // The sender's own key, even when its alert joined a group.
      return { ...result, eventId: event.eventId };
    }),
  );
}
