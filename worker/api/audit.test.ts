// The audit log: every kind of change recorded with who, when, from where, before and after; secrets
// left out; admins only; append-only.
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, api, send } from '../test/helpers';

const ADDRESS = '198.51.100.7';

/** An API call from a known address, as Cloudflare reports it. */
async function call(method: string, path: string, body?: unknown, token = ADMIN_TOKEN) {
  const response = await send(`/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'cf-connecting-ip': ADDRESS,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

const latest = async (query = '') => (await api('GET', `/audit?limit=200${query}`)).body.entries as any[];

let responder: string;
let observer: string;

beforeAll(async () => {
  const result = await call('PUT', '/config', {
    users: [
      { id: 'owner', name: 'Owner', email: 'owner@example.com', role: 'owner' },
      { id: 'rhee', name: 'Rhee', email: 'rhee@example.com', role: 'responder' },
      { id: 'oh', name: 'Oh', email: 'oh@example.com', role: 'observer' },
      { id: 'kang', name: 'Kang', email: 'kang@example.com', role: 'responder' },
    ],
    teams: [{ id: 'ops', name: 'Ops', members: ['rhee', 'kang'] }],
    schedules: [
      {
        id: 'primary',
        name: 'Primary',
        time_zone: 'Asia/Seoul',
        layers: [{ name: 'Daily', start: '2026-11-02T09:00', rotation: { type: 'daily' }, members: ['rhee', 'kang'] }],
      },
    ],
    services: [{ id: 'shop', name: 'Shop' }],
    integrations: [
      { id: 'shop-std', name: 'Standard', type: 'standard', service: 'shop', key: 'audit-secret-key-0123456789' },
    ],
    extensions: [
      {
        id: 'chat',
        name: 'Chat',
        type: 'webhook',
        service: 'shop',
        events: ['triggered'],
        method: 'POST',
        url: 'https://chat.example.com/hook?token=very-secret-token',
        headers: { Authorization: 'Bearer extension-secret-value' },
        body: '{"text":"${INCIDENT_NAME}"}',
      },
    ],
  });
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  responder = (await api('POST', '/tokens', { user: 'rhee', name: 'r' })).body.token;
  observer = (await api('POST', '/tokens', { user: 'oh', name: 'o' })).body.token;
});

describe('the audit log', () => {
  it('records a document’s changes, each with who, when, from where, and the object after', async () => {
    const entries = await latest('&kind=service');
    expect(entries).toContainEqual(
      expect.objectContaining({
        actor: 'admin',
        ip: ADDRESS,
        action: 'create',
        kind: 'service',
        target: 'shop',
        before: null,
        after: expect.objectContaining({ id: 'shop', name: 'Shop' }),
      }),
    );
    const entry = entries.find((e) => e.target === 'shop');
    expect(Date.parse(entry.at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('keeps secrets out: keys and header values show their last characters, URLs lose their query', async () => {
    const [integration] = await latest('&kind=integration');
    expect(integration.after.key).toBe('…6789');
    const [extension] = await latest('&kind=extension');
    expect(extension.after.url).toBe('https://chat.example.com/hook?…');
    expect(extension.after.headers).toEqual({ Authorization: '…alue' });
    expect(JSON.stringify(await latest())).not.toMatch(/very-secret-token|extension-secret-value|audit-secret-key/);
  });

  it('records one object’s change with before and after, and a rename as a rename', async () => {
    expect((await call('PATCH', '/services/shop', { name: 'Shop (KR)' })).status).toBe(200);
    const [update] = await latest('&kind=service');
    expect(update).toMatchObject({
      action: 'update',
      target: 'shop',
      before: { name: 'Shop' },
      after: { name: 'Shop (KR)' },
    });
    expect((await call('PATCH', '/services/shop', { id: 'store' })).status).toBe(200);
    const [rename] = await latest('&kind=service');
    expect(rename).toMatchObject({ action: 'rename', target: 'store', before: { id: 'shop' }, after: { id: 'store' } });
  });

  it('records an override as an override, and a responder as its actor', async () => {
    const override = { user: 'kang', replaces: 'rhee', start: '2026-12-24T00:00', end: '2026-12-25T00:00' };
    const result = await call('POST', '/schedules/primary/overrides', override, responder);
    expect(result.status, JSON.stringify(result.body)).toBe(201);
    const [entry] = await latest('&kind=override');
    expect(entry).toMatchObject({ actor: 'rhee', action: 'update', target: 'primary', before: { overrides: [] } });
    expect(entry.after.overrides).toEqual([override]);
    expect(await latest('&actor=rhee')).toHaveLength(1);
  });

  it('records deletes, tokens, maintenance and calendar rotations', async () => {
    expect((await call('DELETE', '/integrations/shop-std')).status).toBe(204);
    expect((await latest('&kind=integration'))[0]).toMatchObject({ action: 'delete', target: 'shop-std', after: null });
    const token = await call('POST', '/tokens', { user: 'rhee', name: 'ci' });
    await call('DELETE', `/tokens/${token.body.id}`);
    expect((await latest('&kind=token')).slice(0, 2)).toMatchObject([
      { action: 'revoke', target: token.body.id },
      { action: 'create', target: token.body.id, after: { user: 'rhee', name: 'ci' } },
    ]);
    expect(JSON.stringify(await latest('&kind=token'))).not.toContain(token.body.token);
    const window = await call('POST', '/services/store/maintenance', { minutes: 15 });
    expect(window.status, JSON.stringify(window.body)).toBe(201);
    await call('DELETE', `/services/store/maintenance/${window.body.id}`);
    const [ended, opened] = await latest('&kind=maintenance');
    expect(opened).toMatchObject({ action: 'create', target: 'store' });
    expect(ended).toMatchObject({ action: 'end', before: { end: opened.after.end }, after: { state: 'ended' } });
    await call('POST', '/schedules/primary/calendar/rotate');
    expect((await latest('&kind=schedule'))[0]).toMatchObject({ action: 'rotate_calendar', target: 'primary' });
  });

  it('records sign-ins, failed ones with the address typed, and sign-outs', async () => {
    const signIn = (password: string) =>
      send('/api/v1/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'http://tocsin.test', 'cf-connecting-ip': ADDRESS },
        body: JSON.stringify({ email: 'owner@example.com', password }),
      });
    expect((await signIn('wrong-password')).status).toBe(401);
    const ok = await signIn('test-admin-password');
    expect(ok.status).toBe(200);
    const cookie = ok.headers.get('set-cookie')!.split(';')[0]!;
    await send('/api/v1/session', { method: 'DELETE', headers: { cookie, origin: 'http://tocsin.test' } });
    expect((await latest('&kind=session')).slice(0, 3)).toMatchObject([
      { action: 'sign_out', actor: 'owner', target: 'owner' },
      { action: 'sign_in', actor: 'owner', ip: ADDRESS, target: 'owner' },
      { action: 'sign_in_failed', actor: 'anonymous', ip: ADDRESS, target: 'owner@example.com' },
    ]);
  });

  it('filters by time and pages newest first with a cursor', async () => {
    const all = await latest();
    const first = (await api('GET', '/audit?limit=3')).body;
    expect(first.entries).toEqual(all.slice(0, 3));
    const second = (await api('GET', `/audit?limit=3&cursor=${encodeURIComponent(first.next_cursor)}`)).body;
    expect(second.entries).toEqual(all.slice(3, 6));
    expect((await api('GET', '/audit?to=2020-01-01T00:00:00Z')).body).toEqual({ entries: [], next_cursor: null });
    expect((await api('GET', `/audit?from=${new Date(Date.now() + 60_000).toISOString()}`)).body.entries).toEqual([]);
    expect((await api('GET', '/audit?kind=nonsense')).body.fields[0].field).toBe('kind');
  });

  it('is for admins only, and append-only', async () => {
    expect((await api('GET', '/audit', undefined, responder)).status).toBe(403);
    expect((await api('GET', '/audit', undefined, observer)).status).toBe(403);
    expect((await api('GET', '/audit', undefined, null)).status).toBe(401);
    const [entry] = await latest();
    for (const [method, path] of [
      ['POST', '/audit'],
      ['PUT', '/audit'],
      ['PATCH', '/audit'],
      ['DELETE', '/audit'],
      ['DELETE', `/audit/${entry.id}`],
    ] as const) {
      const result = await api(method, path, method === 'DELETE' ? undefined : {});
      expect(result.status, `${method} ${path}`).toBe(405);
    }
    expect((await latest())[0]).toEqual(entry);
  });
});
