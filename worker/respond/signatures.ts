// Whether an inbound webhook really comes from its provider: Slack's v0 signature within five
// minutes, Twilio's X-Twilio-Signature, Telegram's secret token. Every comparison is constant-time.
const encoder = new TextEncoder();

export type Verified = { ok: true } | { ok: false; reason: 'missing' | 'stale' | 'mismatch' };

/** A form body's parameters: URLSearchParams, or `[name, value]` pairs in any order. */
export type FormParams = Iterable<[string, string]>;

/** Slack's window: a request older or newer than this is refused as a replay. */
export const SLACK_WINDOW_SECONDS = 5 * 60;

async function hmac(hash: 'SHA-256' | 'SHA-1', key: string, message: string): Promise<Uint8Array> {
  const imported = await crypto.subtle.importKey('raw', encoder.encode(key), { name: 'HMAC', hash }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', imported, encoder.encode(message)));
}

function sameText(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

/** Slack's signature of a request, as `verifySlack` expects it (and tests that play Slack make it). */
export async function slackSignature(secret: string, timestamp: string, body: string): Promise<string> {
  return `v0=${hex(await hmac('SHA-256', secret, `v0:${timestamp}:${body}`))}`;
}

/** `X-Slack-Signature` = `v0=` + hex HMAC-SHA256(secret, `v0:{timestamp}:{raw body}`). */
export async function verifySlack(
  secret: string,
  timestamp: string | null,
  signature: string | null,
  body: string,
  now: Date,
): Promise<Verified> {
  if (!timestamp || !signature) return { ok: false, reason: 'missing' };
  const seconds = Number(timestamp);
  if (!Number.isInteger(seconds) || Math.abs(now.getTime() / 1000 - seconds) > SLACK_WINDOW_SECONDS) {
    return { ok: false, reason: 'stale' };
  }
  const expected = await slackSignature(secret, timestamp, body);
  return sameText(expected, signature) ? { ok: true } : { ok: false, reason: 'mismatch' };
}

/**
 * `X-Twilio-Signature` = base64 HMAC-SHA1(auth token, the full URL Twilio requested, then each form
 * parameter's name and value, sorted by name, and a repeated name's values by value).
 */
export async function verifyTwilio(
  authToken: string,
  url: string,
  params: FormParams,
  signature: string | null,
): Promise<Verified> {
  if (!signature) return { ok: false, reason: 'missing' };
  const expected = await twilioSignature(authToken, url, params);
  return sameText(expected, signature) ? { ok: true } : { ok: false, reason: 'mismatch' };
}

/** Twilio's signature of a request, as `verifyTwilio` expects it (and local fakes of Twilio make it). */
export async function twilioSignature(authToken: string, url: string, params: FormParams): Promise<string> {
  const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const sorted = [...params].sort(([a, x], [b, y]) => order(a, b) || order(x, y));
  return base64(await hmac('SHA-1', authToken, url + sorted.map(([name, value]) => name + value).join('')));
}

/** Telegram sends the secret given to setWebhook in `X-Telegram-Bot-Api-Secret-Token`. */
export function verifyTelegram(secret: string, header: string | null): boolean {
  return header !== null && sameText(secret, header);
}
