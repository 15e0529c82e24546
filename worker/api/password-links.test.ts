// Invitations and password resets by link, in the real runtime: no email credentials, so each link
// is read from the Worker's log, where the log provider writes what an email would carry.
import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { api, send } from '../test/helpers';
import { sha256Hex } from './auth';

const ORIGIN = 'http://tocsin.test';

let observer = '';
let admin = '';

beforeAll(async () => {
  const result = await api('PUT', '/config', {
    users: [
      { id: 'kim', name: 'Kim', email: 'kim@example.com', role: 'responder', locale: 'ko' },
      { id: 'lee', name: 'Lee', email: 'lee@example.com', role: 'responder' },
      { id: 'park', name: 'Park', email: 'park@example.com', role: 'admin' },
      { id: 'oh', name: 'Oh', email: 'oh@example.com', role: 'observer' },
      { id: 'noaddr', name: 'No Address', role: 'responder' },
    ],
  });
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  observer = (await api('POST', '/tokens', { user: 'oh' })).body.token;
  admin = (await api('POST', '/tokens', { user: 'park' })).body.token;
});
afterEach(() => vi.restoreAllMocks());

const post = (path: string, body: unknown, address = '203.0.113.50') =>
  send(`/api/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: ORIGIN, 'cf-connecting-ip': address },
    body: JSON.stringify(body),
  });

async function signIn(email: string, password: string, address = '203.0.113.51') {
  return (await post('/session', { email, password }, address)).status;
}

/** The tokens of the password links the log provider wrote to this address. */
function linksTo(log: { mock: { calls: unknown[][] } }, address: string): string[] {
  return log.mock.calls
    .map((call) => String(call[0]))
    .filter((line) => line.includes(`email to ${address}:`))
    .map((line) => /\/set-password\?token=(pwl_[0-9a-f]+)/.exec(line)![1]!);
}

const fieldsOf = async (response: Response) =>
  ((await response.json()) as { fields: { field: string; message: string }[] }).fields;

const useLink = (token: string, password: string) => post('/session/password-link', { token, password });

describe('an invitation', () => {
  it('emails a link that sets the password once, signs the user in, and lets them sign in with it', async () => {
    const log = vi.spyOn(console, 'log');
    const invited = await api('POST', '/users/kim/invite');
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    expect(invited.body).toMatchObject({
      invite_url: expect.stringMatching(/^https:\/\/tocsin\.test\/set-password\?token=pwl_[0-9a-f]{64}$/),
      emailed: true,
    });
    const week = Date.parse(invited.body.expires_at) - Date.now();
    expect(week).toBeGreaterThan(6.9 * 86_400_000);
    expect(week).toBeLessThanOrEqual(7 * 86_400_000);
    const [token] = linksTo(log, 'kim@example.com');
    expect(invited.body.invite_url).toBe(`https://tocsin.test/set-password?token=${token}`);
    // In the user's language.
    expect(log.mock.calls.map((call) => String(call[0])).join('\n')).toContain('Tocsin에 초대되었습니다');

    const used = await useLink(token!, 'a kettle of fish and chips');
    expect(used.status).toBe(200);
    expect(await used.json()).toMatchObject({ user: 'kim', role: 'responder' });
    const cookie = used.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^tocsin_session=ses_[0-9a-f]{64}; .*HttpOnly/);
    const me = await send('/api/v1/session', { headers: { cookie: cookie.split(';')[0]! } });
    expect(await me.json()).toMatchObject({ user: 'kim' });
    expect(await signIn('kim@example.com', 'a kettle of fish and chips')).toBe(200);

    const again = await useLink(token!, 'another kettle of fish');
    expect(again.status).toBe(400);
    expect(await fieldsOf(again)).toEqual([{ field: 'token', message: 'unknown, used or expired' }]);
  });

  it('keeps only the hash of the link', async () => {
    const { invite_url } = (await api('POST', '/users/lee/invite')).body;
    const token = new URL(invite_url).searchParams.get('token')!;
    const rows = await env.DB.prepare('SELECT * FROM password_links').all();
    expect(JSON.stringify(rows.results)).not.toContain(token);
    expect(rows.results.map((r) => r.token_hash)).toContain(await sha256Hex(token));
  });

  it("shows in the user's notification log, without the link", async () => {
    const { invite_url } = (await api('POST', '/users/lee/invite')).body;
    const token = new URL(invite_url).searchParams.get('token')!;
    const log = (await api('GET', '/users/lee/notifications')).body.notifications;
    expect(log[0]).toMatchObject({ kind: 'invite', channel: 'email', address: 'lee@example.com', status: 'sent' });
    const rows = await env.DB.prepare("SELECT * FROM notifications WHERE kind = 'invite'").all();
    expect(JSON.stringify(rows.results)).not.toContain(token);
  });

  it('still gives the link to copy for a user without an email address', async () => {
    const invited = await api('POST', '/users/noaddr/invite');
    expect(invited.status).toBe(201);
    expect(invited.body.emailed).toBe(false);
  });

  it('is for owners and admins, and only an owner invites an admin', async () => {
    const refused = await api('POST', '/users/lee/invite', undefined, observer);
    expect(refused.status).toBe(403);
    expect((await api('POST', '/users/lee/invite', undefined, admin)).status).toBe(201);
    expect((await api('POST', '/users/park/invite', undefined, admin)).status).toBe(403);
    expect((await api('POST', '/users/nobody/invite')).status).toBe(404);
  });

  it('refuses a weak password without spending the link', async () => {
    const token = new URL((await api('POST', '/users/lee/invite')).body.invite_url).searchParams.get('token')!;
    const weak = await useLink(token, 'short');
    expect(weak.status).toBe(400);
    expect(await fieldsOf(weak)).toEqual([{ field: 'password', message: expect.any(String) }]);
    expect((await useLink(token, 'a long secret for her')).status).toBe(200);
  });

  it('refuses an unknown, an expired and a malformed token, naming the field', async () => {
    const unknown = await useLink('pwl_0000', 'a long enough password');
    expect(unknown.status).toBe(400);
    expect(await fieldsOf(unknown)).toEqual([{ field: 'token', message: 'unknown, used or expired' }]);

    const token = 'pwl_expired0123456789';
    const id = (await env.DB.prepare("SELECT id FROM users WHERE handle = 'lee'").first<{ id: string }>())!.id;
    await env.DB.prepare(
      "INSERT INTO password_links VALUES (?, ?, 'invite', '2026-01-01T00:00:00.000Z', '2026-01-08T00:00:00.000Z', NULL)",
    )
      .bind(await sha256Hex(token), id)
      .run();
    const expired = await useLink(token, 'a long enough password');
    expect(expired.status).toBe(400);
    expect((await fieldsOf(expired))[0]!.field).toBe('token');

    const malformed = await post('/session/password-link', { password: 'a long enough password' });
    expect(malformed.status).toBe(400);
    expect((await fieldsOf(malformed))[0]!.field).toBe('token');
  });
});

