// Inbound webhooks are believed only with their provider's signature, checked against the worked
// examples of Slack's and Twilio's documentation.
import { describe, expect, it } from 'vitest';
import { twilioSignature, verifySlack, verifyTelegram, verifyTwilio } from './signatures';

describe("Slack's request signature", () => {
  // From Slack's "Verifying requests from Slack".
  const secret = '8f742231b10e8888abcd99yyyzzz85a5';
  const timestamp = '1531420618';
  const body =
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
  const signature = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
  const then = new Date(1531420618 * 1000 + 30_000);

  it('holds for the documented example', async () => {
    expect(await verifySlack(secret, timestamp, signature, body, then)).toEqual({ ok: true });
  });

  it('fails for a changed body, the wrong secret, or no header', async () => {
    expect(await verifySlack(secret, timestamp, signature, `${body}x`, then)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(await verifySlack('other', timestamp, signature, body, then)).toEqual({ ok: false, reason: 'mismatch' });
    expect(await verifySlack(secret, timestamp, null, body, then)).toEqual({ ok: false, reason: 'missing' });
  });

  it('holds at five minutes either side of now', async () => {
    for (const offset of [-5 * 60_000, 5 * 60_000]) {
      expect(await verifySlack(secret, timestamp, signature, body, new Date(1531420618 * 1000 + offset))).toEqual({
        ok: true,
      });
    }
  });

  it('is stale more than five minutes either side of now', async () => {
    const late = new Date(1531420618 * 1000 + 6 * 60_000);
    expect(await verifySlack(secret, timestamp, signature, body, late)).toEqual({ ok: false, reason: 'stale' });
    const early = new Date(1531420618 * 1000 - 6 * 60_000);
    expect(await verifySlack(secret, timestamp, signature, body, early)).toEqual({ ok: false, reason: 'stale' });
  });
});

describe("Twilio's request signature", () => {
  // From Twilio's "Webhooks security".
  const token = '12345';
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params = new URLSearchParams({
    CallSid: 'CA1234567890ABCDE',
    Caller: '+12349013030',
    Digits: '1234',
    From: '+12349013030',
    To: '+18005551212',
  });

  it('holds for the documented example, whatever the order of the parameters', async () => {
    expect(await twilioSignature(token, url, params)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
    const shuffled = new URLSearchParams([...params].reverse());
    expect(await verifyTwilio(token, url, shuffled, '0/KCTR6DLpKmkAf8muzZqo1nDgQ=')).toEqual({ ok: true });
  });

  it('fails for another URL, a changed parameter, or no header', async () => {
    const sig = '0/KCTR6DLpKmkAf8muzZqo1nDgQ=';
    expect(await verifyTwilio(token, `${url}&x=1`, params, sig)).toEqual({ ok: false, reason: 'mismatch' });
    const changed = new URLSearchParams(params);
    changed.set('Digits', '1');
    expect(await verifyTwilio(token, url, changed, sig)).toEqual({ ok: false, reason: 'mismatch' });
    expect(await verifyTwilio(token, url, params, null)).toEqual({ ok: false, reason: 'missing' });
  });
});

describe("Twilio's parameters", () => {
  it('may be given as name and value pairs, a repeated name ordered by its values', async () => {
    const url = 'https://tocsin.test/respond/twilio/sms';
    const pairs: [string, string][] = [
      ['To', '+1'],
      ['Media', 'b'],
      ['Media', 'a'],
    ];
    const signature = await twilioSignature('t', url, new URLSearchParams(pairs));
    expect(await verifyTwilio('t', url, pairs, signature)).toEqual({ ok: true });
    expect(signature).toBe(await twilioSignature('t', url, [pairs[2]!, pairs[0]!, pairs[1]!]));
    expect(
      await verifyTwilio(
        't',
        url,
        [
          ['To', '+1'],
          ['Media', 'ab'],
        ],
        signature,
      ),
    ).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });
});

describe("Telegram's secret token", () => {
  it('must be the one given to setWebhook', () => {
    expect(verifyTelegram('s3cret', 's3cret')).toBe(true);
    expect(verifyTelegram('s3cret', 's3cre')).toBe(false);
    expect(verifyTelegram('s3cret', null)).toBe(false);
  });
});
