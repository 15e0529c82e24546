import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { incidentObjectName } from '../incident/commands';
import { ADMIN_TOKEN, api, postEvent, send } from '../test/helpers';
import { conditionSchema, matches } from './conditions';
import type { AlertEvent } from './event';
import { route, routingRuleSchema, suppress, suppressionRuleSchema } from './routing';

const event: AlertEvent = {
  eventId: 'e1',
  action: 'open',
  summary: 'RDS storage low on orders-db',
  urgency: 'high',
  eventTime: '2026-11-24T17:00:00.000Z',
  payload: { labels: { team: 'payments' } },
  resource: 'orders-db',
  metric: 'FreeStorageSpace',
  details: { region: 'ap-northeast-2', free_gb: 3 },
};

const when = (condition: unknown) => conditionSchema.parse(condition);

describe('conditions', () => {
  it.each([
    [{ all: [{ field: 'summary', op: 'contains', value: 'rds' }] }, true],
    [{ all: [{ field: 'summary', op: 'contains', value: 'rds', ignore_case: false }] }, false],
    [{ all: [{ field: 'summary', op: 'not_contains', value: 'redis' }] }, true],
    [
      {
        all: [
          { field: 'urgency', op: 'equals', value: 'high' },
          { field: 'resource', op: 'regex', value: '^orders-' },
        ],
      },
      true,
    ],
    [
      {
        any: [
          { field: 'urgency', op: 'equals', value: 'low' },
          { field: 'metric', op: 'equals', value: 'cpu' },
        ],
      },
      false,
    ],
    [{ all: [{ field: 'details.free_gb', op: 'lt', value: 5 }] }, true],
    [{ all: [{ field: 'custom_details.free_gb', op: 'gt', value: 5 }] }, false],
    [{ all: [{ field: 'payload.labels.team', op: 'equals', value: 'payments' }] }, true],
    [{ all: [{ field: 'details.nothing', op: 'exists' }] }, false],
    [{ all: [{ field: 'event_type', op: 'not_equals', value: 'x' }] }, true],
  ])('%j is %s', (condition, expected) => {
    expect(matches(when(condition), event)).toBe(expected);
  });

  it('refuses an unknown field, a missing value and a broken regex, naming each', () => {
    const parsed = conditionSchema.safeParse({
      all: [
        { field: 'colour', op: 'equals', value: 'red' },
        { field: 'summary', op: 'equals' },
        { field: 'summary', op: 'regex', value: '(' },
      ],
    });
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual(['all.0.field', 'all.1.value', 'all.2.value']);
  });
});

describe('routing and suppression rules', () => {
  const rules = [
    { when: { all: [{ field: 'summary', op: 'contains', value: 'RDS' }] }, service: 'db-rds' },
    { when: { any: [{ field: 'urgency', op: 'equals', value: 'lowest' }] }, no_one: true },
  ].map((r) => routingRuleSchema.parse(r));

  it('sends an event where the first matching rule says, else to the integration’s service', () => {
    expect(route(event, rules, 'db').service).toBe('db-rds');
    expect(route({ ...event, summary: 'CPU high' }, rules, 'db')).toEqual({
      service: 'db',
      event: { ...event, summary: 'CPU high' },
    });
    expect(route({ ...event, summary: 'x', urgency: 'lowest' }, rules, 'db').event.quiet).toBe(
      'a routing rule sends it to no one',
    );
  });

  it('drops, quiets, or changes the urgency of an event, by the first matching rule', () => {
    const suppression = [
      { name: 'test boxes', when: { all: [{ field: 'resource', op: 'regex', value: '^test-' }] }, action: 'drop' },
      { when: { all: [{ field: 'metric', op: 'equals', value: 'FreeStorageSpace' }] }, action: { urgency: 'low' } },
      {
        name: 'staging',
        when: { all: [{ field: 'details.region', op: 'equals', value: 'staging' }] },
        action: 'quiet',
      },
    ].map((r) => suppressionRuleSchema.parse(r));
    expect(suppress({ ...event, resource: 'test-1' }, suppression)).toBeNull();
    expect(suppress(event, suppression)?.urgency).toBe('low');
    expect(suppress({ ...event, metric: 'x', details: { region: 'staging' } }, suppression)?.quiet).toBe(
      'suppressed by rule staging',
    );
    expect(suppress({ ...event, metric: 'x' }, suppression)).toEqual({ ...event, metric: 'x' });
  });
});

