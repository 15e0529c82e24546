// PagerDuty's Events API v2, as the body of POST /v2/enqueue: any tool that pages PagerDuty pages
// Tocsin by changing one URL. `dedup_key` is the dedup key (generated on a trigger without one, and
// answered back); severity critical/error/warning/info is the urgency. The door is dropin/pagerduty.ts.
import { z } from 'zod';
import { validate } from '../../http';
import type { Urgency } from '../../vocabulary';
import type { Adapter } from '../adapter';
import { instantOf, jsonBody, MAX_EVENT_ID, MAX_SUMMARY } from '../normalize';

const link = z.looseObject({ href: z.string().max(2048), text: z.string().max(1024).optional() });

export const pagerdutyEventSchema = z
  .looseObject({
    routing_key: z.string().min(1).max(128),
    event_action: z.enum(['trigger', 'acknowledge', 'resolve']),
    dedup_key: z.string().min(1).max(MAX_EVENT_ID).optional(),
    payload: z
      .looseObject({
        summary: z.string().trim().min(1).max(MAX_SUMMARY),
        source: z.string().trim().min(1).max(255),
        severity: z.enum(['critical', 'error', 'warning', 'info']),
        timestamp: z.string().optional(),
        component: z.string().max(255).optional(),
        group: z.string().max(255).optional(),
        class: z.string().max(255).optional(),
        custom_details: z.unknown().optional(),
      })
      .optional(),
    images: z
      .array(z.looseObject({ src: z.string().max(2048) }))
      .max(50)
      .optional(),
    links: z.array(link).max(50).optional(),
    client: z.string().max(255).optional(),
    client_url: z.string().max(2048).optional(),
  })
  .superRefine((event, ctx) => {
    // As PagerDuty: a trigger needs its payload; acknowledge and resolve need the key they act on.
    if (event.event_action === 'trigger' && event.payload === undefined) {
      ctx.addIssue({ code: 'custom', path: ['payload'], message: 'is required for a trigger' });
    }
    if (event.event_action !== 'trigger' && event.dedup_key === undefined) {
      ctx.addIssue({ code: 'custom', path: ['dedup_key'], message: `is required to ${event.event_action}` });
    }
  });
export type PagerdutyEvent = z.infer<typeof pagerdutyEventSchema>;

export const pagerdutyUrgency: Record<string, Urgency> = {
  critical: 'highest',
  error: 'high',
  warning: 'medium',
  info: 'low',
};

const actions = { trigger: 'open', acknowledge: 'ack', resolve: 'close' } as const;

export const pagerduty: Adapter = {
  title: 'PagerDuty Events API v2',
  events(request, { now, newId }) {
    const event = validate(pagerdutyEventSchema, jsonBody(request, 'The PagerDuty Events API'), 'event');
    const { payload } = event;
    const details = payload?.custom_details;
    return [
      {
        eventId: event.dedup_key ?? newId(),
        action: actions[event.event_action],
        summary: payload?.summary ?? `${event.event_action} ${event.dedup_key}`,
        urgency: pagerdutyUrgency[payload?.severity ?? 'error']!,
        eventTime: instantOf(payload?.timestamp, now),
        payload: event,
        ...(payload?.source === undefined ? {} : { resource: payload.source, source: payload.source }),
        ...(payload?.class === undefined ? {} : { eventType: payload.class }),
        ...(payload?.component === undefined ? {} : { metric: payload.component }),
        ...((event.client_url ?? event.links?.[0]?.href) === undefined
          ? {}
          : { link: event.client_url ?? event.links![0]!.href }),
        ...(details !== null && typeof details === 'object' && !Array.isArray(details)
          ? { details: details as Record<string, unknown> }
          : details === undefined
            ? {}
            : { details: { details } }),
      },
    ];
  },
};
