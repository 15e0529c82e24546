// WhaTap's webhook notifications (Alert > Notification Setting > 3rd Party Plugin > Webhook JSON): one
// event per request, keyed by the project, the agent and the rule's title, so that the same rule on the
// same agent repeats into one incident and its recovery closes it.
//
// WhaTap's public docs say little of this body. The fields read are those of the sample body WhaTap
// gives for its Webhook JSON (as receivers built on it quote it): pcode, projectName, time (epoch ms),
// oid, oname, title, message, level (Critical/Warning/Info), status (on/off), metricName, metricValue,
// metricThreshold; and names other senders use: projectCode for pcode, eventType, and uuid and eventId,
// kept as details rather than as the key, since nothing says a recovery repeats them. Nothing else is
// read; the whole body is kept as the payload.
import { z } from 'zod';
import { validate } from '../../http';
import type { EventAction, Urgency } from '../../vocabulary';
import type { Adapter } from '../adapter';
import { instantOf, jsonBody, stableKey, summaryOf, text, urgencyBy } from '../normalize';

// Codes, ids and metric values come as numbers or as text.
const scalar = z.union([z.string(), z.number()]).nullish();

const notificationSchema = z.looseObject({
  pcode: scalar,
  projectCode: scalar,
  projectName: z.string().nullish(),
  time: scalar,
  oid: scalar,
  oname: z.string().nullish(),
  title: z.string().nullish(),
  message: z.string().nullish(),
  level: z.string().nullish(),
  status: scalar,
  metricName: z.string().nullish(),
  metricValue: scalar,
  metricThreshold: scalar,
  uuid: scalar,
  eventId: scalar,
  eventType: z.string().nullish(),
});

/** `status`: "on" while the event holds, "off" when it has recovered. */
const statusActions = new Map<string, EventAction>([
  ['on', 'open'],
  ['off', 'close'],
  ['recovered', 'close'],
  ['resolved', 'close'],
  ['ok', 'close'],
]);

/** WhaTap's levels, in English and as its Korean console names them; without Object's prototype. */
const levelUrgency: Record<string, Urgency> = {
  critical: 'high',
  fatal: 'high',
  위험: 'high',
  심각: 'high',
  warning: 'medium',
  경고: 'medium',
  주의: 'medium',
  info: 'low',
  정보: 'low',
};

export const whatap: Adapter = {
  title: 'WhaTap',
  events(request, { now }) {
    const n = validate(notificationSchema, jsonBody(request, 'WhaTap'), 'WhaTap notification');
    const project = text(n.pcode) ?? text(n.projectCode);
    const agent = text(n.oname);
    const title = text(n.title);
    const metric = text(n.metricName);
    const type = text(n.eventType);
    const details = Object.fromEntries(
      Object.entries({
        pcode: project,
        projectName: n.projectName,
        oid: n.oid,
        oname: n.oname,
        level: n.level,
        status: n.status,
        metricName: n.metricName,
        metricValue: n.metricValue,
        metricThreshold: n.metricThreshold,
        message: n.message,
        uuid: n.uuid,
        eventId: n.eventId,
        eventType: n.eventType,
      }).filter(([, v]) => v != null),
    );
    const summary = summaryOf(title && agent ? `${title} on ${agent}` : title, n.message, metric);
    return [
      {
        // The rule's title names it; a body without one falls back on its metric, then its summary.
        eventId: stableKey(project, text(n.oid) ?? agent, title ?? metric ?? summary),
        action: statusActions.get(text(n.status)?.trim().toLowerCase() ?? 'on') ?? 'open',
        summary,
        urgency: urgencyBy(levelUrgency, n.level, 'high'),
        eventTime: instantOf(n.time, now),
        payload: n,
        ...(agent === undefined ? {} : { resource: agent }),
        ...(metric === undefined ? {} : { metric }),
        ...(type === undefined ? {} : { eventType: type }),
        source: 'whatap',
        details,
      },
    ];
  },
};
