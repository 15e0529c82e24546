// Pingdom's state change webhooks: one request per change of an uptime check (UP ⇄ DOWN) or a
// transaction check (SUCCESS ⇄ FAILING), keyed by the check, so that the change back closes the
// incident the failure opened.
import { z } from 'zod';
import { validate } from '../../http';
import type { Urgency } from '../../vocabulary';
import type { Adapter } from '../adapter';
import { eventIdOf, instantOf, jsonBody, summaryOf, text, urgencyBy } from '../normalize';

// Pingdom writes ids and ports as numbers; a relay may write them as text.
const scalar = z.union([z.string().trim().min(1), z.number()]);

const probeSchema = z.looseObject({
  ip: z.string().nullish(),
  ipv6: z.string().nullish(),
  location: z.string().nullish(),
});

const stateChangeSchema = z.looseObject({
  check_id: scalar,
  check_name: z.string().nullish(),
  check_type: z.string().nullish(),
  check_params: z.looseObject({ hostname: z.string().nullish(), full_url: z.string().nullish() }).nullish(),
  tags: z.array(z.unknown()).max(1000).nullish(),
  previous_state: z.string().nullish(),
  current_state: z.string(),
  importance_level: z.string().nullish(),
  state_changed_timestamp: scalar.nullish(),
  state_changed_utc_time: z.string().nullish(),
  description: z.string().nullish(),
  long_description: z.string().nullish(),
  // Transaction checks say why in their own words.
  error_message: z.string().nullish(),
  custom_message: z.string().nullish(),
  first_probe: probeSchema.nullish(),
  second_probe: probeSchema.nullish(),
});

/**
 * UNCONFIRMED_DOWN is a failure Pingdom is still confirming (a DOWN follows if it holds) and UNKNOWN a
 * check with no verdict: neither says anything to page on, so neither makes an event.
 */
const stateActions = new Map<string, 'open' | 'close'>([
  ['down', 'open'],
  ['failing', 'open'],
  ['up', 'close'],
  ['success', 'close'],
]);

/** The alert policy's importance level; without Object's prototype, a body's `constructor` is just unknown. */
const importanceUrgency: Record<string, Urgency> = { high: 'high', low: 'low' };

export const pingdom: Adapter = {
  title: 'Pingdom',
  events(request, { now }) {
    const change = validate(stateChangeSchema, jsonBody(request, 'Pingdom'), 'Pingdom notification');
    const state = change.current_state.trim();
    const action = stateActions.get(state.toLowerCase());
    if (action === undefined) return [];
    const host = text(change.check_params?.hostname);
    const name = text(change.check_name) ?? host ?? `Pingdom check ${change.check_id}`;
    const reason = text(change.description) ?? text(change.error_message) ?? text(change.long_description);
    const details = Object.fromEntries(
      Object.entries({
        check_type: change.check_type,
        check_params: change.check_params,
        tags: change.tags,
        previous_state: change.previous_state,
        importance_level: change.importance_level,
        long_description: change.long_description,
        error_message: change.error_message,
        custom_message: change.custom_message,
        first_probe: change.first_probe,
        second_probe: change.second_probe,
      }).filter(([, v]) => v != null),
    );
    const type = text(change.check_type);
    return [
      {
        eventId: eventIdOf(change.check_id),
        action,
        summary: summaryOf(action === 'open' && reason ? `${name} is ${state}: ${reason}` : `${name} is ${state}`),
        // A transaction check has no importance level: a failing transaction is as urgent as a site down.
        urgency: urgencyBy(importanceUrgency, change.importance_level, 'high'),
        eventTime: instantOf(change.state_changed_timestamp ?? change.state_changed_utc_time, now),
        payload: change,
        ...(host === undefined ? {} : { resource: host }),
        ...(type === undefined ? {} : { eventType: type }),
        source: 'pingdom',
        details,
      },
    ];
  },
};
