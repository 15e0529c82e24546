// Notification jobs, as they travel the queue: a page of an incident, a handoff notice, or an
// extension's call (an outgoing webhook) about an incident. A job
// carries everything its delivery needs, so that the consumer reads no configuration; `id` is its
// idempotency key: a redelivered job is delivered once. Every field is bounded, so that a job always
// fits a queue message (128 KB).
import { z } from 'zod';
import { contactMethodTypeSchema } from '../users/contact';
import { extensionEvents, extensionRequestSchema } from './extension';
import { incidentStatusSchema, localeSchema, urgencySchema } from '../vocabulary';

const text = (max: number) => z.string().max(max);

const common = {
  id: text(512),
  user: text(64),
  contactMethod: z.object({ id: text(64), type: contactMethodTypeSchema, address: text(8192).optional() }),
  attempt: z.number().int().positive(),
  dueAt: text(40),
  /** How the recipient reads: the language of the message and the time zone of its times (the
   *  defaults are for jobs queued before these fields existed). */
  locale: localeSchema.default('en'),
  timeZone: text(64).default('UTC'),
};

export const pageJobSchema = z.object({
  kind: z.literal('page'),
  ...common,
  /** Leads to the incident's object: the consumer asks it whether the page is still wanted. */
  incidentId: text(128),
  incidentNumber: z.number().int(),
  summary: text(1024),
  urgency: urgencySchema,
  /** The service's name, as the message shows it. */
  service: text(200).nullable().default(null),
  stopWhen: z.enum(['acknowledged', 'resolved']),
});

export const handoffJobSchema = z.object({
  kind: z.literal('handoff'),
  ...common,
  schedule: z.object({ id: text(64), name: text(200) }),
  layer: text(200).nullable(),
  shiftStart: text(40),
  shiftEnd: text(40),
  minutesBefore: z.number(),
});

/** A page already sent, to be rewritten in place (Slack, Telegram) now that its incident changed. */
export const updateJobSchema = pageJobSchema.extend({
  kind: z.literal('update'),
  status: incidentStatusSchema,
  providerMessageId: text(512),
});

/** An extension's call about one event of an incident, rendered by the consumer (which knows the public URL). */
export const extensionJobSchema = z.object({
  kind: z.literal('extension'),
  id: text(512),
  incidentId: text(128),
  incidentNumber: z.number().int(),
  serviceId: text(128),
  event: z.enum(extensionEvents),
  extension: extensionRequestSchema,
  /** Every variable but INCIDENT_URL, as of the event. */
  values: z.record(z.string(), text(2048)),
  attempt: z.number().int().positive(),
  dueAt: text(40),
});

export const notificationJobSchema = z.discriminatedUnion('kind', [
  pageJobSchema,
  handoffJobSchema,
  updateJobSchema,
  extensionJobSchema,
]);

export type PageJob = z.infer<typeof pageJobSchema>;
export type HandoffJob = z.infer<typeof handoffJobSchema>;
export type UpdateJob = z.infer<typeof updateJobSchema>;
export type ExtensionJob = z.infer<typeof extensionJobSchema>;
/** A job that is a message to a person's contact method. */
export type MessageJob = PageJob | HandoffJob | UpdateJob;
/** What an incident queues and keeps a delivery record of: its pages and its extensions' calls. */
export type IncidentJob = PageJob | ExtensionJob;
export type NotificationJob = z.infer<typeof notificationJobSchema>;

/** The most bytes a queue message may carry. */
export const MAX_MESSAGE_BYTES = 128 * 1024;
/** Why a job cannot travel the queue as it is, or null. */
export function unsendable(job: NotificationJob): string | null {
  const parsed = notificationJobSchema.safeParse(job);
  if (!parsed.success) return `the job is malformed: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`;
  const bytes = new TextEncoder().encode(JSON.stringify(job)).byteLength;
  return bytes > MAX_MESSAGE_BYTES - 1024 ? `the job is ${bytes} bytes, over a queue message's limit` : null;
}
