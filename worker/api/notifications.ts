// The notification log: every page of an incident (from its object, so it shows what was just
// answered) and every notification of a user (from D1), in one shape. Observers see no addresses.
import { z } from '@hono/zod-openapi';
import { and, inArray, isNotNull } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import type { NotificationRow } from '../db/incidents';
import { contactVerifications } from '../db/schema';
import { HttpError } from '../http';
import { notificationKinds, notificationStatuses } from '../vocabulary';
import type { Principal } from './auth';

export const notificationSchema = z
  .object({
    id: z.string(),
    kind: z.enum(notificationKinds),
    incident_id: z.string().nullable(),
    incident_number: z.number().int().nullable(),
    user: z.string(),
    channel: z.string(),
    contact_method: z.string(),
    address: z.string().nullable().optional().describe('not shown to observers'),
    contact_method_verified: z
      .boolean()
      .nullable()
      .describe(
        'whether the address is verified (a page to an unverified one is sent all the same); null when unknown',
      ),
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

const methodKey = (user: string, contactMethod: string, address: string | null) =>
  JSON.stringify([user, contactMethod, address]);

/**
 * Which of these notifications went to a verified address, by D1's verifications; null for each when
 * D1 cannot say (the incident's log still answers while D1 is down).
 */
export async function verifiedOf(
  d1: D1Database,
  rows: NotificationRow[],
): Promise<(n: NotificationRow) => boolean | null> {
  const users = [...new Set(rows.map((n) => n.user))];
  if (users.length === 0) return () => null;
  try {
    const verified = await drizzle(d1)
      .select()
      .from(contactVerifications)
      .where(and(inArray(contactVerifications.user, users), isNotNull(contactVerifications.verifiedAt)));
    const keys = new Set(verified.map((v) => methodKey(v.user, v.contactMethod, v.address)));
    return (n) => keys.has(methodKey(n.user, n.contactMethod, n.address));
  } catch (error) {
    console.error('notification log: verifications cannot be read', error);
    return () => null;
  }
}

export const notificationJson = (
  n: NotificationRow,
  principal: Principal,
  verified: boolean | null = null,
): z.infer<typeof notificationSchema> => ({
  id: n.id,
  kind: n.kind,
  incident_id: n.incidentId,
  incident_number: n.incidentNumber,
  user: n.user,
  channel: n.channel,
  contact_method: n.contactMethod,
  ...(principal.role === 'observer' ? {} : { address: n.address }),
  contact_method_verified: verified,
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

/** The query of a paged log: how many, and from where the last page ended. */
export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(100),
  cursor: z.string().max(1000).optional().describe('next_cursor of the previous page'),
});

/** Where a page starts: null for the first page; 400 naming the field for a cursor this API did not make. */
export function startOf(cursor: string | undefined): { dueAt: string; id: string } | null {
  if (cursor === undefined) return null;
  const after = readCursor(cursor);
  if (after === null) {
    throw new HttpError(400, 'invalid_request', 'not a cursor from this API', [
      { field: 'cursor', message: 'not a cursor from this API' },
    ]);
  }
  return after;
}

export function readCursor(cursor: string): { dueAt: string; id: string } | null {
  try {
    const [dueAt, id] = JSON.parse(atob(cursor)) as unknown[];
    return typeof dueAt === 'string' && typeof id === 'string' ? { dueAt, id } : null;
  } catch {
    return null;
  }
}
