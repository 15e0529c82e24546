// Uptime Kuma's Webhook notification: `{heartbeat, monitor, msg}`, posted when a monitor goes down and
// when it comes back up (and again every "resend" interval while it stays down). The monitor is the dedup
// key, so its downs join one incident and its next up closes it. Settings → Notifications → Webhook,
// URL https://<tocsin>/integration/uptime-kuma/v1/<key>, body "application/json" (a GET, which sends the
// same three as query parameters, works too). A monitor tag named `severity` (critical, high, warning,
// low, info) sets its urgency; without one a down monitor pages high.
import { z } from 'zod';
import { parseJsonText, validate } from '../../http';
import type { Urgency } from '../../vocabulary';
import type { Adapter, InboundRequest } from '../adapter';
import type { AlertEvent } from '../event';
import { defined, eventIdOf, instantOf, jsonBody, summaryOf, text, urgencyBy } from '../normalize';

const DOWN = 0;
const UP = 1;

const maybe = z.string().nullish();
const id = z.union([z.number(), z.string().trim().min(1)]);

export const uptimeKumaNotificationSchema = z.looseObject({
  heartbeat: z
    .looseObject({
      // 0 down, 1 up, 2 pending, 3 maintenance.
      status: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3), z.enum(['0', '1', '2', '3'])]),
      time: maybe,
      msg: maybe,
      monitorID: id.nullish(),
      duration: z.union([z.number(), z.string()]).nullish(),
      ping: z.union([z.number(), z.string()]).nullish(),
    })
    .nullish(),
  monitor: z
    .looseObject({
      id: id.nullish(),
      name: maybe,
      pathName: maybe,
      url: maybe,
      hostname: maybe,
      type: maybe,
      tags: z.array(z.looseObject({ name: maybe, value: maybe })).nullish(),
    })
    .nullish(),
  msg: maybe,
});

/** The value of a monitor tag named `severity`. */
export const kumaSeverityUrgency: Record<string, Urgency> = {
  critical: 'highest',
  high: 'high',
  warning: 'medium',
  medium: 'medium',
  low: 'low',
  info: 'lowest',
};

/** A GET carries `msg`, and `heartbeat` and `monitor` as JSON text, in its query. */
function notificationOf(request: InboundRequest): unknown {
  if (request.method !== 'GET' || request.json !== undefined) return jsonBody(request, 'Uptime Kuma');
  const asJson = (name: string) => {
    const given = request.query.get(name);
    return given === null ? null : parseJsonText(given);
  };
  return { msg: request.query.get('msg'), heartbeat: asJson('heartbeat'), monitor: asJson('monitor') };
}

export const uptimeKuma: Adapter = {
  title: 'Uptime Kuma',
  events(request, { now }) {
    const body = validate(uptimeKumaNotificationSchema, notificationOf(request), 'Uptime Kuma notification');
    const { heartbeat, monitor } = body;
    if (heartbeat == null) {
      // The "Test" button, and the certificate and domain expiry warnings, send only a message: an
      // informational event keyed by that message, not nothing, so that an expiry warning is not lost.
      return [
        {
          eventId: eventIdOf(null, 'uptime-kuma message', body.msg),
          action: 'open',
          summary: summaryOf(body.msg, 'Uptime Kuma notification'),
          urgency: 'low',
          eventTime: now.toISOString(),
          payload: body,
          eventType: 'notice',
          source: 'uptime-kuma',
        },
      ];
    }
    const status = Number(heartbeat.status);
    // Pending (retrying) and maintenance are neither down nor up: Uptime Kuma does not notify them.
    if (status !== DOWN && status !== UP) return [];

    const monitorId = heartbeat.monitorID ?? monitor?.id;
    const name = text(monitor?.name) ?? text(monitor?.pathName);
    const given = text(monitor?.url)?.trim();
    // Uptime Kuma keeps `https://` as the URL of a monitor that has none.
    const url = given === 'https://' ? undefined : given;
    const where = text(monitor?.hostname) ?? url;
    const kind = text(monitor?.type);
    const tags = new Map(
      (monitor?.tags ?? []).flatMap((tag) => {
        const tagName = text(tag.name);
        return tagName === undefined ? [] : [[tagName, tag.value ?? ''] as const];
      }),
    );
    const label = name ?? where ?? (monitorId == null ? 'A monitor' : `Monitor ${monitorId}`);
    const reason = text(heartbeat.msg);
    const event: AlertEvent = {
      eventId:
        monitorId == null ? eventIdOf(null, 'uptime-kuma monitor', name, where) : eventIdOf(`monitor-${monitorId}`),
      action: status === DOWN ? 'open' : 'close',
      summary: summaryOf(`${label} is ${status === DOWN ? 'down' : 'up'}${reason === undefined ? '' : `: ${reason}`}`),
      urgency: urgencyBy(kumaSeverityUrgency, tags.get('severity'), 'high'),
      eventTime: instantOf(heartbeat.time, now),
      payload: body,
      ...(where === undefined ? {} : { resource: where }),
      ...(kind === undefined ? {} : { eventType: kind }),
      source: 'uptime-kuma',
      details: defined({
        tags: Object.fromEntries(tags),
        message: reason,
        ping: heartbeat.ping,
        duration: heartbeat.duration,
        url,
      }),
    };
    return [event];
  },
};
