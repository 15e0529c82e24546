// Opsgenie's Alert API, as the body of POST /v2/alerts: any tool that creates Opsgenie alerts creates
// Tocsin incidents by changing its API URL. `alias` is the dedup key (a repeat raises the count);
// priority P1–P5 is the urgency. Acknowledge, close and updates come by their own paths (dropin/opsgenie.ts).
import { z } from 'zod';
import { validate } from '../../http';
import type { Urgency } from '../../vocabulary';
import type { Adapter } from '../adapter';
import { bounded, eventIdOf, jsonBody, text } from '../normalize';

/** Opsgenie keeps the first 130 characters of a message: so does Tocsin, rather than refuse the alert. */
export const MAX_OPSGENIE_MESSAGE = 130;

export const opsgenieAlertSchema = z.looseObject({
  message: z.string().trim().min(1, 'Message can not be empty.'),
  alias: z.string().max(512).optional(),
  description: z.string().max(15000).optional(),
  tags: z.array(z.string().max(50)).max(20).optional(),
  details: z.record(z.string(), z.unknown()).optional(),
  entity: z.string().max(512).optional(),
  source: z.string().max(100).optional(),
  priority: z.enum(['P1', 'P2', 'P3', 'P4', 'P5']).default('P3'),
  user: z.string().max(100).optional(),
  note: z.string().max(25000).optional(),
});

export const priorityUrgency: Record<string, Urgency> = {
  p1: 'highest',
  p2: 'high',
  p3: 'medium',
  p4: 'low',
  p5: 'lowest',
};

export const opsgenie: Adapter = {
  title: 'Opsgenie Alert API',
  events(request, { now, newId }) {
    const alert = validate(opsgenieAlertSchema, jsonBody(request, 'The Opsgenie Alert API'), 'alert');
    const link = text(alert.source);
    return [
      {
        eventId: alert.alias === undefined ? newId() : eventIdOf(alert.alias),
        action: 'open',
        summary: bounded(alert.message, MAX_OPSGENIE_MESSAGE),
        urgency: priorityUrgency[alert.priority.toLowerCase()]!,
        eventTime: now.toISOString(),
        payload: alert,
        ...(alert.entity === undefined ? {} : { resource: alert.entity }),
        ...(link === undefined ? {} : { source: link, ...(/^https?:\/\//.test(link) ? { link } : {}) }),
        details: { ...(alert.details ?? {}), ...(alert.tags ? { tags: alert.tags } : {}) },
      },
    ];
  },
};
