// Any JSON body, read through the integration's `mapping`: for each field of the event a path into the
// body (a small subset of JSONPath, evaluated here by hand), with an optional table of the tool's words
// and a default. A summary path through `[*]` makes one event per element of that array, and each other
// path under the same array is read in the same element.
import { z } from 'zod';
import { fieldName, HttpError, validate } from '../../http';
import { eventActionSchema, urgencySchema, type EventAction, type Urgency } from '../../vocabulary';
import type { Adapter } from '../adapter';
import type { AlertEvent } from '../event';
import { bounded, eventIdOf, instantOf, jsonBody, MAX_SUMMARY, summaryOf, text, urgencyBy } from '../normalize';

/** One step of a path: a field by name, an array item by position, or every item (`[*]`). */
type Step = { key: string } | { index: number } | 'each';

const MAX_PATH = 256;
const MAX_STEPS = 32;
/** The most values one step of a path carries on, and the most events one body makes. */
const MAX_MATCHES = 1000;
const MAX_LINK = 2048;

/** `$` then `.name`, `['name']`, `[0]` or `[*]`, read by hand; null when the text is no such path. */
export function parsePath(path: string): Step[] | null {
  if (path.length > MAX_PATH || !path.startsWith('$')) return null;
  const steps: Step[] = [];
  let i = 1;
  while (i < path.length) {
    if (steps.length === MAX_STEPS) return null;
    if (path[i] === '.') {
      let end = i + 1;
      while (end < path.length && path[end] !== '.' && path[end] !== '[') end += 1;
      const key = path.slice(i + 1, end);
      // A name with quotes, spaces or a `*` is written `['a name']`, so that `.*` is not taken for a wildcard.
      if (key === '' || [...`*]'" `].some((c) => key.includes(c))) return null;
      steps.push({ key });
      i = end;
    } else if (path.startsWith('[*]', i)) {
      steps.push('each');
      i += 3;
    } else if (path.startsWith("['", i) || path.startsWith('["', i)) {
      const quote = path[i + 1]!;
      const end = path.indexOf(quote, i + 2);
      if (end === -1 || path[end + 1] !== ']') return null;
      steps.push({ key: path.slice(i + 2, end) });
      i = end + 2;
    } else if (path[i] === '[') {
      const end = path.indexOf(']', i);
      const digits = end === -1 ? '' : path.slice(i + 1, end);
      if (digits === '' || digits.length > 6 || [...digits].some((c) => c < '0' || c > '9')) return null;
      steps.push({ index: Number(digits) });
      i = end + 1;
    } else return null;
  }
  return steps;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The values a path finds: at most MAX_MATCHES per step over at most MAX_STEPS steps. Own fields only, so
 * that `$.constructor` finds nothing, and an array's `length` is not a field.
 */
function select(root: unknown, steps: readonly Step[]): unknown[] {
  let found: unknown[] = [root];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const node of found) {
      if (step === 'each') {
        const items = Array.isArray(node) ? node : isRecord(node) ? Object.values(node) : [];
        next.push(...items.slice(0, MAX_MATCHES - next.length));
      } else if ('index' in step) {
        if (Array.isArray(node) && step.index < node.length) next.push(node[step.index]);
      } else if (isRecord(node) && Object.hasOwn(node, step.key)) next.push(node[step.key]);
      if (next.length >= MAX_MATCHES) break;
    }
    found = next;
  }
  return found;
}

const pathSchema = z
  .string()
  .refine((path) => parsePath(path) !== null, { message: "a path: $ then .name, ['name'], [0] or [*]" });

/** A field: its path, or its path with a table of the tool's words (matched in any case) and a default. */
function fieldSchema<W extends z.ZodType<string>>(word: W) {
  return z.union([
    pathSchema,
    z.strictObject({ path: pathSchema, map: z.record(z.string(), word).optional(), default: word.optional() }),
  ]);
}
const textField = fieldSchema(z.string().max(MAX_SUMMARY)).optional();

