import consoleCopy from '../../web/src/lib/openapi.json';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, drain, postEvent, send, setUpIntegration } from '../test/helpers';
import { apiRoutes } from './app';

describe('authentication and roles', () => {
  let responderToken: string;
  let observerToken: string;
  let incidentId: string;

  beforeAll(async () => {
    const config = await api('PUT', '/config', {
      users: [
        { id: 'rita', name: 'Rita Responder', role: 'responder' },
        { id: 'otto', name: 'Otto Observer', role: 'observer' },
      ],
    });
    expect(config.status).toBe(200);
    responderToken = (await api('POST', '/tokens', { user: 'rita' })).body.token;
    observerToken = (await api('POST', '/tokens', { user: 'otto' })).body.token;
    const { key, integrationId } = await setUpIntegration('std-auth');
    incidentId = (await postEvent(key, { summary: 'auth', event_id: 'auth-1' })).body.incident_id;
    await drain(integrationId, 'auth-1');
  });

  it('answers 401 without a token or with a wrong one', async () => {
    for (const token of [null, 'nope']) {
      const { status, body } = await api('GET', '/incidents', undefined, token);
      expect(status).toBe(401);
      expect(body.error).toBe('unauthorized');
    }
  });

  it('lets an observer read but not act or configure (403)', async () => {
    expect((await api('GET', '/incidents', undefined, observerToken)).status).toBe(200);
    const ack = await api('POST', `/incidents/${incidentId}/acknowledge`, undefined, observerToken);
    expect(ack.status).toBe(403);
    expect(ack.body.error).toBe('forbidden');
    expect((await api('PUT', '/config', { services: [] }, observerToken)).status).toBe(403);
  });

  it('lets a responder act on incidents but not configure', async () => {
    const ack = await api('POST', `/incidents/${incidentId}/acknowledge`, undefined, responderToken);
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ action: 'acknowledged', incident: { id: incidentId, status: 'acknowledged' } });
    expect((await api('GET', '/config', undefined, responderToken)).status).toBe(403);
    expect((await api('POST', '/services', { id: 'x', name: 'X' }, responderToken)).status).toBe(403);
  });

  it('stops accepting a revoked token', async () => {
    const created = await api('POST', '/tokens', { user: 'otto', name: 'short-lived' });
    expect((await api('GET', '/incidents', undefined, created.body.token)).status).toBe(200);
    expect((await api('DELETE', `/tokens/${created.body.id}`)).status).toBe(204);
    expect((await api('GET', '/incidents', undefined, created.body.token)).status).toBe(401);
  });

  it('serves the OpenAPI document without a token', async () => {
    const response = await send('/api/v1/openapi.json');
    expect(response.status).toBe(200);
    const doc = (await response.json()) as any;
    expect(doc.openapi).toBe('3.1.0');
    const ref = doc.paths['/integration/standard/v1/{key}'].post.requestBody.content['application/json'].schema.$ref;
    expect(ref).toBe('#/components/schemas/StandardEvent');
    const event = doc.components.schemas.StandardEvent;
    expect(event.required).toEqual(['summary']);
    expect(event.properties.urgency.enum).toEqual(['highest', 'high', 'medium', 'low', 'lowest', 'none']);
    expect(doc.paths['/api/v1/config'].put).toBeDefined();
  });

  it("is the document the console's types are generated from (npm run api:types makes it again)", async () => {
    const served = await (await send('/api/v1/openapi.json')).json();
    expect(served).toEqual(consoleCopy);
  });

  it('documents every route of the API', async () => {
    const doc = (await (await send('/api/v1/openapi.json')).json()) as { paths: Record<string, object> };
    const documented = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const served = apiRoutes.routes
      .filter((r) => r.method !== 'ALL' && r.path !== '/openapi.json')
      .map((r) => `${r.method} /api/v1${r.path.replace(/:(\w+)/g, '{$1}')}`);
    expect(served.length).toBeGreaterThan(30);
    expect(served.filter((route) => !documented.includes(route))).toEqual([]);
  });

  it('documents a response schema for every success status, the error schema and a permission', async () => {
    const doc = (await (await send('/api/v1/openapi.json')).json()) as {
      paths: Record<string, Record<string, any>>;
      components: { schemas: Record<string, any> };
    };
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, operation })),
    );
    expect(operations.length).toBeGreaterThan(30);
    const problems: string[] = [];
    for (const { name, operation } of operations) {
      const successes = Object.keys(operation.responses).filter((status) => /^2\d\d$/.test(status));
      if (successes.length === 0) problems.push(`${name}: no success status`);
      for (const status of successes) {
        const content = operation.responses[status].content;
        if (status === '204') {
          if (content) problems.push(`${name}: 204 with a body`);
          continue;
        }
        const schemas = Object.values(content ?? {}).map((media: any) => media.schema);
        if (schemas.length === 0 || schemas.some((schema) => !schema || Object.keys(schema).length === 0)) {
          problems.push(`${name}: no response schema for ${status}`);
        }
      }
      const error = operation.responses['4XX']?.content?.['application/json']?.schema;
      if (error?.$ref !== '#/components/schemas/Error') problems.push(`${name}: no error schema`);
      const isPublic = Array.isArray(operation.security) && operation.security.length === 0;
      if (!isPublic && !['read', 'respond', 'configure'].includes(operation['x-permission'])) {
        problems.push(`${name}: no permission`);
      }
    }
    expect(problems).toEqual([]);
    const error = doc.components.schemas.Error;
    expect(error.required).toEqual(['status', 'error', 'message']);
    expect(error.properties.fields.items.required).toEqual(['field', 'message']);
  });

  it('documents bodies, queries and path parameters from the route definitions', async () => {
    const doc = (await (await send('/api/v1/openapi.json')).json()) as any;
    const comment = doc.paths['/api/v1/incidents/{id}/comment'].post;
    expect(comment['x-permission']).toBe('respond');
    expect(comment.parameters).toContainEqual(expect.objectContaining({ name: 'id', in: 'path', required: true }));
    expect(comment.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/Comment');
    expect(comment.responses['201'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/IncidentAction',
    );
    const list = doc.paths['/api/v1/incidents'].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['status', 'urgency', 'limit', 'cursor']),
    );
    expect(doc.components.schemas.Incident.properties.status.enum).toEqual(['triggered', 'acknowledged', 'resolved']);
    expect(Object.keys(doc.paths['/api/v1/config'].put.requestBody.content).sort()).toEqual([
      'application/json',
      'application/yaml',
    ]);
    expect(doc.paths['/integration/standard/v1/{key}'].post.security).toEqual([]);
    expect(doc.paths['/api/v1/incidents'].get.security).toBeUndefined();
    expect(doc.security).toEqual([{ bearer: [] }]);
  });
});

