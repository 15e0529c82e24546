// Grafana's unified alerting webhook contact point: Alertmanager's group with Grafana's own fields
// (values, panel and dashboard links, orgId). One event per alert, keyed by its fingerprint, so that each
// alert instance of a rule is its own incident and a repeated notification joins the one it opened.
import { z } from 'zod';
import { validate } from '../../http';
import type { Adapter } from '../adapter';
import type { AlertEvent } from '../event';
import { eventIdOf, instantOf, jsonBody, labelsKey, summaryOf, text, urgencyBy } from '../normalize';
import { alertmanagerAlertSchema, severityUrgency } from './alertmanager';

const grafanaAlertSchema = alertmanagerAlertSchema.extend({
  dashboardURL: z.string().optional(),
  panelURL: z.string().optional(),
  // Go writes a nil map as null: an alert with no data has no values.
  values: z.record(z.string(), z.unknown()).nullish(),
});

const webhookSchema = z.looseObject({
  externalURL: z.string().optional(),
  alerts: z.array(grafanaAlertSchema).max(1000),
});

function grafanaAlertEvent(alert: z.infer<typeof grafanaAlertSchema>, now: Date, home?: string): AlertEvent {
  const { labels: l, annotations: a } = alert;
  const resolved = alert.status === 'resolved';
  const identity = labelsKey(l);
  const name = l.alertname;
  const where = l.instance ?? l.job;
  // A rule that finds no data or fails is reported as DatasourceNoData / DatasourceError, named in `rulename`.
  const failed = l.rulename && name ? `${l.rulename}: ${name}` : undefined;
  const href = text(alert.generatorURL) ?? text(alert.panelURL) ?? text(alert.dashboardURL) ?? home;
  return {
    eventId: eventIdOf(alert.fingerprint, identity),
    action: resolved ? 'close' : 'open',
    summary: summaryOf(a.summary, a.description, failed, name && where ? `${name} on ${where}` : name),
    urgency: urgencyBy(severityUrgency, l.severity ?? l.priority, 'high'),
    eventTime: instantOf(resolved ? alert.endsAt : alert.startsAt, now),
    payload: alert,
    ...(where === undefined ? {} : { resource: where }),
    ...(name === undefined ? {} : { metric: name }),
    source: 'grafana',
    ...(href === undefined ? {} : { link: href }),
    details: { labels: l, annotations: a, ...(alert.values ? { values: alert.values } : {}) },
  };
}

export const grafana: Adapter = {
  title: 'Grafana Alerting',
  events(request, { now }) {
    const group = validate(webhookSchema, jsonBody(request, 'Grafana'), 'Grafana notification');
    return group.alerts.map((alert) => grafanaAlertEvent(alert, now, text(group.externalURL)));
  },
};
