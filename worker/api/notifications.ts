// Pages sent, as the notification log shows them: listed per incident (incidents.ts) and per user
// (users.ts). The address a page went to is not for observers.
import { z } from '@hono/zod-openapi';
import type { notifications } from '../db/schema';
import type { Principal } from './auth';

export const notificationSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['page', 'handoff']),
    incident_id: z.string().nullable(),
    incident_number: z.number().int().nullable(),
    user: z.string(),
    contact_method: z.string(),
    channel: z.string(),
    address: z.string().nullable().optional().describe('not shown to observers'),
    attempt: z.number().int(),
    status: z.enum(['notified', 'failed', 'cancelled']),
    detail: z.string().nullable(),
    due_at: z.string(),
    processed_at: z.string(),
  })
  .meta({ id: 'Notification' });

export const notificationListSchema = z
  .object({ notifications: z.array(notificationSchema) })
  .meta({ id: 'NotificationList' });

export const notificationJson = (n: typeof notifications.$inferSelect, principal: Principal) => ({
  id: n.id,
  kind: n.kind,
  incident_id: n.incidentId,
  incident_number: n.incidentNumber,
  user: n.user,
  contact_method: n.contactMethod,
  channel: n.channel,
  ...(principal.role === 'observer' ? {} : { address: n.address }),
  attempt: n.attempt,
  status: n.status,
  detail: n.detail,
  due_at: n.dueAt,
  processed_at: n.processedAt,
});
