import { afterEach, describe, expect, it, vi } from 'vitest';
import { emailProvider } from './email';
import { answering, json, pageMessage } from './fixtures';

const env = {
  RESEND_API_KEY: 're_1',
  EMAIL_FROM: 'Tocsin <pages@example.com>',
  RESEND_BASE_URL: 'https://resend.fake',
} as Env;
const message = pageMessage({ channel: 'email', address: 'kim@example.com' });

afterEach(() => vi.restoreAllMocks());

describe('email through Resend', () => {
  it('posts from, to, subject, text and escaped html, with the page as its idempotency key', async () => {
    const requests = answering(() => json({ id: 'em_1' }));
    expect(await emailProvider(env)!.send(message)).toEqual({ status: 'sent', providerMessageId: 'em_1' });
    const [sent] = requests;
    expect(sent).toMatchObject({
      method: 'POST',
      url: 'https://resend.fake/emails',
      headers: { authorization: 'Bearer re_1', 'idempotency-key': message.id },
    });
    const body = JSON.parse(sent!.body);
    expect(body).toMatchObject({ from: 'Tocsin <pages@example.com>', to: ['kim@example.com'] });
    expect(body.subject).toBe('[Tocsin] #42 <b>db</b> & "down" <!channel> (Web)');
    expect(body.html).toContain('&lt;b&gt;db&lt;/b&gt; &amp; &quot;down&quot;');
    expect(body.html).not.toContain('<b>db');
    expect(body.html).toContain('href="https://tocsin.test/respond/ACK"');
    expect(body.text).toContain('Acknowledge: https://tocsin.test/respond/ACK');
  });

  it('fails for good on a 422 with the reason, and retries a 500', async () => {
    answering(() => json({ name: 'validation_error', message: 'Invalid `to` field' }, 422));
    expect(await emailProvider(env)!.send(message)).toMatchObject({ status: 'failed', reason: /422.*Invalid/ });
    vi.restoreAllMocks();
    answering(() => json({}, 500));
    expect((await emailProvider(env)!.send(message)).status).toBe('retry');
  });

  it('sends a password link to the user’s address, the link in both parts', async () => {
    const requests = answering(() => json({ id: 'em_2' }));
    const link = 'https://tocsin.test/set-password?token=pwl_abc';
    const invite = pageMessage({
      id: 'invite:kim:1',
      channel: 'email',
      address: 'kim@example.com',
      subject: { type: 'password_link', purpose: 'invite', link, expiresAt: '2026-03-08T00:00:00Z' },
    });
    expect(await emailProvider(env)!.send(invite)).toEqual({ status: 'sent', providerMessageId: 'em_2' });
    const body = JSON.parse(requests[0]!.body);
    expect(body).toMatchObject({ to: ['kim@example.com'], subject: '[Tocsin] You are invited to Tocsin' });
    expect(body.text).toContain(link);
    expect(body.html).toContain(`href="${link}"`);
  });

  it('is not there without a key and a sender', () => {
    expect(emailProvider({ RESEND_API_KEY: 'x' } as Env)).toBeNull();
  });
});
