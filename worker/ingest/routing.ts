// The first stages an event passes before its incident: routing rules per integration (first match
// wins, else the integration's service), then the suppression rules of the service it reached. Pure:
// each a function of the event and the configuration, answering where it goes and whether it pages.
import { z } from 'zod';
import { handleSchema, urgencySchema } from '../vocabulary';
import { conditionSchema, fieldSchema, fieldValue, matches } from './conditions';
import { stableKey } from './normalize';
import type { AlertEvent } from './event';

export const MAX_RULES = 50;

export const routingRuleSchema = z.union([
  z.object({ when: conditionSchema, service: handleSchema }).strict(),
  z.object({ when: conditionSchema, no_one: z.literal(true) }).strict(),
]);
export type RoutingRule = z.infer<typeof routingRuleSchema>;

export const suppressionRuleSchema = z
  .object({
    when: conditionSchema,
    /** drop: not recorded at all; quiet: recorded, nobody paged; or the urgency to give it. */
    action: z.union([z.enum(['drop', 'quiet']), z.object({ urgency: urgencySchema }).strict()]),
    name: z.string().max(200).optional(),
  })
  .strict();
export type SuppressionRule = z.infer<typeof suppressionRuleSchema>;

/** Where an event goes: a service (by handle), and why nobody is paged when nobody is. */
export interface Routed {
  service: string;
  event: AlertEvent;
}

/** Routes an event by the integration's rules; `service` is the integration's own. */
export function route(event: AlertEvent, rules: readonly RoutingRule[], service: string): Routed {
  const rule = rules.find((r) => matches(r.when, event));
  if (!rule) return { service, event };
  if ('no_one' in rule) return { service, event: { ...event, quiet: 'a routing rule sends it to no one' } };
  return { service: rule.service, event };
}

/** Applies the service's suppression rules (first match wins): null when the event is dropped. */
export function suppress(event: AlertEvent, rules: readonly SuppressionRule[]): AlertEvent | null {
  const rule = rules.find((r) => matches(r.when, event));
  if (!rule) return event;
  if (rule.action === 'drop') return null;
  const why = `suppressed by ${rule.name ? `rule ${rule.name}` : 'a suppression rule'}`;
  if (rule.action === 'quiet') return { ...event, quiet: why };
  return { ...event, urgency: rule.action.urgency };
}

/** Merge an integration's alerts that share these fields' values into one incident while it is open. */
export const groupingSchema = z
  .object({
    /** Alerts with equal values of these fields share an incident (none: every alert of the integration). */
    by: z.array(fieldSchema).max(5).default([]),
    /** An alert joins its group's incident only within this long after it opened; later, the next opens. */
    window_minutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .optional(),
  })
  .strict()
  .refine((g) => g.by.length > 0 || g.window_minutes !== undefined, 'group by fields, by a time window, or both');
export type Grouping = z.infer<typeof groupingSchema>;

/** The event as a member of its group: the group's key as its dedup key, its own kept beside it. */
export function group(event: AlertEvent, grouping: Grouping | undefined): AlertEvent {
  if (!grouping) return event;
  const values = grouping.by.map((field) => {
    const value = fieldValue(event, field);
    return value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  });
  return {
    ...event,
    eventId: `group:${stableKey(...values)}`,
    groupMember: event.eventId,
    ...(grouping.window_minutes === undefined ? {} : { groupWindowMinutes: grouping.window_minutes }),
  };
}