describe('owners and admins', () => {
  const people = [
    { id: 'rita', name: 'Rita Responder', role: 'responder' },
    { id: 'otto', name: 'Otto Observer', role: 'observer' },
    { id: 'ada', name: 'Ada Admin', role: 'admin' },
    { id: 'olga', name: 'Olga Owner', role: 'owner' },
  ];
  let ada: string;
  beforeAll(async () => {
    expect((await api('PUT', '/config', { users: people })).status).toBe(200);
    ada = (await api('POST', '/tokens', { user: 'ada' })).body.token;
  });

  it('lets only an owner mint a token for an owner or another admin', async () => {
    const refused = await api('POST', '/tokens', { user: 'olga' }, ada);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('forbidden');
    expect((await api('POST', '/tokens', { user: 'ada' }, ada)).status).toBe(201);
    expect((await api('POST', '/tokens', { user: 'rita' }, ada)).status).toBe(201);
    const olga = (await api('POST', '/tokens', { user: 'olga' })).body.token;
    expect((await api('POST', '/tokens', { user: 'ada' }, olga)).status).toBe(201);
  });

  it('lets only an owner make, unmake or remove owners and admins through the configuration', async () => {
    const withRole = (id: string, role: string) => people.map((p) => (p.id === id ? { ...p, role } : p));
    for (const doc of [
      { users: withRole('rita', 'admin') },
      { users: withRole('otto', 'owner') },
      { users: withRole('olga', 'responder') },
      { users: people.filter((p) => p.id !== 'olga') },
      { users: [...people, { id: 'boss', name: 'Boss', role: 'admin' }] },
    ]) {
      const refused = await api('PUT', '/config', doc, ada);
      expect(refused.status, JSON.stringify(doc)).toBe(403);
      expect(refused.body.error).toBe('forbidden');
    }
    const demoted = await api('PUT', '/config', { users: withRole('rita', 'observer') }, ada);
    expect(demoted.status).toBe(200);
    expect((await api('PUT', '/config', { users: withRole('rita', 'admin') })).status).toBe(200);
    expect((await api('PUT', '/config', { users: people })).status).toBe(200);
  });
});

