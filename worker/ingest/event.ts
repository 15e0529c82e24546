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
  /** What routing rules and suppression read beside the summary and urgency, when the tool says. */
  resource: z.string().optional(),
  metric: z.string().optional(),
  eventType: z.string().optional(),
  /** Where the alert came from: a host, a check, a tool's name. */
  source: z.string().optional(),
  /** The alert in its own tool (a graph, a dashboard, an issue). */
  link: z.string().optional(),
  /** The tool's details (labels, tags, custom details), which routing reads by path. */
  details: z.record(z.string(), z.unknown()).optional(),
  /** Set by the stages before the incident (routing to no one, a suppression rule): recorded, nobody paged. */
  quiet: z.string().optional(),
  /** A policy to page by instead of the service's routing (support hours may say so). */
  escalationPolicy: z.string().optional(),
  /** Grouped (its integration's `grouping`): the alert's own dedup key, while `eventId` is its group's. */
  groupMember: z.string().optional(),
  /** Grouped by time window: how long after its group's incident opened an alert may still join it. */
  groupWindowMinutes: z.number().optional(),
});
export type AlertEvent = z.infer<typeof alertEventSchema>;