export const genericMappingSchema = z
  .strictObject({
    summary: fieldSchema(z.string().max(MAX_SUMMARY)),
    event_id: textField,
    /** The tool's words for open, ack and close; open when it says nothing. */
    status: fieldSchema(eventActionSchema).optional(),
    /** The tool's words for an urgency; none when it says nothing. */
    urgency: fieldSchema(urgencySchema).optional(),
    resource: textField,
    metric: textField,
    event_type: textField,
    source: textField,
    link: textField,
    event_time: textField,
    details: textField,
  })
  .superRefine((mapping, ctx) => {
    const path = typeof mapping.summary === 'string' ? mapping.summary : mapping.summary.path;
    if ((parsePath(path) ?? []).filter((step) => step === 'each').length > 1) {
      ctx.addIssue({ code: 'custom', path: ['summary'], message: 'the summary path goes through one [*] at most' });
    }
  });
export type GenericMapping = z.infer<typeof genericMappingSchema>;

/** A field ready to read: the paths to try in turn, the table of words by their lower case, the default. */
interface Field<W extends string = string> {
  paths: Step[][];
  words?: Map<string, W>;
  fallback?: W;
}

function compiled<W extends string>(
  spec: string | { path: string; map?: Record<string, W>; default?: W } | undefined,
): Field<W> | undefined {
  if (spec === undefined) return undefined;
  if (typeof spec === 'string') return { paths: [parsePath(spec)!] };
  return {
    paths: [parsePath(spec.path)!],
    ...(spec.map && { words: new Map(Object.entries(spec.map).map(([said, w]) => [said.trim().toLowerCase(), w])) }),
    ...(spec.default !== undefined && { fallback: spec.default }),
  };
}

interface Fields {
  summary: Field;
  event_id?: Field;
  status?: Field<EventAction>;
  urgency?: Field<Urgency>;
  resource?: Field;
  metric?: Field;
  event_type?: Field;
  source?: Field;
  link?: Field;
  event_time?: Field;
  details?: Field;
}

const fieldsOf = (mapping: GenericMapping): Fields => ({
  summary: compiled(mapping.summary)!,
  event_id: compiled(mapping.event_id),
  status: compiled(mapping.status),
  urgency: compiled(mapping.urgency),
  resource: compiled(mapping.resource),
  metric: compiled(mapping.metric),
  event_type: compiled(mapping.event_type),
  source: compiled(mapping.source),
  link: compiled(mapping.link),
  event_time: compiled(mapping.event_time),
  details: compiled(mapping.details),
});

const paths = (...candidates: string[]) => ({ paths: candidates.map((p) => parsePath(p)!) });

/**
 * Without a mapping, the names tools commonly use. A tool's `id` often names the delivery rather than
 * the alert, so the more particular names come first.
 */
const defaultFields: Fields = {
  summary: paths('$.summary', '$.title', '$.message', '$.name'),
  event_id: paths('$.event_id', '$.alert_id', '$.id'),
  status: paths('$.status', '$.state'),
  urgency: paths('$.severity', '$.priority', '$.level'),
};

/** Status words tools use, beside open, ack and close themselves. */
const statusWords = new Map<string, EventAction>(
  Object.entries({
    open: ['open', 'opened', 'firing', 'alerting', 'alert', 'triggered', 'trigger', 'problem', 'active', 'down'],
    ack: ['ack', 'acked', 'acknowledge', 'acknowledged'],
    close: ['close', 'closed', 'resolve', 'resolved', 'ok', 'recovered', 'recovery', 'up', 'normal', 'cleared'],
  }).flatMap(([action, words]) => words.map((w) => [w, action as EventAction])),
);

/** Severity words tools use, beside the urgencies themselves; without Object's prototype. */
const severityUrgency: Record<string, Urgency> = Object.assign(
  Object.create(null),
  Object.fromEntries(
    Object.entries({
      highest: ['highest', 'emergency', 'fatal', 'disaster', 'p1'],
      high: ['high', 'critical', 'crit', 'error', 'major', 'page', 'p2'],
      medium: ['medium', 'warning', 'warn', 'average', 'minor', 'p3'],
      low: ['low', 'info', 'information', 'informational', 'notice', 'p4'],
      lowest: ['lowest', 'debug', 'p5'],
      none: ['none'],
    }).flatMap(([urgency, words]) => words.map((w) => [w, urgency])),
  ),
);

/** A value as a word: text, a number or a boolean; anything else says nothing. */
const wordOf = (value: unknown) => (typeof value === 'object' ? undefined : text(value));

