// The normalized alert event: what every integration adapter turns its request into.
import { z } from 'zod';

export const urgencySchema = z.enum(['highest', 'high', 'medium', 'low', 'lowest', 'none']);
export type Urgency = z.infer<typeof urgencySchema>;

/** open: something is wrong; ack: someone is on it; close: it is over. */
export const eventActionSchema = z.enum(['open', 'ack', 'close']);
export type EventAction = z.infer<typeof eventActionSchema>;

export const alertEventSchema = z.object({
  /** The dedup key within the integration. */
  eventId: z.string(),
  action: eventActionSchema,
  summary: z.string(),
  urgency: urgencySchema,
  /** ISO 8601 in UTC. */
  eventTime: z.string(),
  /** The event's own fields, kept in the alert log as received. */
  payload: z.record(z.string(), z.unknown()),
});
export type AlertEvent = z.infer<typeof alertEventSchema>;
