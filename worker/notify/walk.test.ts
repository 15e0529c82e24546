// The whole path with local fakes of the providers: one alert walks push → SMS → voice by the user's
// rules, is acknowledged from a Slack button, and the timeline and the notification log read through
// the API show every step with its delivery status.
import {
  createExecutionContext,
  createMessageBatch,
  runDurableObjectAlarm,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { incidentObject, incidentObjectName } from '../incident/commands';
import { slackSignature, twilioSignature } from '../respond/signatures';
import { buttonValue } from '../respond/token';
import { api, postEvent, refuseQueue, send } from '../test/helpers';
import { consumeNotifications } from './consumer';
import type { PageJob } from './job';
import { toBase64url } from './providers/push';

const T0 = Date.parse('2031-02-03T18:00:00Z');
const KEY = 'key-walk-0123456789abcdef';

/** The browser's side of a push subscription, and the server's VAPID keys. */
async function pushKeys() {
  const ecdh = { name: 'ECDH', namedCurve: 'P-256' } as const;
  const browser = (await crypto.subtle.generateKey(ecdh, true, ['deriveBits'])) as CryptoKeyPair;
  const p256dh = toBase64url(new Uint8Array((await crypto.subtle.exportKey('raw', browser.publicKey)) as ArrayBuffer));
  const vapid = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
  ])) as CryptoKeyPair;
  const publicKey = toBase64url(new Uint8Array((await crypto.subtle.exportKey('raw', vapid.publicKey)) as ArrayBuffer));
  const { d } = (await crypto.subtle.exportKey('jwk', vapid.privateKey)) as JsonWebKey;
  const subscription = {
    endpoint: 'https://push.fake/wpush/v2/mina',
    keys: { p256dh, auth: toBase64url(crypto.getRandomValues(new Uint8Array(16))) },
  };
  return { subscription, vapid: { VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: d! } };
}

