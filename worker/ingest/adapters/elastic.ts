// Elastic: a Kibana alerting rule's action through the Webhook connector, or a Watcher's webhook action.
// Both bodies are templates the user writes, so Tocsin defines them. A Kibana alert is keyed by its rule
// and its alert id (the rule's group, `host-1`, or `query matched`), which its `recovered` action repeats;
// a watch by its id (it has no recovery, so its repeats join the one incident until someone resolves it).
//
// Kibana: Stack Management → Connectors → Webhook, method POST, URL
// https://<tocsin>/integration/elastic/v1/<key>, header Content-Type: application/json. In each rule, add
// the connector for each alert (not a summary), for the rule's action group and for Recovered, with the
// body below (the connector escapes values for JSON strings; `severity` is optional: a constant, or
// `{{context.rule.severity}}` in Security rules):
//
//   {
//     "rule": { "id": "{{rule.id}}", "name": "{{rule.name}}", "url": "{{rule.url}}", "tags": "{{rule.tags}}",
//               "spaceId": "{{rule.spaceId}}" },
//     "alert": { "id": "{{alert.id}}", "uuid": "{{alert.uuid}}", "actionGroup": "{{alert.actionGroup}}",
//                "actionGroupName": "{{alert.actionGroupName}}" },
//     "context": { "reason": "{{context.reason}}", "title": "{{context.title}}", "message": "{{context.message}}",
//                  "link": "{{context.link}}", "alertDetailsUrl": "{{context.alertDetailsUrl}}" },
//     "date": "{{date}}",
//     "severity": "critical"
//   }
//
// Watcher: a webhook action posting to the same URL with this body (Watcher does not escape for JSON:
// use `{{#toJson}}…{{/toJson}}` for text that may hold quotes):
//
//   { "watch_id": "{{ctx.watch_id}}", "execution_time": "{{ctx.execution_time}}",
//     "message": "…", "severity": "high", "link": "https://kibana.example.com/…" }
import { z } from 'zod';
import { validate } from '../../http';
import type { Urgency } from '../../vocabulary';
import type { Adapter } from '../adapter';
import type { AlertEvent } from '../event';
import { at, defined, eventIdOf, instantOf, jsonBody, summaryOf, text, urgencyBy, webLink } from '../normalize';

/** Kibana renders a variable the rule does not have as an empty string. */
const field = z.union([z.string(), z.number(), z.boolean()]).nullish();

export const kibanaActionSchema = z.looseObject({
  rule: z.looseObject({
    id: z.union([z.string().trim().min(1), z.number()]),
    name: field,
    url: field,
    tags: z.union([z.string(), z.array(z.string())]).nullish(),
    spaceId: field,
  }),
  alert: z.looseObject({ id: field, uuid: field, actionGroup: field, actionGroupName: field }).nullish(),
  context: z
    .looseObject({ reason: field, title: field, message: field, link: field, alertDetailsUrl: field })
    .nullish(),
  date: field,
  severity: field,
});

export const watcherActionSchema = z.looseObject({
  watch_id: z.union([z.string().trim().min(1), z.number()]),
  execution_time: field,
  message: field,
  severity: field,
  link: field,
});

/** The `severity` a body names, or the last word of the action group (`metrics.threshold.warning`). */
export const elasticSeverityUrgency: Record<string, Urgency> = {
  critical: 'highest',
  fired: 'high',
  high: 'high',
  medium: 'medium',
  warning: 'medium',
  low: 'low',
  nodata: 'low',
  info: 'lowest',
};

/** `{{rule.tags}}` renders `a,b`; `{{rule.tags.asJSON}}` unquoted renders a list. */
const tagsOf = (tags: string | string[] | null | undefined) =>
  (typeof tags === 'string' ? tags.split(',') : (tags ?? [])).map((tag) => tag.trim()).filter((tag) => tag !== '');

function kibanaEvent(body: z.infer<typeof kibanaActionSchema>, now: Date): AlertEvent {
  const { rule, alert, context } = body;
  const ruleId = String(rule.id).trim();
  const alertId = text(alert?.id)?.trim();
  const group = text(alert?.actionGroup)?.trim();
  const recovered = group?.toLowerCase() === 'recovered';
  const name = text(rule.name);
  const link = webLink(context?.alertDetailsUrl) ?? webLink(context?.link) ?? webLink(rule.url);
  const groupWord = group?.split('.').pop()?.toLowerCase();
  const tags = tagsOf(rule.tags);
  return {
    // A rule id is a UUID: with `/` between, rule and alert ids cannot run into one another.
    eventId: eventIdOf(alertId === undefined ? ruleId : `${ruleId}/${alertId}`),
    action: recovered ? 'close' : 'open',
    summary: summaryOf(
      text(context?.reason),
      text(context?.title),
      text(context?.message),
      name !== undefined && alertId !== undefined ? `${name}: ${alertId}` : name,
      `Kibana rule ${ruleId}`,
    ),
    urgency: urgencyBy(elasticSeverityUrgency, body.severity, urgencyBy(elasticSeverityUrgency, groupWord, 'high')),
    eventTime: instantOf(text(body.date), now),
    payload: body,
    ...(alertId === undefined ? {} : { resource: alertId }),
    ...(name === undefined ? {} : { metric: name }),
    ...(group === undefined ? {} : { eventType: group }),
    source: 'kibana',
    ...(link === undefined ? {} : { link }),
    details: defined({
      rule_id: ruleId,
      tags,
      space: text(rule.spaceId),
      action_group: text(alert?.actionGroupName),
      alert_uuid: text(alert?.uuid),
      message: text(context?.message),
    }),
  };
}

function watcherEvent(body: z.infer<typeof watcherActionSchema>, now: Date): AlertEvent {
  const watchId = String(body.watch_id).trim();
  const link = webLink(body.link);
  return {
    eventId: eventIdOf(`watch/${watchId}`),
    action: 'open',
    summary: summaryOf(text(body.message), `Watch ${watchId} fired`),
    urgency: urgencyBy(elasticSeverityUrgency, body.severity, 'high'),
    eventTime: instantOf(text(body.execution_time), now),
    payload: body,
    resource: watchId,
    eventType: 'watch',
    source: 'watcher',
    ...(link === undefined ? {} : { link }),
  };
}

export const elastic: Adapter = {
  title: 'Elastic (Kibana alerting, Watcher)',
  events(request, { now }) {
    const body = jsonBody(request, 'Elastic');
    if (at(body, 'rule') === undefined && at(body, 'watch_id') !== undefined) {
      return [watcherEvent(validate(watcherActionSchema, body, 'Watcher action'), now)];
    }
    return [kibanaEvent(validate(kibanaActionSchema, body, 'Kibana rule action'), now)];
  },
};
