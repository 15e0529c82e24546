// A notification job: one page of one user through one contact method, as the incident object sends
// it to the queue. `id` is its idempotency key: a redelivered job is recorded once.
import { z } from 'zod';
import { urgencySchema } from '../ingest/event';
import { contactMethodSchema } from '../users/contact';

export const notificationJobSchema = z.object({
  id: z.string(),
  incidentId: z.string(),
  incidentNumber: z.number().int(),
  /** Where the incident's object is: the consumer asks it for the incident's state before sending. */
  integrationId: z.string(),
  eventId: z.string(),
  summary: z.string(),
  urgency: urgencySchema,
  user: z.string(),
  contactMethod: contactMethodSchema,
  attempt: z.number().int().positive(),
  stopWhen: z.enum(['acknowledged', 'resolved']),
  dueAt: z.string(),
});
export type NotificationJob = z.infer<typeof notificationJobSchema>;
