// Sentry, by either of its webhooks: the legacy Webhooks plugin (an issue alert rule posts the issue and
// its event) and the Integration Platform (an internal integration subscribed to issues, or made an alert
// rule action: issue and metric alerts). The `Sentry-Hook-Resource` header names the Integration
// Platform's resource; without it, the body's shape tells them apart. An issue, however it is reported,
// is keyed by its id, so an alert on it, its resolution and its assignment meet in one incident; a metric
// alert is keyed by the incident Sentry opened for it, which goes critical, warning and resolved.
import { z } from 'zod';
import { validate } from '../../http';
import type { EventAction, Urgency } from '../../vocabulary';
import type { Adapter } from '../adapter';
import type { AlertEvent } from '../event';
import { at, defined, eventIdOf, instantOf, jsonBody, own, summaryOf, text, urgencyBy, webLink } from '../normalize';

const id = z.union([z.string().trim().min(1), z.number()]);
/** Sentry writes null for what an issue or event does not have. */
const maybe = z.string().nullish();
const tags = z.array(z.unknown()).nullish();

const issueSchema = z.looseObject({
  id,
  title: maybe,
  culprit: maybe,
  level: maybe,
  status: maybe,
  substatus: maybe,
  shortId: maybe,
  permalink: maybe,
  web_url: maybe,
  firstSeen: maybe,
  type: maybe,
  issueType: maybe,
  project: z.looseObject({ slug: maybe, name: maybe }).nullish(),
  metadata: z.looseObject({ type: maybe, value: maybe }).nullish(),
});

export const sentryIssueWebhookSchema = z.looseObject({
  action: z.string(),
  actor: z.looseObject({ type: maybe, name: maybe }).nullish(),
  data: z.looseObject({ issue: issueSchema }),
});

export const sentryMetricAlertWebhookSchema = z.looseObject({
  action: z.string(),
  data: z.looseObject({
    metric_alert: z
      .looseObject({
        id: id.nullish(),
        identifier: id.nullish(),
        title: maybe,
        date_started: maybe,
        date_detected: maybe,
        date_closed: maybe,
        alert_rule: z
          .looseObject({
            id: id.nullish(),
            name: maybe,
            aggregate: maybe,
            query: maybe,
            projects: z.array(z.string()).nullish(),
          })
          .nullish(),
      })
      .refine((incident) => (incident.id ?? incident.identifier ?? incident.alert_rule?.id) != null, {
        message: 'a metric alert names its incident (id or identifier)',
        path: ['id'],
      }),
    description_title: maybe,
    description_text: maybe,
    web_url: maybe,
  }),
});

export const sentryEventAlertWebhookSchema = z.looseObject({
  action: z.string(),
  data: z.looseObject({
    event: z.looseObject({
      issue_id: id,
      title: maybe,
      message: maybe,
      culprit: maybe,
      level: maybe,
      web_url: maybe,
      datetime: maybe,
      tags,
    }),
    triggered_rule: maybe,
  }),
});

export const sentryPluginWebhookSchema = z.looseObject({
  id,
  project: maybe,
  project_name: maybe,
  project_slug: maybe,
  culprit: maybe,
  message: maybe,
  url: maybe,
  level: maybe,
  triggering_rules: z.array(z.string()).nullish(),
  event: z
    .looseObject({
      title: maybe,
      event_id: maybe,
      timestamp: z.union([z.number(), z.string()]).nullish(),
      datetime: maybe,
      tags,
    })
    .nullish(),
});

/** An issue's level (fatal … debug) and a metric alert's trigger (critical, warning). */
export const sentryLevelUrgency: Record<string, Urgency> = {
  fatal: 'highest',
  critical: 'high',
  error: 'high',
  warning: 'medium',
  info: 'low',
  debug: 'lowest',
};

/** An event's tags, `[["browser", "Chrome 76"], …]` or `[{key, value}, …]`, as tag → value. */
function tagsOf(list: unknown[] | null | undefined): Record<string, unknown> {
  const pairs = (list ?? []).flatMap((tag): [string, unknown][] => {
    const key = text(Array.isArray(tag) ? tag[0] : at(tag, 'key'));
    return key === undefined ? [] : [[key, Array.isArray(tag) ? tag[1] : at(tag, 'value')]];
  });
  return Object.fromEntries(pairs);
}

const issueKey = (issueId: string | number) => eventIdOf(`issue-${issueId}`);

/** What the Integration Platform's issue actions do to the incident, when they do anything. */
function issueAction(body: z.infer<typeof sentryIssueWebhookSchema>): EventAction | undefined {
  switch (body.action) {
    case 'created':
    case 'unresolved':
      return 'open';
    case 'resolved':
    case 'ignored':
    case 'archived':
      return 'close';
    case 'assigned':
      // Ownership rules assign a new issue at once: only a person taking it is an acknowledgement.
      return body.actor?.type === 'user' ? 'ack' : undefined;
    default:
      return undefined;
  }
}

