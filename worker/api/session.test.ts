// Signing in to the console, in the real runtime: a session cookie, changes only from this origin,
// signing out here and everywhere, a password of one's own, and a limit on failed attempts.
import { beforeAll, describe, expect, it } from 'vitest';
import { api, send } from '../test/helpers';

const ORIGIN = 'http://tocsin.test';

beforeAll(async () => {
  const result = await api('PUT', '/config', {
    users: [
      { id: 'owner', name: 'Owner', email: 'owner@example.com', role: 'owner' },
      { id: 'rhee', name: 'Rhee', email: 'rhee@example.com', role: 'responder' },
    ],
  });
  expect(result.status, JSON.stringify(result.body)).toBe(200);
});

async function signIn(email: string, password: string, address = '203.0.113.1') {
  const response = await send('/api/v1/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: ORIGIN, 'cf-connecting-ip': address },
    body: JSON.stringify({ email, password }),
  });
  const cookie = response.headers.get('set-cookie') ?? '';
  return {
    status: response.status,
    body: (await response.json()) as Record<string, any>,
    cookie,
    value: cookie.split(';')[0]!,
  };
}

const withCookie = (cookie: string, method = 'GET', headers: Record<string, string> = {}, body?: unknown) =>
  send('/api/v1/session' + (method === 'PUT' ? '/password' : ''), {
    method,
    headers: { cookie, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe('signing in', () => {
  it('gives the owner an HttpOnly, Secure, SameSite=Lax session with the bootstrap password', async () => {
    const signed = await signIn('owner@example.com', 'test-admin-password');
    expect(signed.status).toBe(200);
    expect(signed.body).toMatchObject({ user: 'owner', role: 'owner' });
    expect(signed.cookie).toMatch(/^tocsin_session=ses_[0-9a-f]{64}; /);
    expect(signed.cookie).toMatch(/HttpOnly/);
    expect(signed.cookie).toMatch(/Secure/);
    expect(signed.cookie).toMatch(/SameSite=Lax/);
    const me = await withCookie(signed.value);
    expect(await me.json()).toMatchObject({ user: 'owner', role: 'owner' });
  });

  it('refuses a change signed in by cookie unless it comes from this origin', async () => {
    const { value } = await signIn('owner@example.com', 'test-admin-password');
    const forged = await withCookie(
      value,
      'PUT',
      { origin: 'https://evil.example' },
      { password: 'a much longer secret' },
    );
    expect(forged.status).toBe(403);
    const bare = await withCookie(value, 'PUT', {}, { password: 'a much longer secret' });
    expect(bare.status).toBe(403);
  });

  it('sets a password of one’s own, after which the bootstrap password no longer signs in', async () => {
    const { value } = await signIn('owner@example.com', 'test-admin-password');
    const weak = await withCookie(value, 'PUT', { origin: ORIGIN }, { password: 'short' });
    expect(weak.status).toBe(400);
    expect((await withCookie(value, 'PUT', { origin: ORIGIN }, { password: 'correct horse battery' })).status).toBe(
      204,
    );
    expect((await signIn('owner@example.com', 'test-admin-password', '203.0.113.2')).status).toBe(401);
    expect((await signIn('owner@example.com', 'correct horse battery', '203.0.113.2')).status).toBe(200);
    const wrongCurrent = await withCookie(
      value,
      'PUT',
      { origin: ORIGIN },
      { current: 'nope', password: 'another long secret' },
    );
    expect(wrongCurrent.status).toBe(403);
  });

  it('signs out this browser, or every session of the user', async () => {
    const first = await signIn('owner@example.com', 'correct horse battery', '203.0.113.3');
    const second = await signIn('owner@example.com', 'correct horse battery', '203.0.113.3');
    expect((await withCookie(first.value, 'DELETE', { origin: ORIGIN })).status).toBe(204);
    expect((await withCookie(first.value)).status).toBe(401);
    expect((await withCookie(second.value)).status).toBe(200);
    const everywhere = await send('/api/v1/session?everywhere=true', {
      method: 'DELETE',
      headers: { cookie: second.value, origin: ORIGIN },
    });
    expect(everywhere.status).toBe(204);
    expect((await withCookie(second.value)).status).toBe(401);
  });

  it('answers 401 alike for an unknown address and a wrong password, and 429 after five failures', async () => {
    expect((await signIn('nobody@example.com', 'whatever', '203.0.113.9')).status).toBe(401);
    expect((await signIn('rhee@example.com', 'whatever', '203.0.113.9')).status).toBe(401);
    for (let i = 0; i < 4; i++) await signIn('rhee@example.com', 'wrong', `198.51.100.${i}`);
    const limited = await signIn('rhee@example.com', 'wrong', '198.51.100.99');
    expect(limited.status).toBe(429);
    expect(limited.body.error).toBe('too_many_attempts');
  });
});
