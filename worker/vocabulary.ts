// The on-call vocabulary every module shares, declared once: handles, urgencies, the two status
// vocabularies (an event's open/ack/close, an incident's triggered/acknowledged/resolved), roles,
// actors, instants and time units.
import { z } from 'zod';

/**
 * A handle: the stable name a configured object (user, team, schedule, policy, service,
 * integration) goes by in the configuration document and in references between objects.
 */
export const handleSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'a handle is 1–64 letters, digits, . _ - and starts with a letter or digit',
  );

export const urgencySchema = z.enum(['highest', 'high', 'medium', 'low', 'lowest', 'none']);
export type Urgency = z.infer<typeof urgencySchema>;

/** What a monitoring tool says of an alert — open: something is wrong; ack: someone is on it; close: it is over. */
export const eventActionSchema = z.enum(['open', 'ack', 'close']);
export type EventAction = z.infer<typeof eventActionSchema>;

/** Where an incident is: triggered → acknowledged → resolved, never backwards. */
/** The ways to reach a person; each has its provider (notify/channels.ts). */
export const contactMethodTypeSchema = z.enum([
  'email',
  'sms',
  'voice',
  'push',
  'slack',
  'telegram',
  'kakao',
  'teams',
  'discord',
]);
export type ContactMethodType = z.infer<typeof contactMethodTypeSchema>;

/** The languages messages and the console speak. */
export const localeSchema = z.enum(['ko', 'en', 'ja', 'zh']);
export type Locale = z.infer<typeof localeSchema>;

export const incidentStatuses = ['triggered', 'acknowledged', 'resolved'] as const;
export const incidentStatusSchema = z.enum(incidentStatuses);
export type IncidentStatus = z.infer<typeof incidentStatusSchema>;

/** Where a notification stands: queued, being sent, taken by its provider, on the device, or not. */
export const notificationStatuses = ['queued', 'sending', 'sent', 'delivered', 'failed', 'cancelled'] as const;
/** What a notification is: an incident's page, a shift's handoff notice, a contact method's test or
 *  code, or the link of an invitation or a password reset. */
export const notificationKinds = ['page', 'handoff', 'test', 'verify', 'invite', 'reset'] as const;
export type NotificationStatus = (typeof notificationStatuses)[number];

/** owner and admin configure (only an owner manages owners and admins); responder acts; observer reads. */
export const roles = ['owner', 'admin', 'responder', 'observer'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

/** Who did something: a user (by handle), an integration (by handle), or Tocsin itself. */
export const actorSchema = z.object({
  type: z.enum(['user', 'integration', 'system']),
  id: z.string().nullable(),
});
export type Actor = z.infer<typeof actorSchema>;
export const SYSTEM: Actor = { type: 'system', id: null };

/** ISO 8601 with an explicit offset (Z or ±hh:mm), so that an instant is never a guess. */
export const isoInstantSchema = z.iso.datetime({ offset: true, local: false });

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** What is wrong with one field of an input: what a 4xx names. */
export interface FieldError {
  field: string;
  message: string;
}
