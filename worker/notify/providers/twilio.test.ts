import { afterEach, describe, expect, it, vi } from 'vitest';
import { answering, json, pageMessage } from './fixtures';
import { callTwiml, twilioSmsProvider, twilioVoiceProvider } from './twilio';

const env = {
  TWILIO_ACCOUNT_SID: 'AC123',
  TWILIO_AUTH_TOKEN: 'secret',
  TWILIO_FROM_NUMBER: '+15005550006',
  TWILIO_BASE_URL: 'https://twilio.fake',
} as Env;

afterEach(() => vi.restoreAllMocks());

describe('Twilio SMS', () => {
  it('posts To, From, Body and StatusCallback to Messages.json with basic auth, and keeps the sid', async () => {
    const requests = answering(() => json({ sid: 'SM1', status: 'queued' }, 201));
    const delivery = await twilioSmsProvider(env)!.send(pageMessage());
    expect(delivery).toEqual({ status: 'sent', providerMessageId: 'SM1' });
    const [sent] = requests;
    expect(sent).toMatchObject({
      method: 'POST',
      url: 'https://twilio.fake/2010-04-01/Accounts/AC123/Messages.json',
      headers: { authorization: `Basic ${btoa('AC123:secret')}`, 'content-type': 'application/x-www-form-urlencoded' },
    });
    const form = new URLSearchParams(sent!.body);
    expect(form.get('To')).toBe('+821012345678');
    expect(form.get('From')).toBe('+15005550006');
    expect(form.get('StatusCallback')).toBe('https://tocsin.test/webhooks/twilio/status?incident=i&page=p');
    expect(form.get('Body')).toContain('#42');
    expect(form.get('Body')).toContain('Reply 1 42 to acknowledge, 2 42 to resolve');
    expect(form.get('Body')).toContain('https://tocsin.test/respond/ACK');
  });

  it('speaks Korean to a Korean user', async () => {
    const requests = answering(() => json({ sid: 'SM1' }, 201));
    await twilioSmsProvider(env)!.send(pageMessage({ locale: 'ko' }));
    expect(new URLSearchParams(requests[0]!.body).get('Body')).toContain('답장: 1 42 확인');
  });

  it('fails for good on a 4xx with Twilio’s code, and retries a 429 (with Retry-After), a 5xx or a network error', async () => {
    answering(() => json({ code: 21211, message: "The 'To' number is not valid", status: 400 }, 400));
    expect(await twilioSmsProvider(env)!.send(pageMessage())).toEqual({
      status: 'failed',
      reason: "Twilio error 21211: The 'To' number is not valid",
    });
    vi.restoreAllMocks();
    answering(() => json({ code: 20429, message: 'Too Many Requests' }, 429, { 'retry-after': '30' }));
    expect(await twilioSmsProvider(env)!.send(pageMessage())).toMatchObject({ status: 'retry', retryAfterSeconds: 30 });
    vi.restoreAllMocks();
    answering(() => new Response('oops', { status: 503 }));
    expect((await twilioSmsProvider(env)!.send(pageMessage())).status).toBe('retry');
    vi.restoreAllMocks();
    answering(() => new TypeError('network down'));
    expect(await twilioSmsProvider(env)!.send(pageMessage())).toMatchObject({ status: 'retry', reason: /network/ });
  });

  it('is not there without credentials', () => {
    expect(twilioSmsProvider({} as Env)).toBeNull();
    expect(twilioVoiceProvider({ TWILIO_ACCOUNT_SID: 'AC1' } as Env)).toBeNull();
  });
});

describe('Twilio voice', () => {
  it('calls with TwiML that reads the incident, gathers one digit to the voice callback, all escaped', async () => {
    const requests = answering(() => json({ sid: 'CA1' }, 201));
    expect(await twilioVoiceProvider(env)!.send(pageMessage({ channel: 'voice' }))).toEqual({
      status: 'sent',
      providerMessageId: 'CA1',
    });
    expect(requests[0]!.url).toBe('https://twilio.fake/2010-04-01/Accounts/AC123/Calls.json');
    const twiml = new URLSearchParams(requests[0]!.body).get('Twiml')!;
    expect(twiml).toContain(
      '<Gather numDigits="1" timeout="8" action="https://tocsin.test/webhooks/twilio/voice?incident=i&amp;page=p" method="POST">',
    );
    expect(twiml).toContain('&lt;b&gt;db&lt;/b&gt; &amp; &quot;down&quot;');
    expect(twiml).not.toContain('<b>db');
    expect(twiml).toContain('Press 1 to acknowledge, 2 to resolve.');
  });

  it('reads Korean in a Korean voice', () => {
    const twiml = callTwiml(pageMessage({ channel: 'voice', locale: 'ko' }));
    expect(twiml).toContain('<Say voice="Polly.Seoyeon" language="ko-KR">Tocsin 장애 알림입니다. 장애 42번.');
    expect(twiml).toContain('확인하려면 1번, 해결하려면 2번을 누르세요.');
  });
});
