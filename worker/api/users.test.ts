import { describe, expect, it, vi } from 'vitest';
import { ADMIN_TOKEN, api, postEvent, send } from '../test/helpers';

const people = [
  { id: 'ada', name: 'Ada Admin', role: 'admin' },
  { id: 'olga', name: 'Olga Owner', role: 'owner' },
  { id: 'otto', name: 'Otto Observer', role: 'observer', email: 'otto@example.com' },
  {
    id: 'pat',
    name: 'Pat Responder',
    email: 'pat@example.com',
    phone: '+821000000009',
    contact_methods: [{ id: 'pat-sms', type: 'sms', address: '+821000000009' }],
  },
];

async function setUp() {
  const applied = await api('PUT', '/config', {
    users: people,
    teams: [],
    schedules: [],
    escalation_policies: [],
    services: [],
    integrations: [],
  });
  expect(applied.status, JSON.stringify(applied.body)).toBe(200);
  const token = async (user: string) => (await api('POST', '/tokens', { user })).body.token as string;
  return { ada: await token('ada'), otto: await token('otto'), pat: await token('pat') };
}

async function etag(path: string, token = ADMIN_TOKEN) {
  const response = await send(`/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, tag: response.headers.get('etag'), body: (await response.json()) as any };
}

describe('users, one at a time', () => {
  it('creates, reads by handle or id, changes in part, renames and deletes a user, as the document does', async () => {
    const { ada } = await setUp();
    const kim = { id: 'kim', name: 'Kim', email: 'kim@example.com', contact_methods: [{ id: 'k', type: 'push' }] };
    const created = await api('POST', '/users', kim, ada);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ handle: 'kim', name: 'Kim', role: 'responder', time_zone: 'UTC' });
    const id = created.body.id as string;
    const byHandle = await etag('/users/kim');
    expect(byHandle.tag).toMatch(/^"[0-9a-f]{64}"$/);
    expect((await etag(`/users/${id}`)).body.handle).toBe('kim');
    expect((await api('GET', '/config')).body.users.map((u: { id: string }) => u.id)).toContain('kim');

    const changed = await api('PATCH', '/users/kim', { name: 'Kim Minji' }, ada);
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id, name: 'Kim Minji', contact_methods: [{ id: 'k', type: 'push' }] });
    expect((await etag('/users/kim')).tag).not.toBe(byHandle.tag);

    const kimToken = (await api('POST', '/tokens', { user: 'kim' })).body.token;
    await api('PUT', '/config', { teams: [{ id: 'noc', name: 'NOC', members: ['kim'], admins: ['kim'] }] });
    const renamed = await api('PATCH', '/users/kim', { id: 'minji' }, ada);
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body).toMatchObject({ id, handle: 'minji' });
    expect((await api('GET', '/teams/noc')).body).toMatchObject({ members: ['minji'], admins: ['minji'] });
    expect((await api('GET', '/users/minji', undefined, kimToken)).status).toBe(200);

    await api('PUT', '/config', { teams: [] });
    expect((await api('DELETE', '/users/minji', undefined, ada)).status).toBe(204);
    expect((await api('GET', '/users/minji')).status).toBe(404);
    expect((await api('GET', '/users/minji', undefined, kimToken)).status).toBe(401);
  });

  it('answers 400 naming the field, 409 for a taken handle, and 403 to a responder', async () => {
    const { ada, pat } = await setUp();
    const bad = await api('POST', '/users', { id: 'x', name: 'X', phone: '12345' }, ada);
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f: { field: string }) => f.field)).toEqual(['phone']);
    const badPatch = await api('PATCH', '/users/pat', { locale: 'xx' }, ada);
    expect(badPatch.body.fields.map((f: { field: string }) => f.field)).toEqual(['locale']);
    expect((await api('POST', '/users', { id: 'pat', name: 'Again' }, ada)).status).toBe(409);
    expect((await api('POST', '/users', { id: 'y', name: 'Y' }, pat)).status).toBe(403);
    expect((await api('PATCH', '/users/ada', { name: 'Not Ada' }, pat)).status).toBe(403);
  });

  it('clears an optional field given null (merge patch), and refuses null for a required one', async () => {
    const { ada, pat } = await setUp();
    const cleared = await api('PATCH', '/users/pat', { phone: null, locale: null, name: 'Pat' }, ada);
    expect(cleared.status, JSON.stringify(cleared.body)).toBe(200);
    expect(cleared.body).not.toHaveProperty('phone');
    expect(cleared.body).toMatchObject({ name: 'Pat', locale: 'en', email: 'pat@example.com' });
    const required = await api('PATCH', '/users/pat', { name: null }, ada);
    expect(required.status).toBe(400);
    expect(required.body.fields.map((f: { field: string }) => f.field)).toEqual(['name']);
    // Clearing a field is changing it: a responder may not drop their own email either.
    expect((await api('PATCH', '/users/pat', { email: null }, pat)).status).toBe(403);
    const service = await api('POST', '/services', { id: 'web', name: 'Web', description: 'front' }, ada);
    expect(service.status, JSON.stringify(service.body)).toBe(201);
    const plain = await api('PATCH', '/services/web', { description: null, routing: null }, ada);
    expect(plain.status, JSON.stringify(plain.body)).toBe(200);
    expect(plain.body).not.toHaveProperty('description');
    expect(plain.body.routing).toEqual({ no_one: true });
  });

  it('lets a responder or an observer change their own profile, but not their role, id or email', async () => {
    const { otto, pat } = await setUp();
    const profile = {
      name: 'Pat R.',
      time_zone: 'Asia/Seoul',
      locale: 'ko',
      contact_methods: [{ id: 'pat-push', type: 'push' }],
      notification_rules: [{ urgencies: ['high'], contact_method: 'pat-push', delay_minutes: 0 }],
      handoff_notices: [{ minutes_before: 30 }],
    };
    const changed = await api('PATCH', '/users/pat', profile, pat);
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ ...profile, role: 'responder', email: 'pat@example.com' });
    expect((await api('PATCH', '/users/otto', { name: 'Otto O.', locale: 'ja' }, otto)).status).toBe(200);

    for (const [field, value] of [
      ['role', 'admin'],
      ['id', 'patrick'],
      ['email', 'pat@evil.example'],
    ] as const) {
      const refused = await api('PATCH', '/users/pat', { name: 'Pat', [field]: value }, pat);
      expect(refused.status).toBe(403);
      expect(refused.body.fields).toEqual([{ field, message: 'only an owner or admin may change this' }]);
    }
    // Sent as it is, a field changes nothing: a client may send the whole user back.
    expect((await api('PATCH', '/users/pat', { name: 'Pat', role: 'responder', id: 'pat' }, pat)).status).toBe(200);
    // Teams are not a user's field (a team lists its members), for anyone.
    const teams = await api('PATCH', '/users/pat', { teams: ['noc'] }, pat);
    expect(teams.status).toBe(400);
    expect(teams.body.fields[0].message).toMatch(/teams/);
    expect((await api('PATCH', '/users/otto', { name: 'Otto?' }, pat)).status).toBe(403);
    expect((await api('GET', '/users/pat')).body).toMatchObject({ role: 'responder', email: 'pat@example.com' });
    const { entries } = (await api('GET', '/audit?kind=user&actor=pat')).body;
    expect(entries[0]).toMatchObject({ action: 'update', target: 'pat' });
  });

  it('lets only an owner create, delete or change the role of owners and admins', async () => {
    const { ada } = await setUp();
    const olga = (await api('POST', '/tokens', { user: 'olga' })).body.token;
    expect((await api('POST', '/users', { id: 'boss', name: 'Boss', role: 'admin' }, ada)).status).toBe(403);
    expect((await api('PATCH', '/users/pat', { role: 'admin' }, ada)).status).toBe(403);
    expect((await api('PATCH', '/users/olga', { role: 'responder' }, ada)).status).toBe(403);
    expect((await api('DELETE', '/users/olga', undefined, ada)).status).toBe(403);
    expect((await api('PATCH', '/users/pat', { role: 'observer' }, ada)).status).toBe(200);
    expect((await api('PATCH', '/users/pat', { role: 'admin' }, olga)).status).toBe(200);
    expect((await api('POST', '/users', { id: 'boss', name: 'Boss', role: 'owner' }, olga)).status).toBe(201);
    expect((await api('DELETE', '/users/boss')).status).toBe(204);
  });

  it('answers 412 for a write with a stale If-Match', async () => {
    await setUp();
    const { tag } = await etag('/users/pat');
    await api('PATCH', '/users/pat', { name: 'Pat 2' });
    const stale = await send('/api/v1/users/pat', {
      method: 'PATCH',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', 'if-match': tag! },
      body: JSON.stringify({ name: 'Pat 3' }),
    });
    expect(stale.status).toBe(412);
    expect(await stale.json()).toMatchObject({ error: 'precondition_failed' });
    expect((await api('GET', '/users/pat')).body.name).toBe('Pat 2');
  });
});

describe('what observers see of users', () => {
  it('shows an observer names but no email, phone or contact address', async () => {
    const { otto } = await setUp();
    const list = (await api('GET', '/users', undefined, otto)).body.users;
    const pat = list.find((u: { handle: string }) => u.handle === 'pat');
    expect(pat).toMatchObject({ name: 'Pat Responder', contact_methods: [{ id: 'pat-sms', type: 'sms' }] });
    expect(JSON.stringify(list)).not.toMatch(/example\.com|\+8210/);
    const one = (await api('GET', '/users/pat', undefined, otto)).body;
    expect(one).not.toHaveProperty('email');
    expect(one).not.toHaveProperty('phone');
    expect(one.contact_methods[0]).not.toHaveProperty('address');
    expect((await api('GET', '/users/pat')).body).toMatchObject({ email: 'pat@example.com', phone: '+821000000009' });
  });

  it('leaves the address out of the pages an observer reads', async () => {
    const { otto } = await setUp();
    await api('PUT', '/config', {
      services: [{ id: 'pager', name: 'Pager', routing: { user: 'pat' } }],
      integrations: [{ id: 'pager-std', name: 'Std', type: 'standard', service: 'pager', key: 'key-pager-0123456789' }],
    });
    const { incident_id: id } = (await postEvent('key-pager-0123456789', { summary: 'page pat' })).body;
    let pages: { address?: string }[] = [];
    await vi.waitFor(
      async () => {
        pages = (await api('GET', `/incidents/${id}/notifications`)).body.notifications;
        expect(pages.length).toBeGreaterThan(0);
      },
      { timeout: 5000, interval: 20 },
    );
    expect(pages[0]!.address).toBe('+821000000009');
    for (const path of [`/incidents/${id}/notifications`, '/users/pat/notifications']) {
      // The user's log is D1's copy, a moment behind the incident's own.
      await vi.waitFor(
        async () => {
          const seen = (await api('GET', path, undefined, otto)).body.notifications;
          expect(seen.length, path).toBeGreaterThan(0);
          for (const page of seen) expect(page).not.toHaveProperty('address');
        },
        { timeout: 5000, interval: 20 },
      );
    }
  });
});

describe('calendar feed secrets', () => {
  it('shows a user their own feed URL, owners and admins every one, and nobody else any', async () => {
    const { otto, pat, ada } = await setUp();
    const feeds = async (token: string) =>
      Object.fromEntries(
        (await api('GET', '/users', undefined, token)).body.users.map(
          (u: { handle: string; calendar_url?: string }) => [u.handle, u.calendar_url],
        ),
      );
    const mine = await feeds(pat);
    expect(mine.pat).toMatch(/\/calendar\/users\/[0-9a-f]+\.ics$/);
    expect(mine.otto).toBeUndefined();
    expect(Object.values(await feeds(otto)).filter(Boolean)).toHaveLength(1);
    expect(Object.values(await feeds(ada)).every(Boolean)).toBe(true);
    expect((await api('GET', '/users/pat', undefined, otto)).body.calendar_url).toBeUndefined();
  });

  it('rotates a user’s feed: the new URL works and the old one answers 404', async () => {
    const { pat, otto } = await setUp();
    const old = (await api('GET', '/users/pat', undefined, pat)).body.calendar_url;
    expect((await send(new URL(old).pathname)).status).toBe(200);
    expect((await api('POST', '/users/pat/calendar/rotate', undefined, otto)).status).toBe(403);
    const rotated = await api('POST', '/users/pat/calendar/rotate', undefined, pat);
    expect(rotated.status).toBe(200);
    expect(rotated.body.calendar_url).not.toBe(old);
    expect((await send(new URL(rotated.body.calendar_url).pathname)).status).toBe(200);
    expect((await send(new URL(old).pathname)).status).toBe(404);
    expect((await api('POST', '/users/otto/calendar/rotate')).status).toBe(200);
  });

  it('rotates a schedule’s feed for owners and admins only, and shows its URL to them only', async () => {
    const { pat } = await setUp();
    await api('PUT', '/schedules/rota', {
      name: 'Rota',
      time_zone: 'UTC',
      layers: [{ name: 'L', start: '2026-01-01T00:00', rotation: { type: 'daily' }, members: ['pat'] }],
    });
    expect((await api('GET', '/schedules', undefined, pat)).body.schedules[0].calendar_url).toBeUndefined();
    expect((await api('GET', '/schedules/rota', undefined, pat)).body.calendar_url).toBeUndefined();
    const old = (await api('GET', '/schedules/rota')).body.calendar_url;
    expect((await api('POST', '/schedules/rota/calendar/rotate', undefined, pat)).status).toBe(403);
    const rotated = await api('POST', '/schedules/rota/calendar/rotate');
    expect(rotated.status).toBe(200);
    expect((await send(new URL(rotated.body.calendar_url).pathname)).status).toBe(200);
    expect((await send(new URL(old).pathname)).status).toBe(404);
  });
});

describe('teams, one at a time', () => {
  it('are created, read, changed and deleted by owners and admins; a team admin changes only its members', async () => {
    const { ada, pat, otto } = await setUp();
    const created = await api(
      'POST',
      '/teams',
      { id: 'noc', name: 'NOC', members: ['pat'], admins: ['pat', 'otto'] },
      ada,
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toEqual({ id: 'noc', name: 'NOC', members: ['pat'], admins: ['pat', 'otto'] });
    expect((await etag('/teams/noc')).tag).toMatch(/^"[0-9a-f]{64}"$/);
    expect((await api('POST', '/teams', { id: 'ops', name: 'Ops' }, pat)).status).toBe(403);

    const members = await api('PATCH', '/teams/noc', { members: ['pat', 'otto'] }, pat);
    expect(members.status, JSON.stringify(members.body)).toBe(200);
    expect(members.body.members).toEqual(['pat', 'otto']);
    expect((await api('PATCH', '/teams/noc', { name: 'Mine' }, pat)).status).toBe(403);
    expect((await api('PATCH', '/teams/noc', { admins: ['pat'] }, pat)).status).toBe(403);
    expect((await api('PATCH', '/teams/noc', { members: [] }, otto)).status).toBe(403);
    expect((await api('DELETE', '/teams/noc', undefined, pat)).status).toBe(403);

    const unknown = await api('PATCH', '/teams/noc', { members: ['ghost'] }, ada);
    expect(unknown.status).toBe(400);
    expect(unknown.body.fields.map((f: { field: string }) => f.field)).toEqual(['members[0]']);
    expect((await api('PATCH', '/teams/noc', { id: 'ops' }, ada)).body.id).toBe('ops');
    expect((await api('DELETE', '/teams/ops', undefined, ada)).status).toBe(204);
    expect((await api('GET', '/teams/ops')).status).toBe(404);
  });
});
