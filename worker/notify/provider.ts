// What every provider is: one notification in, one HTTP request out, its answer classified. A provider
// knows nothing of escalation or retries; the consumer decides what a `retry` or `failed` means.
import type { ContactMethodType, Locale } from '../vocabulary';
import type { Urgency, IncidentStatus } from '../vocabulary';

/** What a message is about. Every string in it may come from an alert: providers escape it. */
export type Subject =
  | {
      type: 'page';
      incident: {
        id: string;
        number: number;
        summary: string;
        urgency: Urgency;
        status: IncidentStatus;
        service: string | null;
      };
      /** Where the incident is shown, and signed links that act on it for the recipient. */
      links: { view: string; acknowledge: string; resolve: string };
      /** Opaque values for in-message buttons (a Slack action's value, Telegram's callback_data: ≤ 64 bytes). */
      buttons: { acknowledge: string; resolve: string };
    }
  | { type: 'handoff'; schedule: string; layer: string | null; start: string; end: string; minutesBefore: number }
  | { type: 'verify'; code: string }
  /** A link that sets the user's password once: an invitation, or a reset they asked for. */
  | { type: 'password_link'; purpose: 'invite' | 'reset'; link: string; expiresAt: string }
  | { type: 'test' };

/** One message to one address. */
export interface Outbound {
  /** The notification's id: its idempotency key where a provider takes one. */
  id: string;
  channel: ContactMethodType;
  /** As the contact method holds it: email, E.164 number, Slack user id, chat id, webhook URL, subscription JSON. */
  address: string;
  locale: Locale;
  /** The recipient's IANA time zone, for times in the text. */
  timeZone: string;
  subject: Subject;
  /** Where the provider reports delivery (Twilio `StatusCallback`) and where a call's keypad answers. */
  callbacks: { status: string; voice: string };
}

/** How a send ended, as the provider answered. */
export type Delivery = (
  | /** `via` names the provider that sent it when not this one (KakaoTalk falling back to SMS). */
    { status: 'sent'; providerMessageId: string | null; via?: string }
    /** Worth trying again: 5xx, 429, a network error or a timeout. */
  | { status: 'retry'; reason: string; retryAfterSeconds?: number }
  /** Never worth trying again: the provider refused this message (an invalid number, a revoked token…). */
  | { status: 'failed'; reason: string }
) & {
  /** An extension's call logs the HTTP status it got (null: none, as on a timeout) and how long it took. */
  response?: CallResponse;
};

export interface CallResponse {
  status: number | null;
  durationMs: number;
}

export interface Provider {
  /** Its name in the notification log: resend, twilio, nhn, telegram, slack, webhook, webpush, log. */
  readonly name: string;
  send(message: Outbound): Promise<Delivery>;
  /** Rewrites a message already sent (Slack, Telegram) when its incident changes. */
  update?(message: Outbound, providerMessageId: string): Promise<Delivery>;
}

/** How long a provider request may take before it counts as a network error. */
export const REQUEST_TIMEOUT_MS = 10_000;
/** The most of an error body kept as a failure's reason. */
const REASON_CHARS = 300;

/** Sends one request; a network error or timeout is a `retry`, else the response to classify. */
export async function request(url: string, init: RequestInit): Promise<Response | Delivery> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    return { status: 'retry', reason: `network error: ${String(error).slice(0, REASON_CHARS)}` };
  }
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date), when it has one. */
export function retryAfter(response: Response, now = Date.now()): number | undefined {
  const value = response.headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * The usual classification of an HTTP answer: 2xx sent (with the id `idOf` reads from the body),
 * 408, 429 and 5xx retry (honouring Retry-After), any other 4xx a permanent failure with the body as
 * its reason.
 */
export async function classify(
  response: Response,
  idOf: (body: unknown) => string | null = () => null,
): Promise<Delivery> {
  const text = await response.text().catch(() => '');
  if (response.ok) {
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // A provider that answers 2xx without JSON still accepted the message.
    }
    return { status: 'sent', providerMessageId: idOf(body) };
  }
  const reason = `${response.status} ${text.slice(0, REASON_CHARS)}`.trim();
  if (response.status === 408 || response.status === 429 || response.status >= 500) {
    const after = retryAfter(response);
    return after === undefined ? { status: 'retry', reason } : { status: 'retry', reason, retryAfterSeconds: after };
  }
  return { status: 'failed', reason };
}

/** Sends and classifies in one step. */
export async function deliver(
  url: string,
  init: RequestInit,
  idOf?: (body: unknown) => string | null,
): Promise<Delivery> {
  const answer = await request(url, init);
  return answer instanceof Response ? classify(answer, idOf) : answer;
}
