// Zabbix's webhook media type. Zabbix posts whatever its media-type script builds, so Tocsin defines the
// body: the media type's parameters, named after the macros they carry, posted as JSON. Problem, recovery
// and update operations all send it. {EVENT.ID} is the dedup key: recovery and update operations resolve
// it to the original problem's id, so they find the incident the problem opened.
//
// In Zabbix, Alerts → Media types → Create media type, type Webhook, with these parameters (named as in
// Zabbix's own PagerDuty and Opsgenie media types):
//
//   tocsin_url           https://<tocsin>/integration/zabbix/v1/<key>   (the script keeps it out of the body)
//   event_id             {EVENT.ID}
//   event_value          {EVENT.VALUE}              1 problem, 0 recovery
//   event_recovery_id    {EVENT.RECOVERY.ID}        optional: only recovery operations resolve it
//   event_update_status  {EVENT.UPDATE.STATUS}      1 in update operations
//   event_update_action  {EVENT.UPDATE.ACTION}      acknowledged, unacknowledged, commented, closed…
//   event_source         {EVENT.SOURCE}             optional: discovery (1) and autoregistration (2) never recover
//   event_name           {EVENT.NAME}               (or trigger_name: {TRIGGER.NAME})
//   event_severity       {EVENT.SEVERITY}           (or trigger_severity: {TRIGGER.SEVERITY})
//   event_nseverity      {EVENT.NSEVERITY}          optional: 0–5, right even when severities are renamed
//   event_date           {EVENT.DATE}
//   event_time           {EVENT.TIME}               read as UTC; a server in another zone appends its offset,
//                                                   as `{EVENT.TIME}+09:00`
//   event_recovery_date  {EVENT.RECOVERY.DATE}      optional, with event_recovery_time {EVENT.RECOVERY.TIME}
//   event_tags           {EVENT.TAGSJSON}           (or {EVENT.TAGS})
//   host_name            {HOST.NAME}
//   host_ip              {HOST.IP}
//   item_name            {ITEM.NAME}
//   item_value           {ITEM.VALUE}
//   trigger_id           {TRIGGER.ID}
//   zabbix_url           {$ZABBIX.URL}              the frontend, for the link to the problem
//
// and this script:
//
//   var params = JSON.parse(value), request = new HttpRequest(), url = params.tocsin_url;
//   delete params.tocsin_url;
//   request.addHeader('Content-Type: application/json');
//   request.post(url, JSON.stringify(params));
//   if (request.getStatus() < 200 || request.getStatus() >= 300) throw 'Tocsin answered ' + request.getStatus();
//   return 'OK';
//
// Then give a user that media type and send to it from an action's operations, recovery operations and
// update operations.
import { z } from 'zod';
import { validate } from '../../http';
import type { EventAction, Urgency } from '../../vocabulary';
import type { Adapter } from '../adapter';
import type { AlertEvent } from '../event';
import { at, defined, eventIdOf, instantOf, jsonBody, summaryOf, text, urgencyBy, webLink } from '../normalize';

/** Zabbix sends every parameter as a string; a body built by hand may send numbers. */
const field = z.union([z.string(), z.number()]).nullish();

export const zabbixWebhookSchema = z.looseObject({
  event_id: z.union([z.string().trim().min(1), z.number()]),
  event_value: z.union([z.literal('1'), z.literal('0'), z.literal(1), z.literal(0)]).optional(),
  event_recovery_id: field,
  event_update_status: field,
  event_update_action: field,
  event_source: field,
  event_name: field,
  trigger_name: field,
  event_severity: field,
  trigger_severity: field,
  event_nseverity: field,
  event_date: field,
  event_time: field,
  event_recovery_date: field,
  event_recovery_time: field,
  event_tags: z.unknown(),
  host_name: field,
  host_ip: field,
  item_name: field,
  item_value: field,
  trigger_id: field,
  zabbix_url: field,
});
type ZabbixNotification = z.infer<typeof zabbixWebhookSchema>;

/** As Zabbix's own Opsgenie media type ranks them (Disaster P1 … Information P5), by name or by number. */
export const zabbixSeverityUrgency: Record<string, Urgency> = {
  disaster: 'highest',
  '5': 'highest',
  high: 'high',
  '4': 'high',
  average: 'medium',
  '3': 'medium',
  warning: 'low',
  '2': 'low',
  information: 'lowest',
  '1': 'lowest',
  'not classified': 'lowest',
  '0': 'lowest',
};

/**
 * A parameter's value, or undefined when Zabbix could not resolve its macro: it then sends the macro
 * itself (`{EVENT.RECOVERY.ID}` in a problem operation) or `*UNKNOWN*`.
 */
function resolved(value: unknown): string | undefined {
  const given = text(value)?.trim();
  if (given === undefined || given === '*UNKNOWN*' || /^\{\$?[A-Z][A-Z0-9_.]*(:[^{}]*)?\}$/.test(given)) {
    return undefined;
  }
  return given;
}

