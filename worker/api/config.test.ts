import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, api, drain, postEvent, send, setUpIntegration } from '../test/helpers';

const yamlDocument = `
services:
  - id: web            # stable handle
    name: Web Frontend
integrations:
  - id: std
    name: Standard API
    type: standard
    key: 5f0c1d2e3a4b5c6d   # optional fixed key; generated when absent
    service: web            # default service
`;

describe('configuration as code', () => {
  it('applies the documented YAML shape, and applying it twice changes nothing the second time', async () => {
    const first = await api('PUT', '/config', yamlDocument);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      changed: true,
      changes: {
        users: { created: [], updated: [], deleted: [] },
        teams: { created: [], updated: [], deleted: [] },
        schedules: { created: [], updated: [], deleted: [] },
        escalation_policies: { created: [], updated: [], deleted: [] },
        services: { created: ['web'], updated: [], deleted: [] },
        integrations: { created: ['std'], updated: [], deleted: [] },
        extensions: { created: [], updated: [], deleted: [] },
      },
    });
    const second = await api('PUT', '/config', yamlDocument);
    expect(second.body.changed).toBe(false);
    const event = await postEvent('5f0c1d2e3a4b5c6d', { summary: 'configured' });
    expect(event.status).toBe(202);
  });

  it('exports what was applied, and the export round-trips', async () => {
    await api('PUT', '/config', yamlDocument);
    const exported = await api('GET', '/config');
    expect(exported.body.services).toEqual([{ id: 'web', name: 'Web Frontend', routing: { no_one: true } }]);
    expect(exported.body.integrations).toEqual([
      { id: 'std', name: 'Standard API', type: 'standard', key: '5f0c1d2e3a4b5c6d', service: 'web' },
    ]);
    expect((await api('PUT', '/config', exported.body)).body.changed).toBe(false);
  });

  it('exports YAML on request', async () => {
    const response = await send('/api/v1/config?format=yaml', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(response.headers.get('content-type')).toMatch(/yaml/);
    const text = await response.text();
    expect(text).toContain('key: 5f0c1d2e3a4b5c6d');
    expect((await api('PUT', '/config', text)).body.changed).toBe(false);
  });

  it('generates a 32-hex-character key when none is given, and keeps it on later applies', async () => {
    const doc = {
      services: [{ id: 'web', name: 'Web Frontend' }],
      integrations: [{ id: 'gen', name: 'Generated', type: 'standard', service: 'web' }],
    };
    await api('PUT', '/config', doc);
    const key = (await api('GET', '/integrations/gen')).body.key;
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect((await api('PUT', '/config', doc)).body.changed).toBe(false);
    expect((await api('GET', '/integrations/gen')).body.key).toBe(key);
  });

  it('updates and deletes by handle, answering what changed', async () => {
    await api('PUT', '/config', yamlDocument);
    const result = await api('PUT', '/config', {
      services: [
        { id: 'web', name: 'Web (renamed)' },
        { id: 'db', name: 'Database' },
      ],
      integrations: [],
    });
    expect(result.body.changes.services).toEqual({ created: ['db'], updated: ['web'], deleted: [] });
    expect(result.body.changes.integrations.deleted).toContain('std');
    expect((await postEvent('5f0c1d2e3a4b5c6d', { summary: 'gone' })).status).toBe(404);
  });

  it('leaves a section that the document does not mention untouched', async () => {
    await api('PUT', '/config', yamlDocument);
    const result = await api('PUT', '/config', { users: [] });
    expect(result.body.changes.services).toEqual({ created: [], updated: [], deleted: [] });
    expect((await api('GET', '/config')).body.services).toHaveLength(1);
  });

  it.each([
    [{ services: [{ id: 'web' }] }, ['services[0].name']],
    [{ services: [{ id: 'bad handle!', name: 'x' }] }, ['services[0].id']],
    [
      {
        services: [
          { id: 'a', name: 'A' },
          { id: 'a', name: 'B' },
        ],
      },
      ['services[1].id'],
    ],
    [{ servics: [] }, ['body']],
    [
      {
        services: [{ id: 'a', name: 'A' }],
        integrations: [{ id: 'i', name: 'I', type: 'standard', service: 'a', key: 'short' }],
      },
      ['integrations[0].key'],
    ],
    [
      {
        services: [{ id: 'a', name: 'A' }],
        integrations: [{ id: 'i', name: 'I', type: 'carrier-pigeon', service: 'a' }],
      },
      ['integrations[0].type'],
    ],
    [
      {
        services: [{ id: 'a', name: 'A' }],
        integrations: [{ id: 'i', name: 'I', type: 'standard', service: 'missing' }],
      },
      ['integrations[0].service'],
    ],
    [
      {
        services: [{ id: 'a', name: 'A' }],
        integrations: [
          { id: 'i', name: 'I', type: 'standard', service: 'a', key: 'same-key-0123456789' },
          { id: 'j', name: 'J', type: 'standard', service: 'a', key: 'same-key-0123456789' },
        ],
      },
      ['integrations[1].key'],
    ],
  ])('rejects %j with 400 naming the field, and changes nothing', async (doc, fields) => {
    await api('PUT', '/config', yamlDocument);
    const before = await api('GET', '/config');
    const { status, body } = await api('PUT', '/config', doc);
    expect(status).toBe(400);
    expect(body.fields.map((f: { field: string }) => f.field)).toEqual(fields);
    expect((await api('GET', '/config')).body).toEqual(before.body);
  });

  it('rejects a loop with no delay, a step repeating at once, an hourless rotation and too many contact methods, naming each', async () => {
    const instant = { responders: [{ user: 'kim' }], delay_minutes: 0 };
    const { status, body } = await api('PUT', '/config', {
      users: [
        {
          id: 'kim',
          name: 'Kim',
          contact_methods: Array.from({ length: 21 }, (_, i) => ({ id: `m${i}`, type: 'push' })),
        },
      ],
      schedules: [
        {
          id: 's',
          name: 'S',
          time_zone: 'UTC',
          layers: [
            { name: 'L', start: '2026-01-01T00:00', rotation: { type: 'custom', hours: 0.5 }, members: ['kim'] },
          ],
        },
      ],
      escalation_policies: [
        { id: 'loop', name: 'Loop', repeat: 5, steps: [instant] },
        { id: 'burst', name: 'Burst', steps: [{ ...instant, repeat: 3 }] },
      ],
    });
    expect(status).toBe(400);
    expect(body.fields.map((f: { field: string }) => f.field).sort()).toEqual([
      'escalation_policies[0].repeat',
      'escalation_policies[1].steps[0].repeat',
      'schedules[0].layers[0].rotation.hours',
      'users[0].contact_methods',
    ]);
  });

  it('rejects a document that is not YAML', async () => {
    const { status, body } = await api('PUT', '/config', 'services: [unclosed');
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_document');
  });
});