/** The event of one alert, read through `read` (which knows whether a path is the alert's or the body's). */
function alertEvent(fields: Fields, read: (path: Step[]) => unknown, payload: unknown, now: Date): AlertEvent {
  const valueOf = (field: Field | undefined) => {
    for (const path of field?.paths ?? []) {
      const value = read(path);
      if (value != null && value !== '') return value;
    }
    return undefined;
  };
  // The tool's word, through the integration's table when it has one, else the field's default.
  const said = (field: Field | undefined) => {
    const word = wordOf(valueOf(field));
    return (word === undefined ? undefined : (field?.words?.get(word.trim().toLowerCase()) ?? word)) ?? field?.fallback;
  };
  const textOf = (field: Field | undefined) => bounded(said(field)) || undefined;
  const summary = summaryOf(said(fields.summary));
  const status = said(fields.status)?.trim().toLowerCase();
  const resource = textOf(fields.resource);
  const metric = textOf(fields.metric);
  const eventType = textOf(fields.event_type);
  const source = textOf(fields.source);
  const link = said(fields.link)?.trim();
  const details = valueOf(fields.details);
  return {
    eventId: eventIdOf(said(fields.event_id), summary),
    action: (status === undefined ? undefined : statusWords.get(status)) ?? fields.status?.fallback ?? 'open',
    summary,
    urgency: urgencyBy(severityUrgency, said(fields.urgency), fields.urgency?.fallback ?? 'none'),
    eventTime: instantOf(valueOf(fields.event_time) ?? fields.event_time?.fallback, now),
    payload: isRecord(payload) ? payload : { value: payload },
    ...(resource === undefined ? {} : { resource }),
    ...(metric === undefined ? {} : { metric }),
    ...(eventType === undefined ? {} : { eventType }),
    ...(source === undefined ? {} : { source }),
    ...(link && link.length <= MAX_LINK ? { link } : {}),
    ...(details === undefined ? {} : { details: isRecord(details) ? details : { value: details } }),
  };
}

const sameStep = (a: Step, b: Step) =>
  a === 'each' || b === 'each'
    ? a === b
    : 'index' in a
      ? 'index' in b && a.index === b.index
      : 'key' in b && a.key === b.key;

/** A path's value: nothing, the one value it finds, or the list of them. */
const oneOrMany = (found: unknown[]) => (found.length === 0 ? undefined : found.length === 1 ? found[0] : found);

function bodyEvents(body: unknown, fields: Fields, now: Date): AlertEvent[] {
  const summaryPath = fields.summary.paths[0]!;
  const each = summaryPath.indexOf('each');
  if (each === -1) return [alertEvent(fields, (path) => oneOrMany(select(body, path)), body, now)];

  const prefix = summaryPath.slice(0, each + 1);
  const [list] = select(body, prefix.slice(0, -1));
  const alerts = Array.isArray(list) ? list : isRecord(list) ? Object.values(list) : undefined;
  if (alerts === undefined || alerts.length > MAX_MATCHES) {
    // The steps before the summary's one `[*]` are names and positions: the field, as errors name fields.
    const field = fieldName(
      prefix.slice(0, -1).map((step) => (step === 'each' ? '*' : 'index' in step ? step.index : step.key)),
    );
    const message = alerts === undefined ? 'not a list of alerts' : `more than ${MAX_MATCHES} alerts`;
    throw new HttpError(400, 'invalid_request', `invalid generic webhook body: ${field}`, [{ field, message }]);
  }
  const under = (path: Step[]) => path.length >= prefix.length && prefix.every((step, i) => sameStep(step, path[i]!));
  // A path outside the alerts reads the same for each of them: once, so that the work stays the body's size.
  const outside = new Map<Step[], unknown>();
  const readBody = (path: Step[]) => {
    if (!outside.has(path)) outside.set(path, oneOrMany(select(body, path)));
    return outside.get(path);
  };
  return alerts.map((alert) =>
    alertEvent(
      fields,
      (path) => (under(path) ? oneOrMany(select(alert, path.slice(prefix.length))) : readBody(path)),
      alert,
      now,
    ),
  );
}

const settingsSchema = z.object({ mapping: genericMappingSchema.optional() });

export const genericWebhook: Adapter = {
  title: 'Generic webhook',
  events(request, { now, settings }) {
    const { mapping } = validate(settingsSchema, { mapping: settings.mapping }, 'generic webhook mapping');
    const body = jsonBody(request, 'A generic webhook');
    return bodyEvents(body, mapping ? fieldsOf(mapping) : defaultFields, now);
  },
};