/** Fakes of the push service, Twilio and Slack: each request is recorded and accepted. */
function fakeProviders() {
  const seen: { url: string; body: string }[] = [];
  let sids = 0;
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const request = new Request(input as RequestInfo, init as RequestInit);
    seen.push({ url: request.url, body: new TextDecoder().decode(await request.arrayBuffer()) });
    if (request.url.startsWith('https://push.fake/')) return new Response(null, { status: 201 });
    if (request.url.startsWith('https://twilio.fake/')) return Response.json({ sid: `SM${++sids}` }, { status: 201 });
    return Response.json({ ok: true, channel: 'D1', ts: '1.1' });
  });
  return seen;
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('one alert, with local fakes of the providers', () => {
  it('walks push → SMS → voice by the user’s rules and is acknowledged from a Slack button', async () => {
    const { subscription, vapid } = await pushKeys();
    const config = await api('PUT', '/config', {
      users: [
        {
          id: 'mina',
          name: 'Mina',
          locale: 'ko',
          time_zone: 'Asia/Seoul',
          contact_methods: [
            { id: 'mina-push', type: 'push', address: subscription },
            { id: 'mina-sms', type: 'sms', address: '+821055550001' },
            { id: 'mina-call', type: 'voice', address: '+821055550001' },
            { id: 'mina-slack', type: 'slack', address: 'UMINA001' },
          ],
          notification_rules: [
            { urgencies: ['high'], contact_method: 'mina-push', delay_minutes: 0 },
            { urgencies: ['high'], contact_method: 'mina-sms', delay_minutes: 1 },
            { urgencies: ['high'], contact_method: 'mina-call', delay_minutes: 2 },
          ],
        },
      ],
      services: [{ id: 'walk', name: 'Walk', routing: { user: 'mina' } }],
      integrations: [{ id: 'walk-std', name: 'Std', type: 'standard', service: 'walk', key: KEY }],
    });
    expect(config.status, JSON.stringify(config.body)).toBe(200);
    const fakes = {
      ...env,
      ...vapid,
      TWILIO_ACCOUNT_SID: 'AC1',
      TWILIO_FROM_NUMBER: '+15005550006',
      TWILIO_BASE_URL: 'https://twilio.fake',
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_API_BASE_URL: 'https://slack.fake/api',
    } as Env;

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    // The real queue is held back: each page is handed to the consumer here, with the fakes' credentials.
    const refused = refuseQueue();
    const requests = fakeProviders();
    const { body } = await postEvent(KEY, { summary: 'payments down', event_id: 'walk-1', urgency: 'high' });
    const id = body.incident_id as string;
    const object = incidentObject(env.INCIDENTS, id)!;
    const stub = env.INCIDENTS.getByName(
      incidentObjectName((await api('GET', '/integrations/walk-std')).body.id, 'walk-1'),
    );
    const deliverNext = async (channel: string) => {
      const detail = (await object.detail(id)) as unknown as { pages: { job: PageJob; status: string }[] };
      const page = detail.pages.find((p) => p.job.contactMethod.type === channel && p.status === 'queued')!;
      const batch = createMessageBatch('tocsin-notifications', [
        { id: channel, timestamp: new Date(), attempts: 1, body: page.job },
      ]);
      const ctx = createExecutionContext();
      await consumeNotifications(batch, fakes);
      await waitOnExecutionContext(ctx);
      return page.job;
    };

    await deliverNext('push');
    vi.setSystemTime(T0 + 60_000);
    await runDurableObjectAlarm(stub);
    const sms = await deliverNext('sms');
    vi.setSystemTime(T0 + 120_000);
    await runDurableObjectAlarm(stub);
    await deliverNext('voice');
    expect(requests.map((r) => new URL(r.url).host)).toEqual(['push.fake', 'twilio.fake', 'twilio.fake']);
    expect(new URLSearchParams(requests[2]!.body).get('Twiml')).toContain(
      '<Say voice="Polly.Seoyeon" language="ko-KR">',
    );

    // Twilio reports the SMS delivered; then Mina presses Acknowledge in Slack.
    const status = `/webhooks/twilio/status?${new URLSearchParams({ incident: id, page: sms.id })}`;
    const report = new URLSearchParams({ MessageSid: 'SM1', MessageStatus: 'delivered' });
    const signature = await twilioSignature('test-twilio-token', `https://tocsin.test${status}`, report);
    const reported = await send(status, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: report.toString(),
    });
    expect(reported.status).toBe(204);
    const payload = JSON.stringify({
      type: 'block_actions',
      user: { id: 'UMINA001' },
      actions: [{ action_id: 'acknowledge', value: buttonValue('acknowledge', id) }],
    });
    const slackBody = new URLSearchParams({ payload }).toString();
    const at = Math.floor(Date.now() / 1000);
    const pressed = await send('/webhooks/slack/interactions', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(at),
        'x-slack-signature': await slackSignature('test-slack-secret', String(at), slackBody),
      },
      body: slackBody,
    });
    expect(pressed.status).toBe(200);
    refused.restore();

    const log = (await api('GET', `/incidents/${id}/notifications`)).body.notifications;
    expect(log.map((n: Record<string, unknown>) => [n.channel, n.provider, n.status, n.attempts])).toEqual([
      ['push', 'webpush', 'sent', 1],
      ['sms', 'twilio', 'delivered', 1],
      ['voice', 'twilio', 'sent', 1],
    ]);
    expect(log.map((n: { provider_message_id: string | null }) => n.provider_message_id)).toEqual([null, 'SM1', 'SM2']);
    // None of her methods was verified: the pages went out all the same, and the log says so.
    expect(log.map((n: { contact_method_verified: boolean | null }) => n.contact_method_verified)).toEqual([
      false,
      false,
      false,
    ]);
    const detail = (await api('GET', `/incidents/${id}`)).body;
    expect(detail.status).toBe('acknowledged');
    const steps = detail.timeline.map((t: { type: string; details: { channel?: string } }) =>
      t.details.channel ? `${t.type}:${t.details.channel}` : t.type,
    );
    expect(steps).toEqual([
      'created',
      'escalated',
      // A single responder is the whole policy: it is exhausted once she is paged.
      'escalation_exhausted',
      'page_queued:push',
      'notified:push',
      'page_queued:sms',
      'notified:sms',
      'page_queued:voice',
      'notified:voice',
      'page_delivered:sms',
      'acknowledged:slack',
    ]);
    expect(detail.timeline.at(-1).actor).toEqual({ type: 'user', id: 'mina' });
  });
});