describe('the console', () => {
  it('serves every path outside ingest and the API from the console Worker', async () => {
    const page = await send('/incidents/123');
    expect(page.status).toBe(200);
    expect(await page.text()).toBe('console');
    const api404 = await send('/api/v1/nothing-here', { headers: { authorization: 'Bearer test-admin-token' } });
    expect(api404.status).toBe(404);
    expect(await api404.json()).toMatchObject({ error: 'not_found' });
  });
});

describe('incident actions', () => {
  let key: string;
  let integrationId: string;
  beforeAll(async () => {
    ({ key, integrationId } = await setUpIntegration('std-actions'));
  });

  it('acknowledges, comments and resolves with the user as actor', async () => {
    const { incident_id: id } = (await postEvent(key, { summary: 'act', event_id: 'act-1' })).body;
    await drain(integrationId, 'act-1');
    expect((await api('POST', `/incidents/${id}/acknowledge`)).body.action).toBe('acknowledged');
    expect((await api('POST', `/incidents/${id}/acknowledge`)).body).toMatchObject({
      action: 'ignored',
      message: expect.stringMatching(/already acknowledged/),
    });
    const comment = await api('POST', `/incidents/${id}/comment`, { text: 'looking <b>now</b>' });
    expect(comment.status).toBe(201);
    expect((await api('POST', `/incidents/${id}/resolve`)).body.incident.status).toBe('resolved');
    await drain(integrationId, 'act-1');
    const { body } = await api('GET', `/incidents/${id}`);
    expect(body.timeline.map((t: { type: string }) => t.type).filter((type: string) => type !== 'not_paged')).toEqual([
      'created',
      'acknowledged',
      'comment',
      'resolved',
    ]);
    const entry = (type: string) => body.timeline.find((t: { type: string }) => t.type === type);
    expect(entry('acknowledged').actor).toEqual({ type: 'user', id: 'admin' });
    expect(entry('comment').details).toEqual({ text: 'looking <b>now</b>' });
  });

  it('acts on an incident the moment its id is answered, before its copy reaches D1', async () => {
    const { incident_id: id } = (await postEvent(key, { summary: 'fresh', event_id: 'fresh-1' })).body;
    const ack = await api('POST', `/incidents/${id}/acknowledge`);
    expect(ack.status).toBe(200);
    expect(ack.body.action).toBe('acknowledged');
    const unknown = await api('POST', `/incidents/${crypto.randomUUID()}/acknowledge`);
    expect(unknown.status).toBe(404);
  });

  it('shows every answered change in the next read of the incident, with no wait for D1', async () => {
    for (let i = 0; i < 15; i++) {
      const eventId = `ryw-${i}`;
      const opened = (await postEvent(key, { summary: 'ryw', event_id: eventId })).body;
      const ack = await postEvent(key, { summary: 'ack', event_id: eventId, status: 'ack' });
      expect(ack.body.action).toBe('acknowledged');
      const read = (await api('GET', `/incidents/${opened.incident_id}`)).body;
      expect(read.status).toBe('acknowledged');
      expect(read.timeline.map((t: { type: string }) => t.type)).toContain('acknowledged');
      expect((await api('POST', `/incidents/${opened.incident_id}/resolve`)).status).toBe(200);
      expect((await api('GET', `/incidents/${opened.incident_id}`)).body.status).toBe('resolved');
    }
  });

  it('answers 404 for an id that looks like an incident id but names none', async () => {
    const { incident_id: id } = (await postEvent(key, { summary: 'real', event_id: 'real-1' })).body;
    const unborn = id.replace(/-\d+$/, '-99');
    const forged = `${'0'.repeat(64)}-1`;
    for (const other of [unborn, forged]) {
      expect((await api('GET', `/incidents/${other}`)).status).toBe(404);
      expect((await api('POST', `/incidents/${other}/acknowledge`)).status).toBe(404);
    }
  });

  it('answers 400 for an empty comment and 404 for an unknown incident', async () => {
    const { incident_id: id } = (await postEvent(key, { summary: 'c', event_id: 'c-1' })).body;
    await drain(integrationId, 'c-1');
    const empty = await api('POST', `/incidents/${id}/comment`, { text: '  ' });
    expect(empty.status).toBe(400);
    expect(empty.body.fields[0].field).toBe('text');
    expect((await api('POST', '/incidents/nope/acknowledge')).status).toBe(404);
    expect((await api('GET', '/incidents/nope')).status).toBe(404);
  });
});

