// GoAlert's generic incoming API (POST /api/v2/generic/incoming?token=KEY), for teams that move from
// GoAlert unchanged: form or JSON fields `summary`, `details`, `dedup`, and `action=close`. As GoAlert,
// an alert without `dedup` is keyed by its summary and details. The door is dropin/goalert.ts.
import { z } from 'zod';
import { validate } from '../../http';
import type { Adapter } from '../adapter';
import { bounded, eventIdOf, MAX_SUMMARY, stableKey } from '../normalize';

const fieldsSchema = z.looseObject({
  summary: z
    .string()
    .trim()
    .min(1)
    .max(MAX_SUMMARY * 4),
  details: z
    .string()
    .max(64 * 1024)
    .optional(),
  dedup: z.string().max(1024).optional(),
  action: z.string().optional(),
});

/** The fields from a JSON body, a form body, or the query string (GoAlert takes all three). */
function fieldsOf(request: Parameters<Adapter['events']>[0]): Record<string, unknown> {
  if (request.json !== undefined) return { ...Object.fromEntries(request.query), ...(request.json as object) };
  const form = new URLSearchParams(request.text);
  return { ...Object.fromEntries(request.query), ...Object.fromEntries(form) };
}

export const goalert: Adapter = {
  title: 'GoAlert generic API',
  events(request, { now }) {
    const { token: _token, ...fields } = fieldsOf(request);
    const alert = validate(fieldsSchema, fields, 'alert');
    const summary = bounded(alert.summary);
    return [
      {
        eventId: alert.dedup ? eventIdOf(alert.dedup) : stableKey(summary, alert.details ?? ''),
        action: alert.action === 'close' ? 'close' : 'open',
        summary,
        urgency: 'high',
        eventTime: now.toISOString(),
        payload: alert,
        ...(alert.details === undefined ? {} : { details: { details: alert.details } }),
      },
    ];
  },
};
