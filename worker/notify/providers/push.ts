// The Web Push provider: a notification encrypted for one browser's subscription (RFC 8291, aes128gcm)
// and posted to its push service with a VAPID token (RFC 8030, RFC 8292), all through Web Crypto.
import { z } from 'zod';
import type { Locale } from '../../vocabulary';
import { localTime, SUMMARY_CHARS, texts, truncate } from '../message';
import { classify, request, type Delivery, type Outbound, type Provider, type Subject } from '../provider';

const DEFAULT_SUBJECT = 'mailto:tocsin@localhost';
/** RFC 8292 §2 allows at most 24 hours; 12 leaves room for a push service's clock. */
const TOKEN_SECONDS = 12 * 60 * 60;
/** RFC 8291 §4: one 4096-octet record, so the whole body fits what every push service must take. */
const RECORD_SIZE = 4096;
/** The body less its header (86 octets), the AES-GCM tag (16) and the padding delimiter (1). */
export const MAX_PLAINTEXT_BYTES = RECORD_SIZE - 86 - 16 - 1;
const SERVICE_CHARS = 60;

export function fromBase64url(text: string): Uint8Array | null {
  // Browsers give base64url without padding; padded and standard base64 are taken too.
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

export function toBase64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

function isP256Point(text: string): boolean {
  const bytes = fromBase64url(text);
  return bytes?.length === 65 && bytes[0] === 4;
}

/** Push services are reached over TLS (RFC 8030 §8); plain http only on loopback, for a local fake. */
function isPushEndpoint(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

/** A browser's `PushSubscription.toJSON()`, as a push contact method's address holds it. */
export const pushSubscriptionSchema = z.object({
  endpoint: z.string().max(2048).refine(isPushEndpoint, 'endpoint is an https URL'),
  expirationTime: z.number().nullable().optional(),
  keys: z.object({
    p256dh: z.string().refine(isP256Point, 'keys.p256dh is a P-256 public key: 65 bytes in base64url'),
    auth: z.string().refine((text) => fromBase64url(text)?.length === 16, 'keys.auth is 16 bytes in base64url'),
  }),
});
export type WebPushSubscription = z.infer<typeof pushSubscriptionSchema>;

const utf8 = (text: string) => new TextEncoder().encode(text);

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

async function hkdf(salt: Uint8Array, ikm: BufferSource, info: Uint8Array, bytes: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info }, key, bytes * 8));
}

/**
 * The aes128gcm body (RFC 8291 §3, RFC 8188) of `plaintext` for the browser holding `to`. `sender`, the
 * salt and ephemeral ECDH key pair, is drawn fresh unless given, as RFC 8291's worked example needs.
 */