describe('listing incidents', () => {
  let numbers: number[];
  beforeAll(async () => {
    const a = await setUpIntegration('list-a');
    const b = await setUpIntegration('list-b');
    const opened = [];
    for (let i = 0; i < 5; i++) {
      const target = i % 2 === 0 ? a : b;
      const urgency = i < 2 ? 'high' : 'low';
      const r = await postEvent(target.key, { summary: `list ${i}`, event_id: `list-${i}`, urgency });
      await drain(target.integrationId, `list-${i}`);
      opened.push(r.body);
    }
    await postEvent(a.key, { summary: 'x', event_id: 'list-0', status: 'close' });
    await drain(a.integrationId, 'list-0');
    numbers = opened.map((o) => o.incident_number);
  });

  it('filters by status, urgency, integration handle or id, and service', async () => {
    const byIntegration = await api('GET', '/incidents?integration=list-a');
    expect(byIntegration.body.incidents.map((i: { number: number }) => i.number)).toEqual([
      numbers[4],
      numbers[2],
      numbers[0],
    ]);
    const integrationId = byIntegration.body.incidents[0].integration_id;
    const byId = await api('GET', `/incidents?integration=${integrationId}`);
    expect(byId.body.incidents).toHaveLength(3);

    const resolved = await api('GET', '/incidents?integration=list-a&status=resolved');
    expect(resolved.body.incidents.map((i: { number: number }) => i.number)).toEqual([numbers[0]]);
    const open = await api('GET', '/incidents?integration=list-a&status=triggered,acknowledged');
    expect(open.body.incidents).toHaveLength(2);

    const high = await api('GET', '/incidents?integration=list-b&urgency=high');
    expect(high.body.incidents.map((i: { number: number }) => i.number)).toEqual([numbers[1]]);
    const byService = await api('GET', '/incidents?service=web&urgency=low');
    expect(byService.body.incidents.length).toBeGreaterThanOrEqual(3);
    expect((await api('GET', '/incidents?service=no-such-service')).body.incidents).toEqual([]);
  });

  it('pages with a cursor until next_cursor is null', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { incidents: { number: number }[]; next_cursor: string | null } } = await api(
        'GET',
        `/incidents?service=web&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.body.incidents.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.incidents.map((i) => i.number));
      cursor = page.body.next_cursor;
    } while (cursor !== null);
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
    expect(new Set(seen).size).toBe(seen.length);
    for (const n of numbers) expect(seen).toContain(n);
  });

  it('filters by a time range on created_at', async () => {
    const future = await api('GET', '/incidents?since=2999-01-01T00:00:00Z');
    expect(future.body.incidents).toEqual([]);
    const past = await api('GET', '/incidents?until=2000-01-01T00:00:00%2B09:00');
    expect(past.body.incidents).toEqual([]);
    const all = await api('GET', '/incidents?since=2000-01-01T00:00:00Z&integration=list-b');
    expect(all.body.incidents).toHaveLength(2);
  });

  it('answers 400 naming bad filters', async () => {
    const { status, body } = await api('GET', '/incidents?status=open&limit=1000&since=today');
    expect(status).toBe(400);
    expect(body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['limit', 'since', 'status[0]']);
  });
});

describe('validation answers from route definitions', () => {
  const raw = (path: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    send(`/api/v1${path}`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-admin-token', ...headers },
      body,
    });

  it('answers 413 for a body over the route limit, before validating it', async () => {
    const response = await raw('/tokens', JSON.stringify({ user: 'x', name: 'n'.repeat(20 * 1024) }));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      status: 'error',
      error: 'payload_too_large',
      message: 'the body is over 16384 bytes',
    });
  });

  it('answers 400 for a body nested too deep, and for one that is not JSON', async () => {
    const deep = await raw('/incidents/nope/comment', `${'['.repeat(40)}${']'.repeat(40)}`);
    expect(deep.status).toBe(400);
    expect(await deep.json()).toMatchObject({ error: 'invalid_request', message: 'the body is too deep' });
    const broken = await raw('/incidents/nope/comment', '{"text": ');
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ error: 'invalid_json', fields: [{ field: 'body' }] });
  });

  it('names each bad field of a body or a query as before, whatever the content type', async () => {
    const response = await raw('/incidents/nope/comment', '{"text": 5}', { 'content-type': 'text/plain' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      status: 'error',
      error: 'invalid_request',
      message: 'invalid request body: text',
      fields: [{ field: 'text', message: expect.any(String) }],
    });
    const { status, body } = await api('GET', '/incidents?limit=0');
    expect(status).toBe(400);
    expect(body).toMatchObject({
      error: 'invalid_request',
      message: 'invalid query: limit',
      fields: [{ field: 'limit' }],
    });
  });

  it('checks the permission before reading or validating the body', async () => {
    expect((await api('POST', '/users', { id: 'vera', name: 'Vera Viewer', role: 'observer' })).status).toBe(201);
    const token = (await api('POST', '/tokens', { user: 'vera' })).body.token;
    const response = await api('POST', '/teams', { nonsense: true }, token);
    expect(response.status).toBe(403);
  });
});

describe('answers as documented', () => {
  type Definition = { method: string; path: string; responses: Record<string, any> };
  const definitions = apiRoutes.openAPIRegistry.definitions.flatMap((d) =>
    d.type === 'route' ? [d.route as Definition] : [],
  );
  /** Parses an answer with the schema its route documents for the status it answered. */
  async function check(method: string, template: string, path: string, body?: unknown, token?: string) {
    const answer = await api(method, path, body, token);
    const route = definitions.find((r) => r.method === method.toLowerCase() && r.path === template);
    const response = route?.responses[String(answer.status)] ?? route?.responses[`${String(answer.status)[0]}XX`];
    const schema = response?.content?.['application/json']?.schema;
    expect(schema, `${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`).toBeDefined();
    const parsed = schema.safeParse(answer.body);
    expect(parsed.success, `${method} ${path}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    return answer.body;
  }

  it('answers each read and write with what the route documents', async () => {
    const { key, integrationId } = await setUpIntegration('std-doc');
    const { incident_id: id } = (await postEvent(key, { summary: 'doc', event_id: 'doc-1' })).body;
    await drain(integrationId, 'doc-1');
    const schedule = {
      name: 'Doc',
      time_zone: 'UTC',
      layers: [{ name: 'L', start: '2026-11-02T09:00', rotation: { type: 'weekly' }, members: ['rita'] }],
    };
    await check('PUT', '/schedules/{id}', '/schedules/doc-sched', schedule);
    const policy = { name: 'Doc policy', steps: [{ responders: [{ schedule: 'doc-sched' }], delay_minutes: 5 }] };
    await check('PUT', '/escalation-policies/{id}', '/escalation-policies/doc-policy', policy);
    await check('PATCH', '/services/{id}', '/services/web', { routing: { escalation_policy: 'doc-policy' } });
    await check('POST', '/teams', '/teams', { id: 'doc-team', name: 'Doc team', members: ['rita'] });
    const reads: [string, string][] = [
      ['/incidents', '/incidents'],
      ['/incidents/{id}', `/incidents/${id}`],
      ['/incidents/{id}/notifications', `/incidents/${id}/notifications`],
      ['/services', '/services'],
      ['/services/{id}', '/services/web'],
      ['/integrations', '/integrations'],
      ['/integrations/{id}', '/integrations/std-doc'],
      ['/schedules', '/schedules'],
      ['/schedules/{id}', '/schedules/doc-sched'],
      ['/schedules/{id}/on-call', '/schedules/doc-sched/on-call?at=2026-11-03T10:00:00Z'],
      ['/schedules/{id}/shifts', '/schedules/doc-sched/shifts?from=2026-11-01T00:00:00Z&to=2026-11-20T00:00:00Z'],
      ['/schedules/{id}/gaps', '/schedules/doc-sched/gaps?from=2026-11-01T00:00:00Z&to=2026-11-20T00:00:00Z'],
      ['/escalation-policies', '/escalation-policies'],
      ['/escalation-policies/{id}', '/escalation-policies/doc-policy'],
      ['/on-call', '/on-call'],
      ['/users', '/users'],
      ['/users/{id}', '/users/rita'],
      ['/users/{id}/notifications', '/users/rita/notifications'],
      ['/teams', '/teams'],
      ['/teams/{id}', '/teams/doc-team'],
      ['/config', '/config'],
    ];
    for (const [template, path] of reads) await check('GET', template, path);
    await check('POST', '/simulate', '/simulate', { integration: 'std-doc', event: { summary: 'x', urgency: 'high' } });
    await check('POST', '/incidents/{id}/acknowledge', `/incidents/${id}/acknowledge`);
    await check('POST', '/incidents/{id}/comment', `/incidents/${id}/comment`, { text: 'documented' });
    await check('POST', '/incidents/{id}/reassign', `/incidents/${id}/reassign`, { user: 'rita' });
    await check('POST', '/schedules/{id}/calendar/rotate', '/schedules/doc-sched/calendar/rotate');
    await check('POST', '/users/{id}/calendar/rotate', '/users/rita/calendar/rotate');
    await check('PUT', '/config', '/config', await check('GET', '/config', '/config'));
    await check('POST', '/tokens', '/tokens', { user: 'rita' });
    await check('GET', '/incidents', '/incidents?limit=0');
    await check('GET', '/teams/{id}', '/teams/nobody');
  });
});