function issueEvents(body: z.infer<typeof sentryIssueWebhookSchema>, now: Date): AlertEvent[] {
  const action = issueAction(body);
  if (action === undefined) return [];
  const { issue } = body.data;
  const project = text(issue.project?.slug);
  const link = webLink(issue.web_url) ?? webLink(issue.permalink);
  const kind = text(issue.issueType) ?? text(issue.type);
  const problem = issue.metadata;
  return [
    {
      eventId: issueKey(issue.id),
      action,
      summary: summaryOf(
        issue.title,
        problem?.type && problem.value ? `${problem.type}: ${problem.value}` : null,
        issue.culprit,
        `Sentry issue ${issue.shortId ?? issue.id}`,
      ),
      urgency: urgencyBy(sentryLevelUrgency, issue.level, 'high'),
      eventTime: action === 'open' && body.action === 'created' ? instantOf(issue.firstSeen, now) : now.toISOString(),
      payload: body,
      ...(project === undefined ? {} : { resource: project }),
      ...(kind === undefined ? {} : { eventType: kind }),
      source: 'sentry',
      ...(link === undefined ? {} : { link }),
      details: defined({
        level: issue.level,
        status: issue.status,
        substatus: issue.substatus,
        short_id: issue.shortId,
        culprit: issue.culprit,
        project: issue.project?.name,
        actor: body.actor?.name,
      }),
    },
  ];
}

const metricActions: Record<string, EventAction> = {
  critical: 'open',
  warning: 'open',
  resolved: 'close',
};

function metricAlertEvents(body: z.infer<typeof sentryMetricAlertWebhookSchema>, now: Date): AlertEvent[] {
  const action = own(metricActions, body.action);
  if (action === undefined) return [];
  const { metric_alert: incident, description_title, description_text } = body.data;
  const rule = incident.alert_rule;
  const incidentId = incident.id ?? incident.identifier ?? `rule-${rule?.id}`;
  const link = webLink(body.data.web_url);
  const projects = rule?.projects?.filter((p) => p.trim() !== '');
  const aggregate = text(rule?.aggregate);
  return [
    {
      eventId: eventIdOf(`metric-alert-${incidentId}`),
      action,
      summary: summaryOf(description_title, rule?.name, incident.title, `Sentry metric alert ${incidentId}`),
      urgency: urgencyBy(sentryLevelUrgency, body.action, 'high'),
      eventTime: instantOf(
        action === 'close' ? incident.date_closed : (incident.date_detected ?? incident.date_started),
        now,
      ),
      payload: body,
      ...(projects?.length ? { resource: projects.join(', ') } : {}),
      ...(aggregate === undefined ? {} : { metric: aggregate }),
      eventType: 'metric_alert',
      source: 'sentry',
      ...(link === undefined ? {} : { link }),
      details: defined({
        description: description_text,
        rule: rule?.name,
        query: rule?.query,
        trigger: body.action,
      }),
    },
  ];
}

function eventAlertEvents(body: z.infer<typeof sentryEventAlertWebhookSchema>, now: Date): AlertEvent[] {
  const { event, triggered_rule } = body.data;
  const link = webLink(event.web_url);
  return [
    {
      eventId: issueKey(event.issue_id),
      action: 'open',
      summary: summaryOf(event.title, event.message, event.culprit, `Sentry issue ${event.issue_id}`),
      urgency: urgencyBy(sentryLevelUrgency, event.level, 'high'),
      eventTime: instantOf(event.datetime, now),
      payload: body,
      eventType: 'issue_alert',
      source: 'sentry',
      ...(link === undefined ? {} : { link }),
      details: defined({ rule: triggered_rule, level: event.level, culprit: event.culprit, tags: tagsOf(event.tags) }),
    },
  ];
}

function pluginEvents(body: z.infer<typeof sentryPluginWebhookSchema>, now: Date): AlertEvent[] {
  const project = text(body.project_slug) ?? text(body.project);
  const link = webLink(body.url);
  return [
    {
      eventId: issueKey(body.id),
      action: 'open',
      summary: summaryOf(body.event?.title, body.message, body.culprit, `Sentry issue ${body.id}`),
      urgency: urgencyBy(sentryLevelUrgency, body.level, 'high'),
      eventTime: instantOf(body.event?.datetime ?? body.event?.timestamp, now),
      payload: body,
      ...(project === undefined ? {} : { resource: project }),
      eventType: 'issue_alert',
      source: 'sentry',
      ...(link === undefined ? {} : { link }),
      details: defined({
        rules: body.triggering_rules,
        level: body.level,
        culprit: body.culprit,
        project: body.project_name,
        tags: tagsOf(body.event?.tags),
      }),
    },
  ];
}

/** The Integration Platform resource a body without the header is, by its shape; else the plugin's. */
function resourceOf(body: unknown): string {
  if (at(body, 'data.metric_alert') !== undefined) return 'metric_alert';
  if (at(body, 'data.issue') !== undefined) return 'issue';
  if (at(body, 'data.event') !== undefined) return 'event_alert';
  return 'plugin';
}

export const sentry: Adapter = {
  title: 'Sentry',
  events(request, { now }) {
    const body = jsonBody(request, 'Sentry');
    const resource = text(request.headers.get('sentry-hook-resource'))?.trim().toLowerCase() ?? resourceOf(body);
    switch (resource) {
      case 'issue':
        return issueEvents(validate(sentryIssueWebhookSchema, body, 'Sentry issue webhook'), now);
      case 'metric_alert':
        return metricAlertEvents(validate(sentryMetricAlertWebhookSchema, body, 'Sentry metric alert webhook'), now);
      case 'event_alert':
        return eventAlertEvents(validate(sentryEventAlertWebhookSchema, body, 'Sentry issue alert webhook'), now);
      case 'plugin':
        return pluginEvents(validate(sentryPluginWebhookSchema, body, 'Sentry webhook'), now);
      default:
        // installation, comment, error, seer…: an integration may subscribe to them; none is an alert.
        return [];
    }
  },
};
