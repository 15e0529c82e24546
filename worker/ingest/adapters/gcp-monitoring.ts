// Google Cloud Monitoring's webhook notification channel (schema version 1.2): one incident per request,
// its `incident_id` the dedup key (the open and the closed notification share it), the alerting policy's
// severity the urgency.
import { z } from 'zod';
import { validate } from '../../http';
import type { EventAction, Urgency } from '../../vocabulary';
import type { Adapter } from '../adapter';
import { eventIdOf, instantOf, jsonBody, record, summaryOf, text, urgencyBy } from '../normalize';

const actions: Record<string, EventAction> = { open: 'open', acknowledged: 'ack', closed: 'close' };

const epoch = z.union([z.number(), z.string()]).nullish();
const labelled = z.looseObject({ type: z.string().nullish(), labels: record.nullish() }).nullish();

const incidentSchema = z.looseObject({
  incident_id: z.string().min(1),
  // "open" and "closed"; the console's test notification says "OPEN".
  state: z.string().refine((state) => Object.hasOwn(actions, state.trim().toLowerCase()), {
    message: 'expected open, acknowledged or closed',
  }),
  summary: z.string().nullish(),
  policy_name: z.string().nullish(),
  condition_name: z.string().nullish(),
  severity: z.string().nullish(),
  url: z.string().nullish(),
  started_at: epoch,
  ended_at: epoch,
  resource_display_name: z.string().nullish(),
  resource_name: z.string().nullish(),
  resource: labelled,
  metric: labelled,
  metadata: record.nullish(),
  policy_user_labels: record.nullish(),
  observed_value: z.string().nullish(),
  threshold_value: z.string().nullish(),
  scoping_project_id: z.string().nullish(),
});

const notificationSchema = z.looseObject({ version: z.string().optional(), incident: incidentSchema });

/** The alerting policy's severity; a policy without one says "No severity". */
export const gcpSeverityUrgency: Record<string, Urgency> = {
  critical: 'highest',
  error: 'high',
  warning: 'medium',
};

/** What routing reads beside the summary, under Google's own names (`details.policy_user_labels.team`). */
const detailKeys = [
  'policy_user_labels',
  'metadata',
  'resource',
  'metric',
  'observed_value',
  'threshold_value',
  'scoping_project_id',
] as const;

export const gcpMonitoring: Adapter = {
  title: 'Google Cloud Monitoring',
  events(request, { now }) {
    const notification = validate(
      notificationSchema,
      jsonBody(request, 'Google Cloud Monitoring'),
      'Google Cloud Monitoring notification',
    );
    const incident = notification.incident;
    const action = actions[incident.state.trim().toLowerCase()]!;
    const policy = text(incident.policy_name);
    const condition = text(incident.condition_name);
    const where = text(incident.resource_display_name) ?? text(incident.resource_name);
    const metric = text(incident.metric?.type) ?? condition;
    const resourceType = text(incident.resource?.type);
    const link = text(incident.url);
    return [
      {
        eventId: eventIdOf(incident.incident_id),
        action,
        summary: summaryOf(incident.summary, policy && condition ? `${policy}: ${condition}` : policy, condition),
        urgency: urgencyBy(gcpSeverityUrgency, incident.severity, 'high'),
        // An acknowledgement carries no time of its own.
        eventTime: instantOf(
          action === 'close' ? incident.ended_at : action === 'open' ? incident.started_at : undefined,
          now,
        ),
        payload: notification,
        ...(where === undefined ? {} : { resource: where }),
        ...(metric === undefined ? {} : { metric }),
        ...(resourceType === undefined ? {} : { eventType: resourceType }),
        source: 'gcp-monitoring',
        ...(link === undefined ? {} : { link }),
        details: Object.fromEntries(detailKeys.flatMap((key) => (incident[key] == null ? [] : [[key, incident[key]]]))),
      },
    ];
  },
};