export async function encrypt(
  plaintext: Uint8Array,
  to: { p256dh: Uint8Array; auth: Uint8Array },
  sender?: { salt: Uint8Array; keys: CryptoKeyPair },
): Promise<Uint8Array> {
  const salt = sender?.salt ?? crypto.getRandomValues(new Uint8Array(16));
  const keys =
    sender?.keys ??
    ((await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits'])) as CryptoKeyPair);
  const asPublic = new Uint8Array((await crypto.subtle.exportKey('raw', keys.publicKey)) as ArrayBuffer);
  const uaPublic = await crypto.subtle.importKey('raw', to.p256dh, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  // workers-types spells the member `$public`; workerd reads `public`, as Web Crypto has it.
  const agreement = { name: 'ECDH', public: uaPublic };
  const shared = await crypto.subtle.deriveBits(agreement, keys.privateKey, 256);
  const ikm = await hkdf(to.auth, shared, concat(utf8('WebPush: info\0'), to.p256dh, asPublic), 32);
  const cek = await hkdf(salt, ikm, utf8('Content-Encoding: aes128gcm\0'), 16);
  const nonce = await hkdf(salt, ikm, utf8('Content-Encoding: nonce\0'), 12);
  const key = await crypto.subtle.importKey('raw', cek, 'AES-GCM', false, ['encrypt']);
  // The only record is the last, so its padding delimiter is 2; no padding follows (RFC 8188 §2).
  const record = await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce }, key, concat(plaintext, Uint8Array.of(2)));
  const header = new Uint8Array(21);
  header.set(salt);
  new DataView(header.buffer).setUint32(16, RECORD_SIZE);
  header[20] = asPublic.length;
  return concat(header, asPublic, new Uint8Array(record));
}

/** The server's VAPID identity: its ES256 signing key, the public key push services check it with, and `sub`. */
interface Vapid {
  key: CryptoKey;
  publicKey: string;
  subject: string;
}

/** RFC 8292 §3: `vapid t=<JWT>, k=<public key>`, the token bound to the push service's origin. */
export async function vapidAuthorization(endpoint: string, vapid: Vapid, now: number): Promise<string> {
  const part = (value: object) => toBase64url(utf8(JSON.stringify(value)));
  const claims = { aud: new URL(endpoint).origin, exp: Math.floor(now / 1000) + TOKEN_SECONDS, sub: vapid.subject };
  const unsigned = `${part({ typ: 'JWT', alg: 'ES256' })}.${part(claims)}`;
  // Web Crypto signs ECDSA as raw r‖s, which is exactly JWS's ES256 form.
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, vapid.key, utf8(unsigned));
  return `vapid t=${unsigned}.${toBase64url(new Uint8Array(signature))}, k=${vapid.publicKey}`;
}

/** Imports the VAPID pair and proves the halves belong together, so a mismatch is named once, here. */
async function importVapid(publicText: string, privateText: string, subject: string): Promise<Vapid | string> {
  const invalid = 'VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are not one P-256 key pair in base64url';
  const publicKey = fromBase64url(publicText);
  const d = fromBase64url(privateText);
  if (publicKey?.length !== 65 || publicKey[0] !== 4 || d?.length !== 32) return invalid;
  const jwk = {
    kty: 'EC',
    crv: 'P-256',
    x: toBase64url(publicKey.subarray(1, 33)),
    y: toBase64url(publicKey.subarray(33)),
  };
  const ecdsa = { name: 'ECDSA', namedCurve: 'P-256' };
  try {
    const key = await crypto.subtle.importKey('jwk', { ...jwk, d: toBase64url(d) }, ecdsa, false, ['sign']);
    const verifier = await crypto.subtle.importKey('raw', publicKey, ecdsa, false, ['verify']);
    const probe = utf8('tocsin');
    const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, probe);
    const matches = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, verifier, signature, probe);
    return matches ? { key, publicKey: toBase64url(publicKey), subject } : invalid;
  } catch {
    return invalid;
  }
}

/** A page of high or highest urgency: delivered at once (RFC 8030 §5.3) and kept on screen. */
const isUrgent = (subject: Subject) =>
  subject.type === 'page' && (subject.incident.urgency === 'high' || subject.incident.urgency === 'highest');

/**
 * What the console's service worker shows: `showNotification(title, { body, tag, actions, requireInteraction })`,
 * `url` on a click, an action's `url` when its button is pressed.
 */
export function payloadOf(subject: Subject, locale: Locale, timeZone: string): Record<string, unknown> {
  const t = texts[locale];
  switch (subject.type) {
    case 'page': {
      const { incident, links } = subject;
      const line = [
        incident.status === 'triggered' ? null : t.status[incident.status],
        t.urgency(incident.urgency),
        incident.service === null ? null : truncate(incident.service, SERVICE_CHARS),
      ];
      return {
        title: `#${incident.number} ${truncate(incident.summary, SUMMARY_CHARS)}`,
        body: line.filter((part) => part !== null).join(' · '),
        url: links.view,
        // A later message for the same incident replaces the earlier one on the device.
        tag: incident.id,
        // An urgent page stays on screen until it is answered or dismissed.
        require_interaction: isUrgent(subject),
        actions: [
          { action: 'acknowledge', title: t.acknowledge, url: links.acknowledge },
          { action: 'resolve', title: t.resolve, url: links.resolve },
        ],
      };
    }
    case 'handoff': {
      const where = [subject.schedule, subject.layer].filter((part) => part !== null).join(' / ');
      const lead = subject.minutesBefore === 0 ? t.startsNow : t.startsIn(subject.minutesBefore);
      return { title: t.handoff, body: `${where}: ${lead} (${localTime(subject.start, locale, timeZone)})` };
    }
    case 'verify':
      return { title: t.verify, body: subject.code };
    case 'test':
      return { title: t.test, body: t.testBody };
    // Sent by email alone; a device that got one would show no secret link.
    case 'password_link':
      return { title: subject.purpose === 'invite' ? t.invite : t.reset, body: '' };
  }
}

