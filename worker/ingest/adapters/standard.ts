// The standard integration: Tocsin's own JSON event format, one event per request.
import { z } from 'zod';
import { HttpError, isJsonContentType, parseJsonText, validate } from '../../http';
import { eventActionSchema, isoInstantSchema, urgencySchema } from '../../vocabulary';
import type { Adapter } from '../adapter';
import type { AlertEvent } from '../event';

export const standardEventSchema = z
  .object({
    summary: z.string().trim().min(1).max(1024),
    event_id: z.string().min(1).max(255).optional(),
    status: eventActionSchema.default('open'),
    urgency: urgencySchema.default('none'),
    event_time: isoInstantSchema.optional(),
    metric_name: z.string().max(1024).optional(),
    threshold: z.string().max(1024).optional(),
    metric_value: z.string().max(1024).optional(),
    resource_name: z.string().max(1024).optional(),
    event_type: z.string().max(1024).optional(),
    custom_details: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((event, ctx) => {
    if (event.status !== 'open' && event.event_id === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['event_id'],
        message: `event_id is required when status is ${event.status}`,
      });
    }
  })
  .meta({ id: 'StandardEvent' });
export type StandardEvent = z.infer<typeof standardEventSchema>;

export function normalizeStandardEvent(event: StandardEvent, now: Date, newId: () => string): AlertEvent {
  const { summary, event_id, status, urgency, event_time, ...rest } = event;
  return {
    eventId: event_id ?? newId(),
    action: status,
    summary,
    urgency,
    eventTime: new Date(event_time ?? now).toISOString(),
    payload: { summary, ...rest },
    ...(rest.resource_name === undefined ? {} : { resource: rest.resource_name }),
    ...(rest.metric_name === undefined ? {} : { metric: rest.metric_name }),
    ...(rest.event_type === undefined ? {} : { eventType: rest.event_type }),
    ...(rest.custom_details === undefined ? {} : { details: rest.custom_details }),
  };
}

export const standard: Adapter = {
  title: 'Tocsin standard API',
  events(request, { now, newId }) {
    if (!isJsonContentType(request.headers.get('content-type') ?? undefined)) {
      throw new HttpError(415, 'unsupported_media_type', 'send the event as Content-Type: application/json');
    }
    const event = validate(standardEventSchema, parseJsonText(request.text), 'event');
    return [normalizeStandardEvent(event, now, newId)];
  },
  answer: ([result]) => ({
    status: 'success',
    event_id: result?.eventId,
    incident_id: result?.incident?.id ?? null,
    incident_number: result?.incident?.number ?? null,
    action: result?.action,
    ...(result?.message ? { message: result.message } : {}),
  }),
};
