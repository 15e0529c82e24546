// The notification log: every page of an incident (from its object, so it shows what was just
// answered) and every notification of a user (from D1), in one shape. Observers see no addresses.
import { z } from '@hono/zod-openapi';
import type { NotificationRow } from '../db/incidents';
import { notificationStatuses } from '../vocabulary';
import type { Principal } from './auth';

export const notificationSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['page', 'handoff', 'test', 'verify']),
    incident_id: z.string().nullable(),
    incident_number: z.number().int().nullable(),
    user: z.string(),
    channel: z.string(),
    contact_method: z.string(),
    address: z.string().nullable().optional().describe('not shown to observers'),
    provider: z.string().nullable().describe('resend, twilio, nhn, telegram, slack, teams, discord, webpush or log'),
    status: z.enum(notificationStatuses),
    attempts: z.number().int(),
    provider_message_id: z.string().nullable(),
    error: z.string().nullable().describe('why it failed or was cancelled, or why its last try is retried'),
    due_at: z.string(),
    queued_at: z.string().nullable(),
    sent_at: z.string().nullable(),
    delivered_at: z.string().nullable(),
  })
  .meta({ id: 'Notification' });

export const notificationListSchema = z
  .object({
    notifications: z.array(notificationSchema),
    next_cursor: z.string().nullable().describe('the cursor of the next page; null on the last'),
  })
  .meta({ id: 'NotificationList' });

export const notificationJson = (n: NotificationRow, principal: Principal): z.infer<typeof notificationSchema> => ({
  id: n.id,
  kind: n.kind,
  incident_id: n.incidentId,
  incident_number: n.incidentNumber,
  user: n.user,
  channel: n.channel,
  contact_method: n.contactMethod,
  ...(principal.role === 'observer' ? {} : { address: n.address }),
  provider: n.provider,
  status: n.status,
  attempts: n.attempts,
  provider_message_id: n.providerMessageId,
  error: n.error,
  due_at: n.dueAt,
  queued_at: n.queuedAt,
  sent_at: n.sentAt,
  delivered_at: n.deliveredAt,
});

/** A user's log is read newest first, a page at a time, from where the last page ended. */
export const cursorOf = (n: Pick<NotificationRow, 'dueAt' | 'id'>) =>
  btoa(JSON.stringify([n.dueAt, n.id])).replace(/=+$/, '');

export function readCursor(cursor: string): { dueAt: string; id: string } | null {
  try {
    const [dueAt, id] = JSON.parse(atob(cursor)) as unknown[];
    return typeof dueAt === 'string' && typeof id === 'string' ? { dueAt, id } : null;
  } catch {
    return null;
  }
}