describe('services and integrations, one at a time', () => {
  it('creates an integration and answers its key and ingest URL', async () => {
    await api('POST', '/services', { id: 'one', name: 'One' });
    const { status, body } = await api('POST', '/integrations', {
      id: 'one-std',
      name: 'One',
      type: 'standard',
      service: 'one',
    });
    expect(status).toBe(201);
    expect(body.key).toMatch(/^[0-9a-f]{32}$/);
    expect(body.ingest_url).toBe(`http://tocsin.test/integration/standard/v1/${body.key}`);
    expect(body).toMatchObject({ handle: 'one-std', service: 'one', type: 'standard' });
    expect((await postEvent(body.key, { summary: 'hello' })).status).toBe(202);
  });

  it('answers 409 for a taken handle and 404 for an unknown one', async () => {
    await api('POST', '/services', { id: 'two', name: 'Two' });
    expect((await api('POST', '/services', { id: 'two', name: 'Two' })).status).toBe(409);
    expect((await api('GET', '/services/nope')).status).toBe(404);
    expect((await api('PATCH', '/services/two', { name: 'Zwei' })).body.name).toBe('Zwei');
  });
});

describe('concurrent configuration writes', () => {
  async function tagOf(path: string): Promise<string> {
    const response = await send(`/api/v1${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(response.status).toBe(200);
    const tag = response.headers.get('etag');
    expect(tag).toMatch(/^"[0-9a-f]{64}"$/);
    return tag!;
  }
  const withIfMatch = (method: string, path: string, ifMatch: string, body?: unknown) =>
    send(`/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', 'if-match': ifMatch },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('answers 412 for a PUT /config whose If-Match is not the configuration now, and applies a current one', async () => {
    await api('PUT', '/config', yamlDocument);
    const tag = await tagOf('/config');
    expect(await tagOf('/config')).toBe(tag);
    await api('PATCH', '/services/web', { name: 'Changed meanwhile' });
    const stale = await withIfMatch('PUT', '/config', tag, { services: [{ id: 'web', name: 'Mine' }] });
    expect(stale.status).toBe(412);
    expect(await stale.json()).toMatchObject({ status: 'error', error: 'precondition_failed' });
    expect((await api('GET', '/services/web')).body.name).toBe('Changed meanwhile');
    const current = await withIfMatch('PUT', '/config', await tagOf('/config'), {
      services: [{ id: 'web', name: 'Mine' }],
    });
    expect(current.status).toBe(200);
    expect((await api('PUT', '/config', { services: [{ id: 'web', name: 'No If-Match' }] })).status).toBe(200);
  });

  it('tags each object, and answers 412 for a write of it with a stale If-Match', async () => {
    await api('PUT', '/config', yamlDocument);
    const schedule = {
      name: 'S',
      time_zone: 'UTC',
      layers: [{ name: 'L', start: '2026-01-01T00:00', rotation: { type: 'daily' }, members: ['kim'] }],
    };
    await api('PUT', '/config', { users: [{ id: 'kim', name: 'Kim', email: 'kim@example.com' }] });
    expect((await api('PUT', '/schedules/s', schedule)).status).toBe(200);
    const policy = { name: 'P', steps: [{ responders: [{ user: 'kim' }], delay_minutes: 5 }] };
    expect((await api('PUT', '/escalation-policies/p', policy)).status).toBe(200);
    for (const [path, method, change] of [
      ['/services/web', 'PATCH', { name: 'Web 2' }],
      ['/integrations/std', 'PATCH', { name: 'Std 2' }],
      ['/schedules/s', 'PUT', { ...schedule, name: 'S 2' }],
      ['/escalation-policies/p', 'PUT', { ...policy, name: 'P 2' }],
    ] as const) {
      const tag = await tagOf(path);
      const fresh = await withIfMatch(method, path, tag, change);
      expect(fresh.status, path).toBe(200);
      const stale = await withIfMatch(method, path, tag, { ...change, name: 'stale' });
      expect(stale.status, path).toBe(412);
      expect(((await stale.json()) as { error: string }).error).toBe('precondition_failed');
      expect((await withIfMatch('DELETE', path, tag)).status, path).toBe(412);
    }
    expect((await api('GET', '/escalation-policies/p')).body).toMatchObject({ id: 'p', name: 'P 2' });
    expect((await api('GET', '/schedules/s')).body).toMatchObject({ handle: 's', name: 'S 2' });
  });

  it('keeps every one of several object writes made at the same time', async () => {
    const names = ['a', 'b', 'c', 'd'];
    await api('PUT', '/config', { services: names.map((id) => ({ id, name: id })), integrations: [] });
    const results = await Promise.all(names.map((id) => api('PATCH', `/services/${id}`, { name: `${id} changed` })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const { body } = await api('GET', '/config');
    expect(body.services.map((s: { name: string }) => s.name).sort()).toEqual(names.map((id) => `${id} changed`));
  });
});

describe('renaming', () => {
  it('keeps an integration’s internal id, so that its key still reaches the open incident', async () => {
    const { key, integrationId } = await setUpIntegration('before-rename');
    const first = await postEvent(key, { summary: 'disk full', event_id: 'rename-1' });
    expect(first.status).toBe(202);
    await drain(integrationId, 'rename-1');
    const renamed = await api('PATCH', '/integrations/before-rename', { id: 'after-rename' });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body).toMatchObject({ id: integrationId, handle: 'after-rename', key });
    expect((await api('GET', '/integrations/before-rename')).status).toBe(404);
    const again = await postEvent(key, { summary: 'disk full', event_id: 'rename-1' });
    expect(again.body).toMatchObject({ action: 'deduplicated', incident_id: first.body.incident_id });
  });

  it('treats an integration that keeps its key under a new id in a document as a rename', async () => {
    const { key, integrationId } = await setUpIntegration('doc-old');
    const { body } = await api('GET', '/config');
    const doc = {
      integrations: body.integrations.map((i: { id: string }) => (i.id === 'doc-old' ? { ...i, id: 'doc-new' } : i)),
    };
    const applied = await api('PUT', '/config', doc);
    expect(applied.status).toBe(200);
    expect(applied.body.changes.integrations).toEqual({ created: [], updated: ['doc-new'], deleted: [] });
    expect((await api('GET', '/integrations/doc-new')).body).toMatchObject({ id: integrationId, key });
  });

  it('renames a service, a schedule and a policy, keeping their ids, with references following', async () => {
    await api('PUT', '/config', {
      users: [{ id: 'kim', name: 'Kim', email: 'kim@example.com' }],
      teams: [{ id: 'noc', name: 'NOC', members: ['kim'], admins: ['kim'] }],
      schedules: [
        {
          id: 'day',
          name: 'Day',
          team: 'noc',
          time_zone: 'UTC',
          layers: [{ name: 'L', start: '2026-01-01T00:00', rotation: { type: 'daily' }, members: ['kim'] }],
        },
      ],
      escalation_policies: [
        { id: 'pol', name: 'Pol', team: 'noc', steps: [{ responders: [{ schedule: 'day' }], delay_minutes: 5 }] },
      ],
      services: [{ id: 'svc', name: 'Svc', team: 'noc', routing: { escalation_policy: 'pol' } }],
      integrations: [{ id: 'svc-std', name: 'Std', type: 'standard', service: 'svc' }],
    });
    const kimToken = (await api('POST', '/tokens', { user: 'kim' })).body.token;
    const before = (await api('GET', '/services/svc')).body.id;
    const service = await api('PATCH', '/services/svc', { id: 'svc2' });
    expect(service.status, JSON.stringify(service.body)).toBe(200);
    expect(service.body).toMatchObject({ id: before, handle: 'svc2' });
    expect((await api('GET', '/integrations/svc-std')).body.service).toBe('svc2');
    expect((await api('PATCH', '/escalation-policies/pol', { id: 'pol2' })).status).toBe(200);
    expect((await api('PATCH', '/schedules/day', { id: 'day2', name: 'Day 2' })).status).toBe(200);
    const scheduleId = (await api('GET', '/schedules/day2')).body.id;
    const { body: config } = await api('GET', '/config');
    expect(config.services.find((s: { id: string }) => s.id === 'svc2').routing, JSON.stringify(config)).toEqual({
      escalation_policy: 'pol2',
    });
    expect(config.escalation_policies[0].steps[0].responders).toEqual([{ schedule: 'day2' }]);
    expect((await api('GET', '/schedules/day2')).body.id).toBe(scheduleId);
    expect((await api('PATCH', '/services/svc2', { name: 'By a team admin' }, kimToken)).status).toBe(200);
  });

  it('answers 409 for a rename to a taken handle', async () => {
    await api('PUT', '/config', {
      services: [
        { id: 'x', name: 'X' },
        { id: 'y', name: 'Y' },
      ],
      integrations: [],
    });
    const taken = await api('PATCH', '/services/x', { id: 'y' });
    expect(taken.status).toBe(409);
    expect(taken.body.fields).toEqual([{ field: 'id', message: 'taken' }]);
  });
});
