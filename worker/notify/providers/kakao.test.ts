import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Provider } from '../provider';
import { answering, json, pageMessage } from './fixtures';
import { kakaoProvider, recipientNo } from './kakao';

const env = {
  NHN_ALIMTALK_APPKEY: 'app1',
  NHN_ALIMTALK_SECRET: 'sec1',
  NHN_ALIMTALK_SENDER_KEY: 'sender1',
  NHN_ALIMTALK_TEMPLATE: 'TOCSIN_PAGE',
  NHN_ALIMTALK_BASE_URL: 'https://nhn.fake',
} as Env;
const message = pageMessage({ channel: 'kakao', locale: 'ko' });
const ok = {
  header: { isSuccessful: true, resultCode: 0, resultMessage: 'success' },
  message: { requestId: 'req-1', sendResults: [{ resultCode: 0 }] },
};

afterEach(() => vi.restoreAllMocks());

describe('KakaoTalk AlimTalk through NHN Cloud', () => {
  it('sends the template with its parameters, to the domestic number, with the secret key', async () => {
    const requests = answering(() => json(ok));
    expect(await kakaoProvider(env, null)!.send(message)).toEqual({ status: 'sent', providerMessageId: 'req-1' });
    expect(requests[0]).toMatchObject({
      method: 'POST',
      url: 'https://nhn.fake/alimtalk/v2.3/appkeys/app1/messages',
      headers: { 'x-secret-key': 'sec1', 'content-type': 'application/json;charset=UTF-8' },
    });
    const body = JSON.parse(requests[0]!.body);
    expect(body).toMatchObject({ senderKey: 'sender1', templateCode: 'TOCSIN_PAGE' });
    expect(body.recipientList).toEqual([
      {
        recipientNo: '01012345678',
        templateParameter: {
          incident_number: '42',
          summary: '<b>db</b> & "down" <!channel>',
          urgency: '긴급도: 높음',
          service: 'Web',
          status: '발생',
          url: 'https://tocsin.test/respond/ACK',
        },
      },
    ]);
    expect(recipientNo('+821012345678')).toBe('01012345678');
  });

  it('falls back to SMS when the template send fails for good, naming the SMS provider', async () => {
    answering(() =>
      json({ header: { isSuccessful: false, resultCode: -3000, resultMessage: 'template not approved' } }),
    );
    const sms: Provider = {
      name: 'twilio',
      send: vi.fn(async () => ({ status: 'sent' as const, providerMessageId: 'SM9' })),
    };
    expect(await kakaoProvider(env, sms)!.send(message)).toEqual({
      status: 'sent',
      providerMessageId: 'SM9',
      via: 'twilio',
    });
    expect(sms.send).toHaveBeenCalledWith(expect.objectContaining({ channel: 'sms', address: '+821012345678' }));
  });

  it('retries a 5xx without falling back', async () => {
    answering(() => new Response('', { status: 502 }));
    const sms: Provider = { name: 'twilio', send: vi.fn() };
    expect((await kakaoProvider(env, sms)!.send(message)).status).toBe('retry');
    expect(sms.send).not.toHaveBeenCalled();
  });
});
