// The incident's timeline: the one typed log of everything that happened to it, each entry with its
// time, its actor and the fields of its type. Reports and the console read it; nothing else keeps a
// history of an incident.
import { z } from 'zod';
import { actorSchema, urgencySchema } from '../vocabulary';

const place = { step: z.number().int(), cycle: z.number().int(), run: z.number().int() };
/** A page: the job (its idempotency key), who and by which contact method. */
/** Who was reached through what: a responder label (user:kim, schedule:primary…) and its users. */
const via = z.record(z.string(), z.array(z.string()));
const page = { job: z.string(), user: z.string(), contact_method: z.string(), channel: z.string() };
/** An extension's call: the job, the extension and the event it told. */
const call = { job: z.string(), extension: z.string(), event: z.string() };

const entry = <T extends string, D extends z.ZodRawShape>(type: T, details: D) =>
  z.object({ type: z.literal(type), at: z.string(), actor: actorSchema, details: z.object(details) });

export const timelineEntrySchema = z.discriminatedUnion('type', [
  entry('created', { summary: z.string(), urgency: urgencySchema }),
  entry('alert_joined', { summary: z.string(), alert_count: z.number().int() }),
  /** One alert of a group's incident resolved; the incident resolves with the last one. */
  entry('alert_resolved', { event_id: z.string(), still_firing: z.number().int() }),
  /** By a user, or by an integration's event (which names its event id and summary). A user who
   *  answered from a message names its channel: link, email, sms, voice, slack, telegram. */
  entry('acknowledged', {
    event_id: z.string().optional(),
    summary: z.string().optional(),
    channel: z.string().optional(),
  }),
  entry('resolved', {
    event_id: z.string().optional(),
    summary: z.string().optional(),
    reason: z.string().optional(),
    channel: z.string().optional(),
  }),
  entry('comment', { text: z.string() }),
  entry('updated', { summary: z.string().optional(), description: z.string().optional() }),
  entry('reassigned', { to: z.string() }),
  entry('not_paged', { reason: z.string() }),
  /** Paging waits, so that an alert that resolves by itself pages nobody… */
  entry('paging_paused', { until: z.string(), reason: z.string() }),
  /** …and this one did: resolved inside the pause. */
  entry('transient', {}),
  /** The alert resolved, but it has come and gone too often: the incident stays open until it settles. */
  entry('flapping', { incidents: z.number().int(), minutes: z.number(), settles_at: z.string() }),
  entry('escalated', { ...place, users: z.array(z.string()), via, due: z.string() }),
  entry('step_skipped', { ...place, reason: z.string() }),
  entry('cannot_reach', { user: z.string(), reason: z.string() }),
  entry('final_notification', { users: z.array(z.string()), via }),
  entry('escalation_exhausted', {}),
  entry('acknowledgement_timed_out', { minutes: z.number().nullable() }),
  /** A page left for its contact method; it is then notified (the provider took it) or fails or is cancelled. */
  entry('page_queued', { ...page, due: z.string() }),
  entry('notified', { ...page, provider: z.string().optional(), attempts: z.number().int().optional() }),
  /** The provider reported the message delivered to the device (SMS, calls). */
  entry('page_delivered', { ...page, provider: z.string() }),
  entry('page_failed', { ...page, reason: z.string(), attempts: z.number().int().optional() }),
  entry('page_cancelled', { ...page, reason: z.string() }),
  /** An extension (outgoing webhook) was called about an event of the incident, and answered 2xx… */
  entry('extension_called', { ...call, response_status: z.number().int().nullable(), duration_ms: z.number() }),
  /** …or failed for good (refused, 4xx, out of retries). */
  entry('extension_failed', { ...call, reason: z.string(), attempts: z.number().int().optional() }),
]);

export type TimelineEntry = z.infer<typeof timelineEntrySchema>;
export type TimelineType = TimelineEntry['type'];
/** One entry type, by name. */
export type EntryOf<T extends TimelineType> = Extract<TimelineEntry, { type: T }>;
