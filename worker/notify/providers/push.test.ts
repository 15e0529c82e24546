import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Outbound, Subject } from '../provider';
import { encrypt, fromBase64url, pushProvider, pushSubscriptionSchema, toBase64url } from './push';

const ENDPOINT = 'https://push.example.net/wpush/v2/abc123';
const ecdh = { name: 'ECDH', namedCurve: 'P-256' } as const;
const ecdsa = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const utf8 = (text: string) => new TextEncoder().encode(text);

/** A browser's side of a subscription: its ECDH key pair and auth secret. */
async function subscriber() {
  const keys = (await crypto.subtle.generateKey(ecdh, true, ['deriveBits'])) as CryptoKeyPair;
  const publicKey = new Uint8Array((await crypto.subtle.exportKey('raw', keys.publicKey)) as ArrayBuffer);
  const auth = crypto.getRandomValues(new Uint8Array(16));
  const address = JSON.stringify({
    endpoint: ENDPOINT,
    expirationTime: null,
    keys: { p256dh: toBase64url(publicKey), auth: toBase64url(auth) },
  });
  return { privateKey: keys.privateKey, publicKey, auth, address };
}

/** A server key pair as `web-push generate-vapid-keys` prints it. */
async function vapidKeys() {
  const keys = (await crypto.subtle.generateKey(ecdsa, true, ['sign', 'verify'])) as CryptoKeyPair;
  const publicKey = toBase64url(new Uint8Array((await crypto.subtle.exportKey('raw', keys.publicKey)) as ArrayBuffer));
  const { d } = (await crypto.subtle.exportKey('jwk', keys.privateKey)) as JsonWebKey;
  return { publicKey, privateKey: d! };
}

async function provider(vapid?: { publicKey: string; privateKey: string }) {
  const { publicKey, privateKey } = vapid ?? (await vapidKeys());
  return pushProvider({ ...env, VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey })!;
}

async function hkdf(salt: Uint8Array, ikm: BufferSource, info: Uint8Array, bytes: number) {
  const key = await crypto.subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info }, key, bytes * 8));
}

/** What the browser does with the body (RFC 8291 §3.4, RFC 8188 §2), written apart from the provider's. */
async function decrypt(body: Uint8Array, ua: { privateKey: CryptoKey; publicKey: Uint8Array; auth: Uint8Array }) {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const salt = body.slice(0, 16);
  const recordSize = view.getUint32(16);
  const keyId = body.slice(21, 21 + body[20]!);
  const asPublic = await crypto.subtle.importKey('raw', keyId, ecdh, false, []);
  const agreement = { name: 'ECDH', public: asPublic };
  const shared = await crypto.subtle.deriveBits(agreement, ua.privateKey, 256);
  const keyInfo = new Uint8Array([...utf8('WebPush: info\0'), ...ua.publicKey, ...keyId]);
  const ikm = await hkdf(ua.auth, shared, keyInfo, 32);
  const cek = await hkdf(salt, ikm, utf8('Content-Encoding: aes128gcm\0'), 16);
  const nonce = await hkdf(salt, ikm, utf8('Content-Encoding: nonce\0'), 12);
  const key = await crypto.subtle.importKey('raw', cek, 'AES-GCM', false, ['decrypt']);
  const record = body.slice(21 + keyId.length);
  const padded = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: nonce }, key, record));
  let end = padded.length - 1;
  while (padded[end] === 0) end -= 1;
  return { recordSize, keyId, delimiter: padded[end], text: new TextDecoder().decode(padded.slice(0, end)) };
}

function decodeJson(part: string): any {
  return JSON.parse(new TextDecoder().decode(fromBase64url(part)!));
}