describe('routing in the real runtime', () => {
  const KEY = 'key-routing-0123456789abc';
  beforeAll(async () => {
    const result = await api('PUT', '/config', {
      users: [{ id: 'rina', name: 'Rina' }],
      services: [
        { id: 'db', name: 'DB', routing: { user: 'rina' } },
        {
          id: 'db-rds',
          name: 'DB RDS',
          routing: { user: 'rina' },
          suppression_rules: [
            {
              name: 'snapshots',
              when: { all: [{ field: 'summary', op: 'contains', value: 'snapshot' }] },
              action: 'drop',
            },
          ],
        },
      ],
      integrations: [
        {
          id: 'routed',
          name: 'Routed',
          type: 'standard',
          service: 'db',
          key: KEY,
          routing_rules: [
            { when: { all: [{ field: 'summary', op: 'contains', value: 'RDS' }] }, service: 'db-rds' },
            { when: { any: [{ field: 'urgency', op: 'equals', value: 'lowest' }] }, no_one: true },
          ],
        },
      ],
    });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
  });

  it('opens the incident on the service a rule names, quietly for no one, and drops what suppression drops', async () => {
    const rds = await postEvent(KEY, { summary: 'RDS CPU high', event_id: 'route-1' });
    expect((await api('GET', `/incidents/${rds.body.incident_id}`)).body.service).toBe('db-rds');
    const other = await postEvent(KEY, { summary: 'Disk full', event_id: 'route-2' });
    expect((await api('GET', `/incidents/${other.body.incident_id}`)).body.service).toBe('db');

    const quiet = await postEvent(KEY, { summary: 'FYI', event_id: 'route-3', urgency: 'lowest' });
    const detail = (await api('GET', `/incidents/${quiet.body.incident_id}`)).body;
    const notPaged = detail.timeline.find((t: { type: string }) => t.type === 'not_paged');
    expect(notPaged?.details.reason).toBe('a routing rule sends it to no one');

    const dropped = await postEvent(KEY, { summary: 'RDS snapshot taken', event_id: 'route-4' });
    expect(dropped.body).toMatchObject({
      action: 'ignored',
      message: 'dropped by a suppression rule',
      incident_id: null,
    });
  });

  it('refuses a rule that names an unknown service, naming the field', async () => {
    const result = await api('PUT', '/config', {
      integrations: [
        {
          id: 'routed',
          name: 'Routed',
          type: 'standard',
          service: 'db',
          key: KEY,
          routing_rules: [{ when: { all: [{ field: 'summary', op: 'contains', value: 'x' }] }, service: 'nope' }],
        },
      ],
    });
    expect(result.status).toBe(400);
    expect(result.body.fields[0].field).toBe('integrations[0].routing_rules[0].service');
  });
});

describe('the preview of an integration', () => {
  it('answers the events a sample would make and where each would go, changing nothing', async () => {
    const sample = { summary: 'RDS failover', event_id: 'preview-1', urgency: 'high' };
    const response = await send('/api/v1/integrations/routed/preview', {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(sample),
    });
    expect(response.status).toBe(200);
    const { events } = (await response.json()) as { events: Record<string, unknown>[] };
    expect(events).toEqual([
      expect.objectContaining({ event_id: 'preview-1', action: 'open', service: 'db-rds', pages: true, quiet: null }),
    ]);
    const integration = (await api('GET', '/integrations/routed')).body.id as string;
    const object = env.INCIDENTS.getByName(incidentObjectName(integration, 'preview-1'));
    expect(await object.latestIncident()).toBeNull();
  });

  it('answers 400 naming the field for a sample the tool could never send', async () => {
    const response = await send('/api/v1/integrations/routed/preview', {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: '{"urgency": "loud"}',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { fields: { field: string }[] }).fields.map((f) => f.field)).toContain(
      'summary',
    );
  });
});

