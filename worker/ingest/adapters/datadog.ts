// Datadog's Webhooks integration. Datadog has no fixed body: a webhook's Payload is a JSON template whose
// $VARIABLES Datadog fills in. This adapter reads Datadog's default payload (title, body, date, id, org…)
// and the keys below; paste this as the webhook's Payload, with "Encode as form" left unchecked:
//
//   {
//     "id": "$ID",
//     "alert_cycle_key": "$ALERT_CYCLE_KEY",
//     "aggreg_key": "$AGGREG_KEY",
//     "alert_id": "$ALERT_ID",
//     "alert_transition": "$ALERT_TRANSITION",
//     "alert_title": "$ALERT_TITLE",
//     "alert_priority": "$ALERT_PRIORITY",
//     "alert_type": "$ALERT_TYPE",
//     "alert_scope": "$ALERT_SCOPE",
//     "alert_metric": "$ALERT_METRIC",
//     "hostname": "$HOSTNAME",
//     "link": "$LINK",
//     "date": "$DATE",
//     "title": "$EVENT_TITLE",
//     "body": "$EVENT_MSG",
//     "event_type": "$EVENT_TYPE",
//     "tags": "$TAGS",
//     "org": { "id": "$ORG_ID", "name": "$ORG_NAME" }
//   }
//
// The dedup key is the alert cycle key (one per alert, from its trigger to its recovery), else the
// aggregation key, else the monitor id and its scope, else the title without its "[Triggered on …]"
// prefix: Datadog's default payload names an alert by its title alone (`id` is the event's, new each time).
import { z } from 'zod';
import { validate } from '../../http';
import type { EventAction, Urgency } from '../../vocabulary';
import type { Adapter } from '../adapter';
import { eventIdOf, instantOf, jsonBody, summaryOf, text, urgencyBy } from '../normalize';

/** $ALERT_TRANSITION, as Datadog words it. */
const transitions: Record<string, EventAction> = {
  triggered: 'open',
  're-triggered': 'open',
  warn: 'open',
  're-warn': 'open',
  'no data': 'open',
  're-no data': 'open',
  renotify: 'open',
  recovered: 'close',
};

/** $ALERT_PRIORITY, the monitor's priority. */
export const datadogPriorityUrgency: Record<string, Urgency> = {
  p1: 'highest',
  p2: 'high',
  p3: 'medium',
  p4: 'low',
  p5: 'lowest',
};

/** $ALERT_TYPE, for a monitor without a priority. */
export const datadogAlertTypeUrgency: Record<string, Urgency> = {
  error: 'high',
  warning: 'medium',
  info: 'low',
  success: 'low',
};

// "[P2] [Triggered on {host:web-1}] CPU high": the priority, the transition and the scope of a title.
const titlePrefix =
  /^\s*(?:\[(P[1-5])\]\s*)?\[(Re-Triggered|Triggered|Recovered|Re-Warn|Warn|Re-No Data|No Data|Renotify)(?:\s+on\s+([^\]]*))?\]\s*/i;

function readTitle(title: string | undefined) {
  const match = title === undefined ? null : titlePrefix.exec(title);
  if (!match) return { name: title?.trim() };
  const [prefix, priority, transition, scope] = match;
  return {
    name: text(title!.slice(prefix.length))?.trim(),
    priority,
    transition,
    scope: text(scope?.replace(/^\{|\}$/g, ''))?.trim(),
  };
}

const scalar = z.union([z.string(), z.number()]).nullish();

/** A variable's value: nothing for one left blank, or left as written where it does not apply. */
const given = (value: unknown): string | undefined => {
  const found = text(value)?.trim();
  return found === undefined || /^\$[A-Z_]+(\[[^\]]*\])?$/.test(found) ? undefined : found;
};

const identities = ['alert_cycle_key', 'aggreg_key', 'alert_id', 'alert_title', 'title'] as const;

const webhookSchema = z
  .looseObject({
    alert_cycle_key: scalar,
    aggreg_key: scalar,
    alert_id: scalar,
    alert_transition: scalar,
    alert_title: scalar,
    alert_priority: scalar,
    alert_type: scalar,
    alert_scope: scalar,
    alert_metric: scalar,
    hostname: scalar,
    link: scalar,
    date: scalar,
    last_updated: scalar,
    title: scalar,
    body: scalar,
    event_type: scalar,
    tags: scalar,
  })
  .superRefine((body, ctx) => {
    if (identities.some((key) => given(body[key]) !== undefined)) return;
    ctx.addIssue({
      code: 'custom',
      path: ['title'],
      message: 'names no alert: the payload needs "title": "$EVENT_TITLE" or the alert keys Tocsin reads',
    });
  });

/** $TAGS ("env:prod, service:checkout, monitor") as a map, for routing by `details.tags.env`. */
function tagsOf(tags: string | undefined): Record<string, string> {
  const pairs = new Map<string, string>();
  for (const tag of (tags ?? '').split(',')) {
    const [key = '', ...value] = tag.trim().split(':');
    if (key === '') continue;
    const previous = pairs.get(key);
    pairs.set(key, previous ? `${previous},${value.join(':')}` : value.join(':'));
  }
  return Object.fromEntries(pairs);
}

export const datadog: Adapter = {
  title: 'Datadog',
  events(request, { now }) {
    const body = validate(webhookSchema, jsonBody(request, 'Datadog'), 'Datadog notification');
    const alertTitle = readTitle(given(body.alert_title));
    const eventTitle = readTitle(given(body.title));
    const transition = (given(body.alert_transition) ?? alertTitle.transition ?? eventTitle.transition)?.toLowerCase();
    const alertType = given(body.alert_type);
    const action: EventAction =
      (transition === undefined ? undefined : transitions[transition]) ??
      (alertType?.toLowerCase() === 'success' ? 'close' : 'open');
    const name = alertTitle.name ?? eventTitle.name;
    const scope = given(body.alert_scope) ?? alertTitle.scope ?? eventTitle.scope;
    const host = given(body.hostname);
    const monitor = given(body.alert_id);
    const metric = given(body.alert_metric);
    const eventType = given(body.event_type);
    const link = given(body.link);
    const priority = given(body.alert_priority) ?? alertTitle.priority ?? eventTitle.priority;
    const where = host ?? scope;
    return [
      {
        eventId: eventIdOf(
          given(body.alert_cycle_key) ?? given(body.aggreg_key),
          ...(monitor === undefined ? ['title', name, scope] : ['monitor', monitor, scope]),
        ),
        action,
        summary: summaryOf(name && scope ? `${name} on ${scope}` : name, given(body.body), monitor),
        urgency: urgencyBy(datadogPriorityUrgency, priority, urgencyBy(datadogAlertTypeUrgency, alertType, 'high')),
        eventTime: instantOf(given(body.date) ?? given(body.last_updated), now),
        payload: body,
        ...(where === undefined ? {} : { resource: where }),
        ...(metric === undefined ? {} : { metric }),
        ...(eventType === undefined ? {} : { eventType }),
        source: 'datadog',
        ...(link === undefined ? {} : { link }),
        details: {
          tags: tagsOf(given(body.tags)),
          ...(scope === undefined ? {} : { scope }),
          ...(monitor === undefined ? {} : { monitor_id: monitor }),
        },
      },
    ];
  },
};