const page: Subject = {
  type: 'page',
  incident: {
    id: 'inc_01JABCDEF',
    number: 42,
    summary: 'Disk full on db-1',
    urgency: 'high',
    status: 'triggered',
    service: 'Payments',
  },
  links: {
    view: 'https://tocsin.example/incidents/42',
    acknowledge: 'https://tocsin.example/a/42?sig=ack',
    resolve: 'https://tocsin.example/a/42?sig=res',
  },
  buttons: { acknowledge: 'ack:42', resolve: 'res:42' },
};

function outbound(address: string, subject: Subject = page, locale: Outbound['locale'] = 'en'): Outbound {
  return {
    id: 'ntf_1',
    channel: 'push',
    address,
    locale,
    timeZone: 'Asia/Seoul',
    subject,
    callbacks: { status: 'https://tocsin.example/cb/status', voice: 'https://tocsin.example/cb/voice' },
  };
}

type Captured = { url: string; init: RequestInit; headers: Headers; body: Uint8Array };

/** Answers every fetch with `answer` and keeps what was sent. */
function pushService(answer: () => Response) {
  const calls: Captured[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const body = init?.body instanceof Uint8Array ? init.body : new Uint8Array();
    calls.push({ url: String(input), init: init ?? {}, headers: new Headers(init?.headers), body });
    return answer();
  });
  return calls;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('web push provider', () => {
  it('posts a page to the endpoint, encrypted for the subscriber and signed with the VAPID key', async () => {
    const ua = await subscriber();
    const vapid = await vapidKeys();
    const calls = pushService(() => new Response(null, { status: 201, headers: { location: `${ENDPOINT}/m/1` } }));
    const before = Math.floor(Date.now() / 1000);

    const delivery = await (await provider(vapid)).send(outbound(ua.address));

    expect(delivery).toEqual({ status: 'sent', providerMessageId: `${ENDPOINT}/m/1` });
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call!.url).toBe(ENDPOINT);
    expect(call!.init.method).toBe('POST');
    expect(call!.headers.get('content-encoding')).toBe('aes128gcm');
    expect(call!.headers.get('content-type')).toBe('application/octet-stream');
    expect(call!.headers.get('ttl')).toBe('86400');
    expect(call!.headers.get('urgency')).toBe('high');
    expect(call!.headers.get('topic')).toMatch(/^[A-Za-z0-9_-]{1,32}$/);

    const authorization = /^vapid t=([\w-]+)\.([\w-]+)\.([\w-]+), k=([\w-]+)$/.exec(
      call!.headers.get('authorization')!,
    );
    expect(authorization).not.toBeNull();
    const [, header, claims, signature, k] = authorization!;
    expect(k).toBe(vapid.publicKey);
    expect(decodeJson(header!)).toEqual({ typ: 'JWT', alg: 'ES256' });
    const { aud, exp, sub } = decodeJson(claims!);
    expect(aud).toBe('https://push.example.net');
    expect(sub).toBe('mailto:tocsin@localhost');
    expect(exp).toBeGreaterThanOrEqual(before + 12 * 3600);
    expect(exp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 12 * 3600);
    const verifier = await crypto.subtle.importKey('raw', fromBase64url(k!)!, ecdsa, false, ['verify']);
    const signed = utf8(`${header}.${claims}`);
    const valid = await crypto.subtle.verify(
      { name: 'ECDSA', hash: 'SHA-256' },
      verifier,
      fromBase64url(signature!)!,
      signed,
    );
    expect(valid).toBe(true);

    const opened = await decrypt(call!.body, ua);
    expect(opened.recordSize).toBe(4096);
    expect(opened.keyId).toHaveLength(65);
    expect(opened.delimiter).toBe(2);
    expect(JSON.parse(opened.text)).toEqual({
      title: '#42 Disk full on db-1',
      body: 'Urgency: high · Payments',
      url: page.links.view,
      tag: 'inc_01JABCDEF',
      require_interaction: true,
      actions: [
        { action: 'acknowledge', title: 'Acknowledge', url: page.links.acknowledge },
        { action: 'resolve', title: 'Resolve', url: page.links.resolve },
      ],
    });
  });

  it('reproduces the worked example of RFC 8291 Appendix A byte for byte', async () => {
    const asPublic = fromBase64url(
      'BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8',
    )!;
    const jwk = {
      kty: 'EC',
      crv: 'P-256',
      x: toBase64url(asPublic.subarray(1, 33)),
      y: toBase64url(asPublic.subarray(33)),
    };
    const keys = {
      publicKey: await crypto.subtle.importKey('jwk', jwk, ecdh, true, []),
      privateKey: await crypto.subtle.importKey(
        'jwk',
        { ...jwk, d: 'yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw' },
        ecdh,
        false,
        ['deriveBits'],
      ),
    };
    const body = await encrypt(
      utf8('When I grow up, I want to be a watermelon'),
      {
        p256dh: fromBase64url(
          'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4',
        )!,
        auth: fromBase64url('BTBZMqHH6r4Tts7J_aSIgg')!,
      },
      { salt: fromBase64url('DGv6ra1nlYgDCS1FRnbzlw')!, keys },
    );

    expect(toBase64url(body)).toBe(
      'DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN',
    );
  });

  it("titles a page in the recipient's language and cuts a long summary", async () => {
    const ua = await subscriber();
    const calls = pushService(() => new Response(null, { status: 201 }));
    const long: Subject = {
      ...page,
      incident: { ...page.incident, summary: '디스크 가득 참 '.repeat(100), status: 'acknowledged', urgency: 'medium' },
    };

    const delivery = await (await provider()).send(outbound(ua.address, long, 'ko'));

    expect(delivery).toEqual({ status: 'sent', providerMessageId: null });
    expect(calls[0]!.headers.get('urgency')).toBe('normal');
    const payload = JSON.parse((await decrypt(calls[0]!.body, ua)).text);
    expect([...payload.title].length).toBeLessThanOrEqual('#42 '.length + 120);
    expect(payload.title).toMatch(/^#42 디스크 가득 참 .*…$/);
    expect(payload.body).toBe('확인됨 · 긴급도: 보통 · Payments');
    expect(payload.actions.map((a: any) => a.title)).toEqual(['확인', '해결']);
  });

  it('sends a verification code, a handoff notice and a test as a plain title and body', async () => {
    const ua = await subscriber();
    const calls = pushService(() => new Response(null, { status: 201 }));
    const push = await provider();
    const handoff: Subject = {
      type: 'handoff',
      schedule: 'Primary',
      layer: null,
      start: '2026-05-01T00:00:00Z',
      end: '2026-05-08T00:00:00Z',
      minutesBefore: 15,
    };

    await push.send(outbound(ua.address, { type: 'verify', code: '482913' }, 'ja'));
    await push.send(outbound(ua.address, handoff));
    await push.send(outbound(ua.address, { type: 'test' }, 'zh'));

    const payloads = await Promise.all(calls.map(async (call) => JSON.parse((await decrypt(call.body, ua)).text)));
    expect(payloads[0]).toEqual({ title: 'Tocsin 確認コード', body: '482913' });
    expect(payloads[1]).toEqual({ title: 'On-call shift', body: 'Primary: starts in 15 min (May 1, 2026, 9:00 AM)' });
    expect(payloads[2]).toEqual({ title: 'Tocsin 测试通知', body: '推送通知可以送达此设备。' });
    expect(calls.map((call) => call.headers.get('ttl'))).toEqual(['600', '3600', '3600']);
    expect(calls.map((call) => call.headers.get('urgency'))).toEqual(['normal', 'normal', 'normal']);
    expect(calls.map((call) => call.headers.has('topic'))).toEqual([false, false, false]);
  });

  it('fails a message whose subscription is gone (404, 410)', async () => {
    const ua = await subscriber();
    const push = await provider();
    for (const status of [404, 410]) {
      pushService(() => new Response('gone', { status }));
      const delivery = await push.send(outbound(ua.address));
      expect(delivery).toEqual({
        status: 'failed',
        reason: expect.stringMatching(new RegExp(`^${status}: .*expired`)),
      });
    }
  });

  it('fails a message the push service finds too large (413)', async () => {
    const ua = await subscriber();
    pushService(() => new Response('payload too large', { status: 413 }));

    expect(await (await provider()).send(outbound(ua.address))).toEqual({
      status: 'failed',
      reason: '413 payload too large',
    });
  });

  it('retries after the delay a rate-limited push service asks for (429 Retry-After)', async () => {
    const ua = await subscriber();
    pushService(() => new Response('slow down', { status: 429, headers: { 'retry-after': '30' } }));

    expect(await (await provider()).send(outbound(ua.address))).toEqual({
      status: 'retry',
      reason: '429 slow down',
      retryAfterSeconds: 30,
    });
  });

  it('retries when the push service is unavailable (503)', async () => {
    const ua = await subscriber();
    pushService(() => new Response('unavailable', { status: 503 }));

    expect(await (await provider()).send(outbound(ua.address))).toEqual({
      status: 'retry',
      reason: '503 unavailable',
    });
  });

  it('retries when the push service cannot be reached', async () => {
    const ua = await subscriber();
    vi.spyOn(globalThis, 'fetch').mockRejectedValue(new TypeError('connection refused'));

    const delivery = await (await provider()).send(outbound(ua.address));

    expect(delivery).toEqual({ status: 'retry', reason: expect.stringContaining('connection refused') });
  });

  it('fails an address that is not a push subscription, without a request', async () => {
    const calls = pushService(() => new Response(null, { status: 201 }));
    const push = await provider();
    const noKeys = JSON.stringify({ endpoint: ENDPOINT });
    const shortAuth = JSON.stringify({ endpoint: ENDPOINT, keys: { p256dh: 'BAAA', auth: 'AAAA' } });

    for (const address of ['not json', noKeys, shortAuth, '"https://push.example.net"']) {
      expect(await push.send(outbound(address))).toEqual({
        status: 'failed',
        reason: expect.stringMatching(/^the address is not a push subscription/),
      });
    }
    expect(calls).toHaveLength(0);
  });

  it('fails every message when the VAPID keys are not one key pair', async () => {
    const ua = await subscriber();
    const calls = pushService(() => new Response(null, { status: 201 }));
    const mismatched = { publicKey: (await vapidKeys()).publicKey, privateKey: (await vapidKeys()).privateKey };

    for (const vapid of [mismatched, { publicKey: 'abc', privateKey: 'def' }]) {
      expect(await (await provider(vapid)).send(outbound(ua.address))).toEqual({
        status: 'failed',
        reason: expect.stringContaining('VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY'),
      });
    }
    expect(calls).toHaveLength(0);
  });

  it('is absent without VAPID keys', () => {
    expect(pushProvider({ ...env, VAPID_PUBLIC_KEY: undefined, VAPID_PRIVATE_KEY: undefined })).toBeNull();
    expect(pushProvider({ ...env, VAPID_PUBLIC_KEY: 'BAAA', VAPID_PRIVATE_KEY: undefined })).toBeNull();
  });
});

describe('push subscription schema', () => {
  it("accepts a browser's subscription and refuses plain http beyond loopback", async () => {
    const { address } = await subscriber();
    const subscription = JSON.parse(address);

    expect(pushSubscriptionSchema.safeParse(subscription).success).toBe(true);
    const http = { ...subscription, endpoint: 'http://push.example.net/x' };
    expect(pushSubscriptionSchema.safeParse(http).success).toBe(false);
    const loopback = { ...subscription, endpoint: 'http://127.0.0.1:8787/push/1' };
    expect(pushSubscriptionSchema.safeParse(loopback).success).toBe(true);
  });
});