describe('a password reset', () => {
  it('answers 202 for an address without an account, and emails nobody', async () => {
    const log = vi.spyOn(console, 'log');
    const asked = await post('/session/reset', { email: 'nobody@example.com' }, '198.51.100.60');
    expect(asked.status).toBe(202);
    expect(await asked.json()).toEqual({ status: 'accepted' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(log.mock.calls.map((call) => String(call[0])).join('\n')).not.toContain('set-password');
  });

  it('emails a link that works once, for an hour, and signs out every other session', async () => {
    const log = vi.spyOn(console, 'log');
    // Lee signs in by an invitation first: that session ends with the reset.
    const before = await useLink(
      new URL((await api('POST', '/users/lee/invite')).body.invite_url).searchParams.get('token')!,
      'a long secret for her',
    );
    const oldSession = (before.headers.get('set-cookie') ?? '').split(';')[0]!;
    log.mockClear();

    const asked = await post('/session/reset', { email: 'LEE@example.com' }, '198.51.100.61');
    expect(asked.status).toBe(202);
    expect(await asked.json()).toEqual({ status: 'accepted' });
    await vi.waitFor(() => expect(linksTo(log, 'lee@example.com')).toHaveLength(1));
    const [token] = linksTo(log, 'lee@example.com');
    const row = await env.DB.prepare('SELECT * FROM password_links WHERE token_hash = ?')
      .bind(await sha256Hex(token!))
      .first<{ purpose: string; created_at: string; expires_at: string }>();
    expect(row!.purpose).toBe('reset');
    expect(Date.parse(row!.expires_at) - Date.parse(row!.created_at)).toBe(3_600_000);

    const used = await useLink(token!, 'forgot it and chose anew');
    expect(used.status).toBe(200);
    expect((await send('/api/v1/session', { headers: { cookie: oldSession } })).status).toBe(401);
    const fresh = (used.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect((await send('/api/v1/session', { headers: { cookie: fresh } })).status).toBe(200);
    expect(await signIn('lee@example.com', 'a long secret for her', '203.0.113.52')).toBe(401);
    expect(await signIn('lee@example.com', 'forgot it and chose anew', '203.0.113.52')).toBe(200);
    expect((await useLink(token!, 'yet another long password')).status).toBe(400);
  });

  it('is limited per account and per address like signing in', async () => {
    for (let i = 0; i < 5; i++)
      expect((await post('/session/reset', { email: 'oh@example.com' }, `192.0.2.${i}`)).status).toBe(202);
    const limited = await post('/session/reset', { email: 'oh@example.com' }, '192.0.2.99');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    for (let i = 0; i < 20; i++) await post('/session/reset', { email: `guess${i}@example.com` }, '192.0.2.200');
    expect((await post('/session/reset', { email: 'kim@example.com' }, '192.0.2.200')).status).toBe(429);
  });

  it('refuses a body without an email, naming the field', async () => {
    const bad = await post('/session/reset', { email: 'not an address' });
    expect(bad.status).toBe(400);
    expect((await fieldsOf(bad))[0]!.field).toBe('email');
  });
});

describe('the audit log', () => {
  it('has the invitation, the reset asked for and the password set', async () => {
    const { entries } = (await api('GET', '/audit?kind=password&limit=200')).body;
    const acts = entries.map((e: { action: string; target: string }) => `${e.action} ${e.target}`);
    expect(acts).toContain('invite kim');
    expect(acts).toContain('reset_requested lee');
    expect(acts).toContain('reset_requested nobody@example.com');
    expect(acts).toContain('set_by_link kim');
    const set = entries.find((e: { action: string }) => e.action === 'set_by_link');
    expect(set.actor).toBe(set.target);
    expect(JSON.stringify(entries)).not.toContain('pwl_');
  });
});
