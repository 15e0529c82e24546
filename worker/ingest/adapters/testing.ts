// What adapter tests share: a request as a tool sends it, handed to an adapter as the door would.
import type { Adapter, InboundRequest } from '../adapter';
import { eventsOf } from '../routes';

export const ARRIVAL = new Date('2026-11-24T17:30:00.000Z');

export function inbound(
  body: string | object | null,
  {
    headers = {},
    query = '',
    method = 'POST',
  }: { headers?: Record<string, string>; query?: string; method?: string } = {},
): InboundRequest {
  const text = body === null ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  return {
    method,
    headers: new Headers({ 'content-type': 'application/json', ...headers }),
    query: new URLSearchParams(query),
    text,
    json: undefined,
  };
}

/** The events an adapter makes of a body, as the HTTP door would hand it over. */
export const eventsFrom = (adapter: Adapter, ...args: Parameters<typeof inbound>) =>
  eventsOf(adapter, inbound(...args), { now: ARRIVAL, settings: {} });

/** The same, for an integration configured with these settings (its fields in the configuration document). */
export const eventsWith = (adapter: Adapter, settings: Record<string, unknown>, ...args: Parameters<typeof inbound>) =>
  eventsOf(adapter, inbound(...args), { now: ARRIVAL, settings });
