// Prometheus Alertmanager's webhook receiver (version 4): one group per request, one event per alert,
// the alert's fingerprint as its dedup key, so that each alert of a group is its own incident and a
// repeated notification (Alertmanager re-sends every repeat_interval) joins the one it opened.
import { z } from 'zod';
import { validate } from '../../http';
import type { Urgency } from '../../vocabulary';
import type { Adapter } from '../adapter';
import type { AlertEvent } from '../event';
import { eventIdOf, instantOf, jsonBody, labelsKey, summaryOf, text, urgencyBy } from '../normalize';

const labels = z.record(z.string(), z.string()).default({});

export const alertmanagerAlertSchema = z.looseObject({
  status: z.enum(['firing', 'resolved']),
  labels,
  annotations: labels,
  startsAt: z.string().optional(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().optional(),
});

const webhookSchema = z.looseObject({
  version: z.string().optional(),
  groupKey: z.string().optional(),
  status: z.string().optional(),
  receiver: z.string().optional(),
  externalURL: z.string().optional(),
  commonLabels: labels,
  alerts: z.array(alertmanagerAlertSchema).max(1000),
});

/** Prometheus' customary `severity` label. */
export const severityUrgency: Record<string, Urgency> = {
  critical: 'high',
  page: 'high',
  error: 'high',
  high: 'high',
  warning: 'medium',
  warn: 'medium',
  medium: 'medium',
  info: 'low',
  low: 'low',
  none: 'none',
};

/** One Prometheus alert as an event: shared by the webhook and the Alertmanager API that Prometheus posts to. */
export function prometheusAlertEvent(
  alert: z.infer<typeof alertmanagerAlertSchema>,
  resolved: boolean,
  now: Date,
  link?: string,
): AlertEvent {
  const { labels: l, annotations: a } = alert;
  // Without a fingerprint, the sorted labels name the alert as Alertmanager's fingerprint does.
  const identity = labelsKey(l);
  const name = l.alertname;
  const where = l.instance ?? l.job;
  const href = text(alert.generatorURL) ?? link;
  return {
    eventId: eventIdOf(alert.fingerprint, identity),
    action: resolved ? 'close' : 'open',
    summary: summaryOf(a.summary, a.description, name && where ? `${name} on ${where}` : name, a.message),
    urgency: urgencyBy(severityUrgency, l.severity ?? l.priority, 'high'),
    eventTime: instantOf(resolved ? alert.endsAt : alert.startsAt, now),
    payload: alert,
    ...(where === undefined ? {} : { resource: where }),
    ...(name === undefined ? {} : { metric: name }),
    source: 'prometheus',
    ...(href === undefined ? {} : { link: href }),
    details: { labels: l, annotations: a },
  };
}

export const alertmanager: Adapter = {
  title: 'Prometheus Alertmanager',
  events(request, { now }) {
    const group = validate(webhookSchema, jsonBody(request, 'Alertmanager'), 'Alertmanager notification');
    return group.alerts.map((alert) =>
      prometheusAlertEvent(alert, alert.status === 'resolved', now, text(group.externalURL)),
    );
  },
};
