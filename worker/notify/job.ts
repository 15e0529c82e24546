// Notification jobs, as they travel the queue: a page of an incident, or a handoff notice. `id` is
// the job's idempotency key: a redelivered job is recorded once.
import { z } from 'zod';
import { urgencySchema } from '../vocabulary';
import { contactMethodSchema } from '../users/contact';

const common = {
  id: z.string(),
  user: z.string(),
  contactMethod: contactMethodSchema,
  attempt: z.number().int().positive(),
  dueAt: z.string(),
};

export const pageJobSchema = z.object({
  kind: z.literal('page'),
  ...common,
  incidentId: z.string(),
  incidentNumber: z.number().int(),
  /** Where the incident's object is: the consumer asks it for the incident's state before sending. */
  integrationId: z.string(),
  eventId: z.string(),
  summary: z.string(),
  urgency: urgencySchema,
  stopWhen: z.enum(['acknowledged', 'resolved']),
});

export const handoffJobSchema = z.object({
  kind: z.literal('handoff'),
  ...common,
  schedule: z.object({ id: z.string(), name: z.string() }),
  layer: z.string().nullable(),
  shiftStart: z.string(),
  shiftEnd: z.string(),
  minutesBefore: z.number(),
});

export const notificationJobSchema = z.discriminatedUnion('kind', [pageJobSchema, handoffJobSchema]);
export type PageJob = z.infer<typeof pageJobSchema>;
export type HandoffJob = z.infer<typeof handoffJobSchema>;
export type NotificationJob = z.infer<typeof notificationJobSchema>;
