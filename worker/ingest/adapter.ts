// One adapter per monitoring tool: a pure function from the tool's request (headers, query and body)
// to normalized events, and the answer the tool expects. Adapters live one per file in `adapters/`
// and are listed in `registry.ts`; the HTTP doors (routes.ts, and the drop-in APIs of other pagers)
// and the email handler feed them.
import type { IngestResult } from '../incident/commands';
import type { AlertEvent } from './event';

/** A request as an adapter sees it: read whole (at most MAX_BODY_BYTES) before it is handed over. */
export interface InboundRequest {
  method: string;
  headers: Headers;
  query: URLSearchParams;
  /** The body as text ('' when there is none). */
  text: string;
  /** The body parsed as JSON (within the JSON limits), or undefined when it is empty or not JSON. */
  json: unknown;
}

export interface EventResult extends IngestResult {
  eventId: string;
}

/** What an adapter is given beside the request. */
export interface AdapterContext {
  /** When the request arrived. */
  now: Date;
  /** Names an event that carries no identity of its own. */
  newId: () => string;
  /**
   * The integration as configured (its fields in the configuration document): a tool with
   * settings (generic-webhook's `mapping`) reads and checks its own.
   */
  settings: Readonly<Record<string, unknown>>;
}

export interface Adapter {
  /** As people know the tool: the README and the console show it. */
  readonly title: string;
  /**
   * The events one request carries (an Alertmanager group: one per alert), or throws the 400 that
   * names the problem (`validate`) for a request that can never succeed. Pure.
   */
  events(request: InboundRequest, context: AdapterContext): AlertEvent[];
  /** The 2xx answer in the tool's own terms; by default `{status: "success", events: [...]}`. */
  answer?(results: EventResult[]): unknown;
}

/** The usual answer: what became of each event. */
export function summaryAnswer(results: EventResult[]) {
  return {
    status: 'success',
    events: results.map((r) => ({
      event_id: r.eventId,
      action: r.action,
      incident_id: r.incident?.id ?? null,
      incident_number: r.incident?.number ?? null,
    })),
  };
}
