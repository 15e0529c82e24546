// The normalized alert event: what every integration adapter turns its request into.
import { z } from 'zod';
import { eventActionSchema, urgencySchema } from '../vocabulary';

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
