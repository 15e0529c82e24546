// Amazon SNS, the envelope CloudWatch alarms arrive in: every message is verified against the
// signing certificate it names (whose URL must be Amazon's SNS host, or SNS_CERTIFICATE_BASE_URL in
// tests and local mode); a subscription is confirmed by visiting its SubscribeURL; a notification's
// Message goes on to the adapter. A message that cannot be verified is refused and opens nothing.
import { z } from 'zod';
import { HttpError, validate } from '../http';

export const snsMessageSchema = z.looseObject({
  Type: z.enum(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']),
  MessageId: z.string(),
  TopicArn: z.string(),
  Subject: z.string().optional(),
  Message: z.string(),
  Timestamp: z.string(),
  SignatureVersion: z.enum(['1', '2']),
  Signature: z.string(),
  SigningCertURL: z.string(),
  SubscribeURL: z.string().optional(),
  Token: z.string().optional(),
});
export type SnsMessage = z.infer<typeof snsMessageSchema>;

/** The text SNS signs: named fields, each as name and value on its own line, in this order. */
export function stringToSign(message: SnsMessage): string {
  const fields =
    message.Type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  return fields
    .filter((name) => message[name] !== undefined)
    .map((name) => `${name}\n${message[name] as string}\n`)
    .join('');
}

const AMAZON_SNS_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

/** Whether a URL SNS names (its certificate, a subscription) is SNS's own. */
export function isSnsUrl(url: string, testBase: string | undefined): boolean {
  if (testBase) return url.startsWith(testBase);
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && AMAZON_SNS_HOST.test(parsed.hostname) && parsed.port === '';
  } catch {
    return false;
  }
}

/** The SubjectPublicKeyInfo of an X.509 certificate (DER): the seventh field of its tbsCertificate. */
export function publicKeyOf(der: Uint8Array): Uint8Array {
  const read = (at: number) => {
    const tag = der[at]!;
    let length = der[at + 1]!;
    let header = 2;
    if (length & 0x80) {
      const bytes = length & 0x7f;
      length = 0;
      for (let i = 0; i < bytes; i++) length = length * 256 + der[at + 2 + i]!;
      header += bytes;
    }
    if (at + header + length > der.length) throw new Error('truncated certificate');
    return { tag, at, start: at + header, end: at + header + length, next: at + header + length };
  };
  const certificate = read(0);
  const tbs = read(certificate.start);
  let field = read(tbs.start);
  // [0] version is optional; then serial, signature, issuer, validity, subject, subjectPublicKeyInfo.
  const skip = field.tag === 0xa0 ? 6 : 5;
  for (let i = 0; i < skip; i++) field = read(field.next);
  if (field.tag !== 0x30) throw new Error('no public key in the certificate');
  return der.slice(field.at, field.end);
}

function pemToDer(pem: string): Uint8Array {
  const body = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  return Uint8Array.from(atob(body), (ch) => ch.charCodeAt(0));
}

const certificates = new Map<string, Promise<CryptoKey>>();

async function signingKey(url: string, hash: 'SHA-1' | 'SHA-256'): Promise<CryptoKey> {
  const cacheKey = `${hash} ${url}`;
  let key = certificates.get(cacheKey);
  if (!key) {
    key = (async () => {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (!response.ok) throw new Error(`the signing certificate answered ${response.status}`);
      const spki = publicKeyOf(pemToDer(await response.text()));
      return crypto.subtle.importKey('spki', spki, { name: 'RSASSA-PKCS1-v1_5', hash }, false, ['verify']);
    })();
    certificates.set(cacheKey, key);
    key.catch(() => certificates.delete(cacheKey));
  }
  return key;
}

const refused = (why: string) =>
  new HttpError(403, 'signature_invalid', `the SNS message is refused: ${why}`, [{ field: 'Signature', message: why }]);

/** The message, verified; or the 4xx that says why it cannot be. */
export async function verifiedSnsMessage(json: unknown, env: Env): Promise<SnsMessage> {
  const message = validate(snsMessageSchema, json, 'SNS message');
  const testBase = env.SNS_CERTIFICATE_BASE_URL;
  if (!isSnsUrl(message.SigningCertURL, testBase)) throw refused('its SigningCertURL is not an Amazon SNS URL');
  let valid: boolean;
  try {
    const key = await signingKey(message.SigningCertURL, message.SignatureVersion === '1' ? 'SHA-1' : 'SHA-256');
    const signature = Uint8Array.from(atob(message.Signature), (ch) => ch.charCodeAt(0));
    valid = await crypto.subtle.verify(
      'RSASSA-PKCS1-v1_5',
      key,
      signature,
      new TextEncoder().encode(stringToSign(message)),
    );
  } catch (error) {
    throw refused(`its signature cannot be checked (${String(error).slice(0, 120)})`);
  }
  if (!valid) throw refused('its signature does not match');
  return message;
}

/** Confirms a verified subscription by visiting its SubscribeURL (an SNS URL too). */
export async function confirmSubscription(message: SnsMessage, env: Env): Promise<void> {
  const url = message.SubscribeURL ?? '';
  if (!isSnsUrl(url, env.SNS_CERTIFICATE_BASE_URL)) throw refused('its SubscribeURL is not an Amazon SNS URL');
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) {
    throw new HttpError(502, 'subscription_not_confirmed', `SNS answered ${response.status} to the confirmation`);
  }
}

/**
 * Opens the envelope of a request that SNS delivered: its answer when it was not a notification (a
 * subscription confirmed, an unsubscription noted), or null for a verified notification to go on.
 */
export async function openSnsEnvelope(json: unknown, env: Env): Promise<{ answer: object } | null> {
  const message = await verifiedSnsMessage(json, env);
  if (message.Type === 'Notification') return null;
  if (message.Type === 'SubscriptionConfirmation') {
    await confirmSubscription(message, env);
    return { answer: { status: 'success', message: `subscribed to ${message.TopicArn}` } };
  }
  return { answer: { status: 'success', message: `unsubscribed from ${message.TopicArn}` } };
}
