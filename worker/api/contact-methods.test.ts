// Testing and verifying a contact method through the API (no provider credentials: sends go to the log).
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { api } from '../test/helpers';

let jo = '';
let ray = '';

beforeAll(async () => {
  const config = await api('PUT', '/config', {
    users: [
      {
        id: 'jo',
        name: 'Jo',
        email: 'jo@example.com',
        contact_methods: [{ id: 'jo-sms', type: 'sms', address: '+821000000021' }],
      },
      { id: 'ray', name: 'Ray' },
    ],
  });
  expect(config.status, JSON.stringify(config.body)).toBe(200);
  jo = (await api('POST', '/tokens', { user: 'jo' })).body.token;
  ray = (await api('POST', '/tokens', { user: 'ray' })).body.token;
});
afterEach(() => vi.restoreAllMocks());

/** The code the log provider wrote for this verification. */
function codeFrom(log: { mock: { calls: unknown[][] } }): string {
  const line = log.mock.calls.map((call) => String(call[0])).find((text) => text.includes('verification code'));
  return /code: (\d{6})/.exec(line ?? '')![1]!;
}

describe('a contact method', () => {
  it('takes a test notification now, listed in the user’s notification log', async () => {
    const sent = await api('POST', '/users/jo/contact-methods/jo-sms/test', undefined, jo);
    expect(sent.status).toBe(200);
    expect(sent.body.notification).toMatchObject({ kind: 'test', channel: 'sms', provider: 'log', status: 'sent' });
    const log = (await api('GET', '/users/jo/notifications', undefined, jo)).body.notifications;
    expect(log.map((n: { kind: string }) => n.kind)).toContain('test');
  });

  it('is verified by the code it received, and refuses a wrong one naming the field', async () => {
    const log = vi.spyOn(console, 'log');
    const sent = await api('POST', '/users/jo/contact-methods/jo-sms/verify', undefined, jo);
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    expect(sent.body.notification).toMatchObject({ kind: 'verify', status: 'sent' });
    const verifiedInLog = async () =>
      (await api('GET', '/users/jo/notifications', undefined, jo)).body.notifications
        .filter((n: { channel: string }) => n.channel === 'sms')
        .map((n: { contact_method_verified: boolean | null }) => n.contact_method_verified);
    expect(await verifiedInLog()).not.toContain(true);
    const code = codeFrom(log);
    const wrong = await api(
      'POST',
      '/users/jo/contact-methods/jo-sms/confirm',
      { code: code === '000000' ? '000001' : '000000' },
      jo,
    );
    expect(wrong.status).toBe(400);
    expect(wrong.body.fields).toEqual([{ field: 'code', message: 'the code is not the one sent' }]);
    const right = await api('POST', '/users/jo/contact-methods/jo-sms/confirm', { code }, jo);
    expect(right.status).toBe(200);
    expect(right.body).toMatchObject({ verified: true, verified_at: expect.any(String) });
    // The log says which notifications went to a verified address (a page goes out either way).
    expect(new Set(await verifiedInLog())).toEqual(new Set([true]));
  });

  it('refuses a malformed code, another user’s method, and an unknown one', async () => {
    expect((await api('POST', '/users/jo/contact-methods/jo-sms/confirm', { code: '12' }, jo)).body.fields).toEqual([
      { field: 'code', message: expect.stringMatching(/six digits/) },
    ]);
    expect((await api('POST', '/users/jo/contact-methods/jo-sms/test', undefined, ray)).status).toBe(403);
    expect((await api('POST', '/users/jo/contact-methods/nope/test', undefined, jo)).status).toBe(404);
  });
});
