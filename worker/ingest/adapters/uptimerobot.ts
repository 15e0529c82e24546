// UptimeRobot's webhook alert contacts: the monitor's variables come in the query string, a JSON body or
// a form body (the body wins where both are given). A monitor going down opens an incident keyed by the
// monitor, coming back up closes it; an SSL expiry reminder opens one of its own, which "up" leaves alone.
import { z } from 'zod';
import { isJsonContentType, validate } from '../../http';
import type { Urgency } from '../../vocabulary';
import type { Adapter, InboundRequest } from '../adapter';
import { eventIdOf, instantOf, jsonBody, record, stableKey, summaryOf, text, urgencyBy } from '../normalize';

// A JSON body may carry numbers where the query string carries text.
const variable = z.union([z.string(), z.number()]).optional();

/** The variables, by the names UptimeRobot's docs suggest for them (`monitorID=*monitorID*`…). */
const variablesShape = {
  monitorID: variable,
  monitorURL: variable,
  monitorFriendlyName: variable,
  /** 1 down, 2 up, 3 SSL expiry. */
  alertType: variable,
  alertTypeFriendlyName: variable,
  alertDetails: variable,
  /** Seconds the monitor was down, on "up". */
  alertDuration: variable,
  /** Epoch seconds. */
  alertDateTime: variable,
  sslExpiryDate: variable,
  sslExpiryDaysLeft: variable,
};
const variables = Object.keys(variablesShape) as (keyof typeof variablesShape)[];

const notificationSchema = z.looseObject(variablesShape).superRefine((n, ctx) => {
  if (n.alertType === undefined && n.alertTypeFriendlyName === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['alertType'],
      message: 'alertType is required (1 down, 2 up, 3 SSL expiry)',
    });
  }
  if (n.monitorID === undefined && n.monitorURL === undefined && n.monitorFriendlyName === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['monitorID'],
      message: 'monitorID, monitorURL or monitorFriendlyName is required',
    });
  }
});
type Notification = z.infer<typeof notificationSchema>;

type Kind = 'down' | 'up' | 'ssl';

/** `alertType` and `alertTypeFriendlyName` as UptimeRobot writes them. */
const kinds = new Map<string, Kind>([
  ['1', 'down'],
  ['2', 'up'],
  ['3', 'ssl'],
  ['down', 'down'],
  ['up', 'up'],
  ['ssl expiry', 'ssl'],
  ['ssl expiration', 'ssl'],
]);

/** An SSL certificate about to expire is a warning, not an outage. */
const kindUrgency: Record<Kind, Urgency> = { down: 'high', up: 'high', ssl: 'medium' };

/** Nothing said: blank, or UptimeRobot's placeholder left as it was (`*sslExpiryDate*` on a down alert). */
const unsaid = (value: string) => {
  const found = value.trim();
  return found === '' || (found.length > 2 && found.startsWith('*') && found.endsWith('*'));
};

/** The body's variables: a JSON object, or form fields. */
function bodyVariables(request: InboundRequest): Record<string, unknown> {
  if (request.text.trim() === '') return {};
  if (request.json !== undefined || isJsonContentType(request.headers.get('content-type') ?? undefined)) {
    return validate(record, jsonBody(request, 'UptimeRobot'), 'UptimeRobot notification');
  }
  return Object.fromEntries(new URLSearchParams(request.text));
}

/** The variables that say something: without the blanks and the placeholders nothing replaced. */
function said(received: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(received).filter(([, v]) => typeof v !== 'string' || !unsaid(v)));
}

function summaryFor(kind: Kind, n: Notification, monitor: string) {
  const details = text(n.alertDetails);
  if (kind === 'ssl') {
    const expiry = text(n.sslExpiryDate);
    const left = text(n.sslExpiryDaysLeft);
    return summaryOf(
      expiry && `SSL certificate of ${monitor} expires ${expiry}${left ? ` (${left} days left)` : ''}`,
      details && `${monitor}: ${details}`,
      `SSL certificate of ${monitor} expires soon`,
    );
  }
  const state = (text(n.alertTypeFriendlyName) ?? kind).toLowerCase();
  return summaryOf(`${monitor} is ${state}${details ? ` (${details})` : ''}`);
}

export const uptimerobot: Adapter = {
  title: 'UptimeRobot',
  events(request, { now }) {
    const payload = { ...Object.fromEntries(request.query), ...bodyVariables(request) };
    const n = validate(notificationSchema, said(payload), 'UptimeRobot notification');
    const word = (value: string | number | undefined) => text(value)?.trim().toLowerCase() ?? '';
    // A type UptimeRobot adds later is still news of something wrong with the monitor.
    const kind = kinds.get(word(n.alertType)) ?? kinds.get(word(n.alertTypeFriendlyName)) ?? 'down';
    const id = text(n.monitorID);
    const url = text(n.monitorURL);
    const name = text(n.monitorFriendlyName);
    const monitor = id ?? stableKey(url, name);
    const details = Object.fromEntries(variables.flatMap((v) => (n[v] === undefined ? [] : [[v, n[v]]])));
    return [
      {
        eventId: eventIdOf(kind === 'ssl' ? `${monitor}/ssl-expiry` : monitor),
        action: kind === 'up' ? 'close' : 'open',
        summary: summaryFor(kind, n, name ?? url ?? `monitor ${monitor}`),
        urgency: urgencyBy(kindUrgency, kind, 'high'),
        eventTime: instantOf(n.alertDateTime, now),
        payload,
        ...(url === undefined ? {} : { resource: url }),
        eventType: kind === 'ssl' ? 'ssl-expiry' : kind,
        source: 'uptimerobot',
        details,
      },
    ];
  },
};