describe('support hours in the real runtime', () => {
  const KEY = 'key-hours-0123456789abcd';
  const today = new Date().toISOString().slice(0, 10);
  const everyDay = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

  it('lower the urgency, or page nobody, outside business hours (a holiday here)', async () => {
    const hours = (outside: object) => ({
      time_zone: 'UTC',
      days: everyDay,
      start: '00:00',
      end: '24:00',
      holidays: { dates: [today] },
      inside: { page: true },
      outside,
    });
    const apply = (outside: object) =>
      api('PUT', '/config', {
        services: [{ id: 'hours', name: 'Hours', routing: { user: 'rina' }, support_hours: hours(outside) }],
        integrations: [{ id: 'hours-std', name: 'Std', type: 'standard', service: 'hours', key: KEY }],
      });
    expect((await apply({ urgency: 'low' })).status).toBe(200);
    const lowered = await postEvent(KEY, { summary: 'x', event_id: 'hours-1', urgency: 'high' });
    expect((await api('GET', `/incidents/${lowered.body.incident_id}`)).body.urgency).toBe('low');
    expect((await apply({ page: false })).status).toBe(200);
    const quiet = await postEvent(KEY, { summary: 'x', event_id: 'hours-2', urgency: 'high' });
    const timeline = (await api('GET', `/incidents/${quiet.body.incident_id}`)).body.timeline;
    expect(timeline.find((t: { type: string }) => t.type === 'not_paged').details.reason).toBe('outside support hours');
  });
});

describe('alert grouping in the real runtime', () => {
  const KEY = 'key-grouping-0123456789ab';

  it('merges alerts with the same values into one incident, which resolves with the last of them', async () => {
    const result = await api('PUT', '/config', {
      services: [{ id: 'grouped', name: 'Grouped' }],
      integrations: [
        {
          id: 'grouped-std',
          name: 'Std',
          type: 'standard',
          service: 'grouped',
          key: KEY,
          grouping: { by: ['resource'] },
        },
      ],
    });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    const send = (event_id: string, status = 'open', resource_name = 'db-1') =>
      postEvent(KEY, { summary: `${event_id} on ${resource_name}`, event_id, status, resource_name });
    const first = await send('disk');
    const second = await send('cpu');
    expect(second.body).toMatchObject({ action: 'deduplicated', incident_id: first.body.incident_id, event_id: 'cpu' });
    const other = await send('disk', 'open', 'db-2');
    expect(other.body.incident_id).not.toBe(first.body.incident_id);

    expect((await send('disk', 'close')).body.action).toBe('deduplicated');
    const still = (await api('GET', `/incidents/${first.body.incident_id}`)).body;
    expect(still.status).toBe('triggered');
    expect(still.timeline.at(-1)).toMatchObject({
      type: 'alert_resolved',
      details: { event_id: 'disk', still_firing: 1 },
    });
    expect((await send('cpu', 'close')).body.action).toBe('resolved');
  });
});

describe('alert grouping by time window', () => {
  const KEY = 'key-window-group-012345678';

  it('merges an integration’s alerts for so long after their incident opened, then opens the next', async () => {
    const result = await api('PUT', '/config', {
      services: [{ id: 'windowed', name: 'Windowed' }],
      integrations: [
        {
          id: 'windowed-std',
          name: 'Std',
          type: 'standard',
          service: 'windowed',
          key: KEY,
          grouping: { window_minutes: 10 },
        },
      ],
    });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    const send = (event_id: string, status = 'open') => postEvent(KEY, { summary: event_id, event_id, status });
    const a = await send('a');
    const b = await send('b');
    expect(b.body.incident_id).toBe(a.body.incident_id);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 11 * 60_000);
      const c = await send('c');
      expect(c.body.action).toBe('created');
      expect(c.body.incident_id).not.toBe(a.body.incident_id);
      // Each close finds the incident its alert joined.
      expect((await send('a', 'close')).body).toMatchObject({
        action: 'deduplicated',
        incident_id: a.body.incident_id,
      });
      expect((await send('b', 'close')).body).toMatchObject({ action: 'resolved', incident_id: a.body.incident_id });
      expect((await send('c', 'close')).body).toMatchObject({ action: 'resolved', incident_id: c.body.incident_id });
    } finally {
      vi.useRealTimers();
    }
  });
});