/**
 * How long the push service keeps a message for a device that is off. A page keeps a day: a phone
 * switched off overnight still rings when it comes back, and by then escalation has gone on without it.
 * A verification code is useless after minutes; the rest keep an hour.
 */
function ttlOf(subject: Subject): number {
  if (subject.type === 'page') return 24 * 60 * 60;
  if (subject.type === 'verify') return 10 * 60;
  return 60 * 60;
}

/** RFC 8030 §5.4: up to 32 base64url characters; the incident's, so a queued page is replaced by a newer one. */
async function topicOf(incidentId: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', utf8(incidentId));
  return toBase64url(new Uint8Array(digest)).slice(0, 32);
}

async function answerOf(response: Response): Promise<Delivery> {
  if (response.status === 404 || response.status === 410) {
    await response.body?.cancel();
    return {
      status: 'failed',
      reason: `${response.status}: the push subscription has expired or was withdrawn; subscribe this device again`,
    };
  }
  const delivery = await classify(response);
  // The push message's own resource (RFC 8030 §5) is its id.
  return delivery.status === 'sent'
    ? { status: 'sent', providerMessageId: response.headers.get('location') }
    : delivery;
}

export function pushProvider(env: Env): Provider | null {
  if (!env.VAPID_PUBLIC_KEY || !env.VAPID_PRIVATE_KEY) return null;
  const { VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey } = env;
  let vapid: Promise<Vapid | string> | undefined;
  return {
    name: 'webpush',
    async send(message: Outbound): Promise<Delivery> {
      let json: unknown;
      try {
        json = JSON.parse(message.address);
      } catch {
        return { status: 'failed', reason: 'the address is not a push subscription: not JSON' };
      }
      const parsed = pushSubscriptionSchema.safeParse(json);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) => issue.message).join('; ');
        return { status: 'failed', reason: `the address is not a push subscription: ${problems}` };
      }
      vapid ??= importVapid(publicKey, privateKey, env.VAPID_SUBJECT || DEFAULT_SUBJECT);
      const identity = await vapid;
      if (typeof identity === 'string') return { status: 'failed', reason: identity };

      const plaintext = utf8(JSON.stringify(payloadOf(message.subject, message.locale, message.timeZone)));
      if (plaintext.length > MAX_PLAINTEXT_BYTES) {
        return {
          status: 'failed',
          reason: `the push message is ${plaintext.length} bytes, over ${MAX_PLAINTEXT_BYTES}`,
        };
      }
      const { endpoint, keys } = parsed.data;
      // The schema has checked both keys decode.
      const to = { p256dh: fromBase64url(keys.p256dh)!, auth: fromBase64url(keys.auth)! };
      const { subject } = message;
      const headers: Record<string, string> = {
        Authorization: await vapidAuthorization(endpoint, identity, Date.now()),
        'Content-Encoding': 'aes128gcm',
        'Content-Type': 'application/octet-stream',
        TTL: String(ttlOf(subject)),
        Urgency: isUrgent(subject) ? 'high' : 'normal',
      };
      if (subject.type === 'page') headers.Topic = await topicOf(subject.incident.id);
      const answer = await request(endpoint, { method: 'POST', headers, body: await encrypt(plaintext, to) });
      return answer instanceof Response ? answerOf(answer) : answer;
    },
  };
}
