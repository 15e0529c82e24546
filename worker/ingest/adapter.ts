// One adapter per monitoring tool: it validates the tool's request, turns it into normalized events,
// and shapes the answer the tool expects. Adding a tool is adding one adapter to `adapters`.
import type { z } from 'zod';
import type { IngestResult } from '../incident/commands';
import type { AlertEvent } from './event';
import { normalizeStandardEvent, standardEventSchema } from './standard';

export interface EventResult extends IngestResult {
  eventId: string;
}

export interface IntegrationAdapter<Body> {
  schema: z.ZodType<Body>;
  toEvents(body: Body, now: Date, newId: () => string): AlertEvent[];
  /** The 2xx answer for the events' results, in the tool's own terms. */
  answer(results: EventResult[]): unknown;
}

const standard: IntegrationAdapter<z.infer<typeof standardEventSchema>> = {
  schema: standardEventSchema,
  toEvents: (body, now, newId) => [normalizeStandardEvent(body, now, newId)],
  answer: ([result]) => ({
    status: 'success',
    event_id: result?.eventId,
    incident_id: result?.incident?.id ?? null,
    incident_number: result?.incident?.number ?? null,
    action: result?.action,
    ...(result?.message ? { message: result.message } : {}),
  }),
};

export const adapters = { standard } as const;
export type IntegrationType = keyof typeof adapters;
export const integrationTypes = Object.keys(adapters) as [IntegrationType, ...IntegrationType[]];

export function adapterFor(type: string): IntegrationAdapter<unknown> | undefined {
  return Object.hasOwn(adapters, type) ? (adapters[type as IntegrationType] as IntegrationAdapter<unknown>) : undefined;
}
