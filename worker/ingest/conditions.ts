// Conditions on an alert event, as routing and suppression rules write them:
//   { all: [{ field: summary, op: contains, value: RDS }] }   or   { any: [...] }
// Fields: summary, resource, metric, urgency, event_type, source, action, and any path into the
// tool's details (`details.labels.team`, `custom_details.region`) or its raw payload (`payload.x`).
// Pure, and bounded: values are at most a few KB and a regex is compiled once per rule set.
import { z } from 'zod';
import type { AlertEvent } from './event';
import { at } from './normalize';

export const conditionOps = [
  'contains',
  'not_contains',
  'equals',
  'not_equals',
  'regex',
  'gt',
  'lt',
  'exists',
] as const;

export const fieldSchema = z
  .string()
  .regex(
    /^(summary|resource|metric|urgency|event_type|source|action|(details|custom_details|payload)(\.[^.\s]+)+)$/,
    'summary, resource, metric, urgency, event_type, source, action, or a path under details. or payload.',
  );

export const checkSchema = z
  .object({
    field: fieldSchema,
    op: z.enum(conditionOps),
    value: z.union([z.string().max(1024), z.number(), z.boolean()]).optional(),
    /** For contains, equals and regex: ignore case (default true: alerts are written by many hands). */
    ignore_case: z.boolean().default(true),
  })
  .strict()
  .superRefine((check, ctx) => {
    if (check.op !== 'exists' && check.value === undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `${check.op} needs a value` });
    }
    if (check.op === 'regex') {
      try {
        new RegExp(String(check.value));
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          path: ['value'],
          message: `not a regular expression: ${(error as Error).message}`,
        });
      }
    }
  });
export type Check = z.infer<typeof checkSchema>;

export const conditionSchema = z.union([
  z.object({ all: z.array(checkSchema).min(1).max(20) }).strict(),
  z.object({ any: z.array(checkSchema).min(1).max(20) }).strict(),
]);
export type Condition = z.infer<typeof conditionSchema>;

/** The value a field names in an event; undefined when the event has none. */
export function fieldValue(event: AlertEvent, field: string): unknown {
  switch (field) {
    case 'summary':
    case 'resource':
    case 'metric':
    case 'urgency':
    case 'source':
    case 'action':
      return event[field];
    case 'event_type':
      return event.eventType;
  }
  const [root, ...path] = field.split('.');
  const base = root === 'payload' ? event.payload : event.details;
  return at(base, path.join('.'));
}

const asText = (value: unknown) =>
  value === undefined || value === null ? undefined : typeof value === 'string' ? value : JSON.stringify(value);

export function holds(check: Check, event: AlertEvent): boolean {
  const actual = fieldValue(event, check.field);
  if (check.op === 'exists') return actual !== undefined && actual !== null && actual !== '';
  const text = asText(actual);
  const wanted = String(check.value);
  const fold = (s: string) => (check.ignore_case ? s.toLowerCase() : s);
  switch (check.op) {
    case 'contains':
      return text !== undefined && fold(text).includes(fold(wanted));
    case 'not_contains':
      return text === undefined || !fold(text).includes(fold(wanted));
    case 'equals':
      return text !== undefined && fold(text) === fold(wanted);
    case 'not_equals':
      return text === undefined || fold(text) !== fold(wanted);
    case 'regex':
      return text !== undefined && new RegExp(wanted, check.ignore_case ? 'i' : '').test(text);
    case 'gt':
    case 'lt': {
      const a = Number(text);
      const b = Number(check.value);
      if (text === undefined || Number.isNaN(a) || Number.isNaN(b)) return false;
      return check.op === 'gt' ? a > b : a < b;
    }
  }
}

export function matches(condition: Condition, event: AlertEvent): boolean {
  return 'all' in condition ? condition.all.every((c) => holds(c, event)) : condition.any.some((c) => holds(c, event));
}
