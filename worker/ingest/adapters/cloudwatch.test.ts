// CloudWatch alarms through SNS, in the real runtime: each message verified against the signing
// certificate it names (a fake SNS here, with its own key), a subscription confirmed, and anything
// unverifiable refused without opening an incident.
import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import alarm from '../fixtures/cloudwatch/alarm.json?raw';
import ok from '../fixtures/cloudwatch/ok.json?raw';
import { incidentObjectName } from '../../incident/commands';
import type { Incident } from '../../incident/lifecycle';
import { api, send } from '../../test/helpers';
import { isSnsUrl, publicKeyOf, stringToSign, type SnsMessage } from '../sns';

const KEY = 'key-cloudwatch-0123456789';
const CERT_URL = 'https://sns.fake/SimpleNotificationService-abc.pem';
const TOPIC = 'arn:aws:sns:ap-northeast-2:123456789012:tocsin';
const ARN = 'arn:aws:cloudwatch:ap-northeast-2:123456789012:alarm:awsec2-i-0abc123-High-CPU';

/** DER: a tag, its length, its content. */
function der(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const content = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    content.set(part, at);
    at += part.length;
  }
  const length = content.length < 128 ? [content.length] : [0x82, content.length >> 8, content.length & 0xff];
  return new Uint8Array([tag, ...length, ...content]);
}

/** A certificate as SNS serves one, enough for its public key to be read (nothing trusts its chain here). */
async function certificate(publicKey: CryptoKey): Promise<string> {
  const spki = new Uint8Array((await crypto.subtle.exportKey('spki', publicKey)) as ArrayBuffer);
  const int = (n: number) => der(0x02, new Uint8Array([n]));
  const tbs = der(0x30, der(0xa0, int(2)), int(1), der(0x30), der(0x30), der(0x30), der(0x30), spki);
  const cert = der(0x30, tbs, der(0x30), der(0x03, new Uint8Array([0])));
  return `-----BEGIN CERTIFICATE-----\n${btoa(String.fromCharCode(...cert))}\n-----END CERTIFICATE-----\n`;
}

let keys: CryptoKeyPair;
let pem: string;

type Unsigned = Pick<SnsMessage, 'Type' | 'MessageId' | 'TopicArn' | 'Message' | 'Timestamp'> &
  Partial<Pick<SnsMessage, 'Subject' | 'SubscribeURL' | 'Token'>>;

async function signed(fields: Unsigned) {
  const message: SnsMessage = { ...fields, SignatureVersion: '2', SigningCertURL: CERT_URL, Signature: '' };
  const signature = await crypto.subtle.sign(
    'RSASSA-PKCS1-v1_5',
    keys.privateKey,
    new TextEncoder().encode(stringToSign(message)),
  );
  return { ...message, Signature: btoa(String.fromCharCode(...new Uint8Array(signature))) };
}

const notification = (message: string, id = crypto.randomUUID()) =>
  signed({
    Type: 'Notification',
    MessageId: id,
    TopicArn: TOPIC,
    Subject: 'ALARM: "awsec2-i-0abc123-High-CPU" in Asia Pacific (Seoul)',
    Message: message,
    Timestamp: '2026-11-24T17:05:13.200Z',
  });

/** SNS posts JSON as text/plain. */
const deliver = (body: object) =>
  send(`/integration/cloudwatch/v1/${KEY}`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': 'Notification' },
    body: JSON.stringify(body),
  });

const fetched: string[] = [];
beforeAll(async () => {
  keys = (await crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  pem = await certificate(keys.publicKey);
  const result = await api('PUT', '/config', {
    services: [{ id: 'aws', name: 'AWS' }],
    integrations: [{ id: 'cw', name: 'CloudWatch', type: 'cloudwatch', service: 'aws', key: KEY }],
  });
  expect(result.status, JSON.stringify(result.body)).toBe(200);
});

afterEach(() => vi.restoreAllMocks());

function fakeSns() {
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input) => {
    const url = new Request(input as RequestInfo).url;
    fetched.push(url);
    if (url === CERT_URL) return new Response(pem);
    if (url.startsWith('https://sns.fake/confirm')) return new Response('<ConfirmSubscriptionResponse/>');
    return new Response('not found', { status: 404 });
  });
}

async function alarmIncident() {
  const integration = (await api('GET', '/integrations/cw')).body.id as string;
  const object = env.INCIDENTS.getByName(incidentObjectName(integration, ARN));
  return (await object.latestIncident()) as Incident | null;
}

describe('CloudWatch alarms through SNS', () => {
  it('confirms the subscription by visiting its SubscribeURL', async () => {
    fakeSns();
    const confirmation = await signed({
      Type: 'SubscriptionConfirmation',
      MessageId: crypto.randomUUID(),
      TopicArn: TOPIC,
      Token: 'token-1',
      Message: 'You have chosen to subscribe to the topic…',
      SubscribeURL: 'https://sns.fake/confirm?Token=token-1',
      Timestamp: '2026-11-24T17:00:00.000Z',
    });
    const response = await deliver(confirmation);
    expect(response.status).toBe(202);
    expect(fetched).toContain('https://sns.fake/confirm?Token=token-1');
  });

  it('opens an incident for ALARM, keyed by the alarm, and resolves it on OK', async () => {
    fakeSns();
    expect((await deliver(await notification(alarm))).status).toBe(202);
    expect(await alarmIncident()).toMatchObject({
      status: 'triggered',
      urgency: 'high',
      summary: 'ALARM: "awsec2-i-0abc123-High-CPU" in Asia Pacific (Seoul)',
    });
    expect((await deliver(await notification(ok))).status).toBe(202);
    expect((await alarmIncident())?.status).toBe('resolved');
  });

  it('refuses a message whose signature does not match, or whose certificate is not SNS’s, opening nothing', async () => {
    fakeSns();
    const forged = { ...(await notification(alarm)), Message: alarm.replace('ALARM', 'ALARM ') };
    const refused = await deliver(forged);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: 'signature_invalid', fields: [{ field: 'Signature' }] });
    const elsewhere = await deliver({
      ...(await notification(alarm)),
      SigningCertURL: 'https://evil.example/cert.pem',
    });
    expect(elsewhere.status).toBe(403);
    expect((await deliver({ Type: 'Notification' })).status).toBe(400);
  });
});

describe('what counts as an SNS URL', () => {
  it('is https on sns.<region>.amazonaws.com, unless a test base is set', () => {
    const real =
      'https://sns.ap-northeast-2.amazonaws.com/SimpleNotificationService-01d088a6f77103d0fe307c0069e40ed6.pem';
    expect(isSnsUrl(real, undefined)).toBe(true);
    expect(isSnsUrl('https://sns.cn-north-1.amazonaws.com.cn/x.pem', undefined)).toBe(true);
    for (const url of [
      'http://sns.us-east-1.amazonaws.com/x.pem',
      'https://sns.us-east-1.amazonaws.com.evil.example/x.pem',
      'https://evil.example/sns.us-east-1.amazonaws.com/x.pem',
      'https://sns.us-east-1.amazonaws.com:8443/x.pem',
    ]) {
      expect(isSnsUrl(url, undefined), url).toBe(false);
    }
  });

  it('reads the public key out of a certificate', async () => {
    const pair = (await crypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    const body = (await certificate(pair.publicKey)).split('\n')[1]!;
    const spki = publicKeyOf(Uint8Array.from(atob(body), (ch) => ch.charCodeAt(0)));
    expect(spki).toEqual(new Uint8Array((await crypto.subtle.exportKey('spki', pair.publicKey)) as ArrayBuffer));
  });
});