/**
 * What a notification says of its problem. An update acknowledges or closes it, or says nothing Tocsin
 * acts on (a comment, a change of severity, an unacknowledgement): no event, rather than an open that
 * would reopen a problem resolved meanwhile.
 */
function actionOf(body: ZabbixNotification): EventAction | undefined {
  if (resolved(body.event_update_status) === '1') {
    const done = (resolved(body.event_update_action) ?? '').toLowerCase().split(',');
    const did = (word: string) => done.some((action) => action.trim() === word);
    return did('closed') ? 'close' : did('acknowledged') ? 'ack' : undefined;
  }
  const source = resolved(body.event_source);
  if (source === '1' || source === '2') return 'open';
  const recovered = String(body.event_value) === '0' || resolved(body.event_recovery_id) !== undefined;
  return recovered ? 'close' : 'open';
}

/** {EVENT.DATE} {EVENT.TIME} as `2026.11.24` and `17:21:15`. */
function zabbixInstant(date: string | undefined, time: string | undefined, now: Date): string {
  if (date === undefined) return now.toISOString();
  const day = /^\d{4}\.\d\d\.\d\d$/.test(date) ? date.replaceAll('.', '-') : date;
  return instantOf(time === undefined ? day : `${day}T${time}`, now);
}

/** {EVENT.TAGSJSON} is a JSON list of `{tag, value}`; {EVENT.TAGS} is `tag:value, tag`. Either, as tag → value. */
function zabbixTags(given: unknown): Record<string, string> {
  let list: unknown = given;
  if (typeof given === 'string') {
    const written = resolved(given) ?? '';
    if (written.startsWith('[')) {
      try {
        list = JSON.parse(written);
      } catch {
        return {};
      }
    } else {
      list = written
        .split(',')
        .filter((pair) => pair.trim() !== '')
        .map((pair) => {
          const [tag = '', ...value] = pair.split(':');
          return { tag: tag.trim(), value: value.join(':').trim() };
        });
    }
  }
  if (!Array.isArray(list)) return {};
  // A Map, so that a tag named like an Object property (`__proto__`) stays a tag.
  const tags = new Map<string, string>();
  for (const entry of list) {
    const tag = text(at(entry, 'tag'))?.trim();
    if (tag === undefined) continue;
    const value = text(at(entry, 'value')) ?? '';
    const before = tags.get(tag);
    tags.set(tag, before === undefined ? value : `${before}, ${value}`);
  }
  return Object.fromEntries(tags);
}

/** By hand: `/\/+$/` backtracks over a long run of slashes. */
function withoutTrailingSlashes(url: string): string {
  let end = url.length;
  while (end > 0 && url[end - 1] === '/') end -= 1;
  return url.slice(0, end);
}

export const zabbix: Adapter = {
  title: 'Zabbix',
  events(request, { now }) {
    const body = validate(zabbixWebhookSchema, jsonBody(request, 'Zabbix'), 'Zabbix notification');
    const action = actionOf(body);
    if (action === undefined) return [];

    const eventId = eventIdOf(String(body.event_id));
    const name = resolved(body.event_name) ?? resolved(body.trigger_name);
    const host = resolved(body.host_name);
    const item = resolved(body.item_name);
    const severity = resolved(body.event_severity) ?? resolved(body.trigger_severity);
    const triggerId = resolved(body.trigger_id);
    const site = webLink(resolved(body.zabbix_url));
    const frontend = site === undefined ? undefined : withoutTrailingSlashes(site);
    const link =
      frontend !== undefined && triggerId !== undefined
        ? `${frontend}/tr_events.php?triggerid=${encodeURIComponent(triggerId)}&eventid=${encodeURIComponent(eventId)}`
        : frontend;
    const recoveryDate = resolved(body.event_recovery_date);
    const event: AlertEvent = {
      eventId,
      action,
      summary: summaryOf(
        name !== undefined && host !== undefined && !name.includes(host) ? `${name} on ${host}` : name,
        item,
        `Zabbix event ${eventId}`,
      ),
      urgency: urgencyBy(
        zabbixSeverityUrgency,
        severity,
        urgencyBy(zabbixSeverityUrgency, body.event_nseverity, 'high'),
      ),
      eventTime:
        action === 'open'
          ? zabbixInstant(resolved(body.event_date), resolved(body.event_time), now)
          : action === 'close' && recoveryDate !== undefined
            ? zabbixInstant(recoveryDate, resolved(body.event_recovery_time), now)
            : now.toISOString(),
      payload: body,
      ...(host === undefined ? {} : { resource: host }),
      ...(item === undefined ? {} : { metric: item }),
      source: 'zabbix',
      ...(link === undefined ? {} : { link }),
      details: defined({
        tags: zabbixTags(body.event_tags),
        severity,
        host_ip: resolved(body.host_ip),
        item_value: resolved(body.item_value),
        trigger_id: triggerId,
        update_action: resolved(body.event_update_action),
      }),
    };
    return [event];
  },
};
