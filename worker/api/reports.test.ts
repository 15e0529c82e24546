import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, drain, postEvent, send, ADMIN_TOKEN } from '../test/helpers';

// Hand-built incidents and pages in D1, as incident objects copy them, with times chosen so that every
// figure can be worked out by hand: the comments give the local times in Seoul (UTC+9).
const document = {
  users: [
    { id: 'ana', name: 'Ana', email: 'ana@example.com', role: 'responder' },
    { id: 'ben', name: 'Ben', email: 'ben@example.com', role: 'responder' },
    { id: 'chae', name: 'Chae', email: 'chae@example.com', role: 'responder' },
    { id: 'olga', name: 'Olga', email: 'olga@example.com', role: 'observer' },
  ],
  teams: [{ id: 'ops', name: 'Ops', members: ['ana', 'ben'] }],
  schedules: [
    {
      id: 'primary',
      name: 'Primary',
      time_zone: 'Asia/Seoul',
      layers: [{ name: 'Daily', start: '2026-03-02T00:00', rotation: { type: 'daily' }, members: ['ana', 'ben'] }],
      overrides: [{ user: 'chae', replaces: 'ben', start: '2026-03-03T12:00', end: '2026-03-03T14:00' }],
    },
    {
      id: 'secondary',
      name: 'Secondary',
      time_zone: 'Asia/Seoul',
      layers: [{ name: 'Weekly', start: '2026-03-02T00:00', rotation: { type: 'weekly' }, members: ['ana'] }],
    },
  ],
  escalation_policies: [
    { id: 'main', name: 'Main', steps: [{ responders: [{ schedule: 'primary' }], delay_minutes: 5 }] },
    { id: 'quiet', name: 'Quiet', steps: [{ responders: [{ user: 'ben' }], delay_minutes: 5 }] },
  ],
  services: [
    { id: 'shop', name: 'Shop', team: 'ops', routing: { escalation_policy: 'main' } },
    { id: 'blog', name: 'Blog', routing: { escalation_policy: 'quiet' } },
  ],
  integrations: [
    { id: 'shop-am', name: 'Shop AM', type: 'alertmanager', service: 'shop', key: 'reports-shop-am-key-0123' },
    { id: 'blog-std', name: 'Blog', type: 'standard', service: 'blog', key: 'reports-blog-std-key-0123' },
  ],
};

let ids: Record<string, string>;

interface Fixture {
  id: string;
  number: number;
  service: string;
  integration: string;
  policy: string;
  event: string;
  summary: string;
  alerts: number;
  created: string;
  /** Seconds after creation. */
  firstAck?: number;
  /** Still acknowledged now (an incident that triggered again has a first acknowledgement but no current one). */
  current?: boolean;
  by?: string;
  resolved?: number;
  escalated?: boolean;
  urgency?: string;
}

const later = (iso: string, seconds: number) => new Date(new Date(iso).getTime() + seconds * 1000).toISOString();

async function insertIncident(f: Fixture) {
  const ack = f.firstAck === undefined ? null : later(f.created, f.firstAck);
  const resolved = f.resolved === undefined ? null : later(f.created, f.resolved);
  const status = resolved ? 'resolved' : ack && f.current !== false ? 'acknowledged' : 'triggered';
  await env.DB.prepare(
    `INSERT INTO incidents (id, number, status, urgency, summary, service_id, integration_id, event_id, alert_count,
       created_at, acknowledged_at, resolved_at, last_event_at, revision, escalation_policy, updated_at,
       first_acknowledged_at, acknowledged_by, escalated)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)`,
  )
    .bind(
      f.id,
      f.number,
      status,
      f.urgency ?? 'high',
      f.summary,
      ids[`services:${f.service}`],
      ids[`integrations:${f.integration}`],
      f.event,
      f.alerts,
      f.created,
      f.current === false ? null : ack,
      resolved,
      f.created,
      f.policy,
      f.created,
      ack,
      f.by ?? null,
      f.escalated ? 1 : 0,
    )
    .run();
}

async function insertPage(
  id: string,
  incident: string,
  user: string,
  channel: string,
  provider: string,
  status: string,
  due: string,
) {
  await env.DB.prepare(
    `INSERT INTO notifications (id, kind, incident_id, incident_number, user, contact_method, channel, provider, status,
       attempt, due_at, processed_at)
     VALUES (?, 'page', ?, 1, ?, ?, ?, ?, ?, 1, ?, ?)`,
  )
    .bind(id, incident, user, `${user}-${channel}`, channel, provider, status, due, due)
    .run();
}

const MARCH = 'from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z';

beforeAll(async () => {
  expect((await api('PUT', '/config', document)).status).toBe(200);
  const rows = await env.DB.batch([
    env.DB.prepare('SELECT id, handle FROM services WHERE deleted_at IS NULL'),
    env.DB.prepare('SELECT id, handle FROM integrations WHERE deleted_at IS NULL'),
  ]);
  ids = Object.fromEntries([
    ...(rows[0]!.results as { id: string; handle: string }[]).map((r) => [`services:${r.handle}`, r.id]),
    ...(rows[1]!.results as { id: string; handle: string }[]).map((r) => [`integrations:${r.handle}`, r.id]),
  ]);
  const shop = { service: 'shop', integration: 'shop-am', policy: 'main' };
  for (const f of [
    // Monday 2 March 19:00, acknowledged after a minute, resolved after ten.
    {
      ...shop,
      id: 'inc-a',
      number: 9001,
      event: 'cpu',
      summary: 'CPU high',
      alerts: 5,
      created: '2026-03-02T10:00:00Z',
      firstAck: 60,
      by: 'ana',
      resolved: 600,
    },
    // 20:00, acknowledged after two minutes, then triggered again (its acknowledgement timed out): still open.
    {
      ...shop,
      id: 'inc-b',
      number: 9002,
      event: 'cpu',
      summary: 'CPU high again',
      alerts: 3,
      created: '2026-03-02T11:00:00Z',
      firstAck: 120,
      current: false,
      by: 'ben',
      escalated: true,
    },
    // Tuesday 3 March 09:30, resolved after five minutes by its monitor, never acknowledged.
    {
      ...shop,
      id: 'inc-c',
      number: 9003,
      event: 'disk',
      summary: '=cmd|" /C calc"!A0, "disk", full',
      alerts: 10,
      created: '2026-03-03T00:30:00Z',
      resolved: 300,
      urgency: 'low',
    },
    // Wednesday 4 March 14:00, still open and never acknowledged.
    {
      ...shop,
      id: 'inc-d',
      number: 9004,
      event: 'mem',
      summary: '메모리 부족',
      alerts: 1,
      created: '2026-03-04T05:00:00Z',
    },
    // Friday 6 March 08:30 (still Thursday in UTC), on another service and policy.
    {
      service: 'blog',
      integration: 'blog-std',
      policy: 'quiet',
      id: 'inc-e',
      number: 9005,
      event: 'http',
      summary: 'Blog down',
      alerts: 2,
      created: '2026-03-05T23:30:00Z',
      firstAck: 30,
      by: 'ben',
      resolved: 90,
    },
    // Outside March.
    {
      ...shop,
      id: 'inc-f',
      number: 9006,
      event: 'cpu',
      summary: 'CPU in February',
      alerts: 1,
      created: '2026-02-01T00:00:00Z',
      firstAck: 10,
      by: 'ana',
    },
    // New York's clocks go back at 2 a.m. on 1 November: 01:30 comes twice.
    {
      ...shop,
      id: 'inc-g',
      number: 9007,
      event: 'dst',
      summary: 'first 01:30',
      alerts: 1,
      created: '2026-11-01T05:30:00Z',
    },
    {
      ...shop,
      id: 'inc-h',
      number: 9008,
      event: 'dst',
      summary: 'second 01:30',
      alerts: 1,
      created: '2026-11-01T06:30:00Z',
    },
  ] as Fixture[]) {
    await insertIncident(f);
  }
  await insertPage('page-1', 'inc-a', 'ana', 'sms', 'twilio', 'sent', '2026-03-02T10:00:05Z'); // Mon 19:00
  await insertPage('page-2', 'inc-b', 'ben', 'email', 'resend', 'failed', '2026-03-02T11:00:05Z'); // Mon 20:00
  await insertPage('page-3', 'inc-c', 'ana', 'push', 'webpush', 'delivered', '2026-03-03T00:30:05Z'); // Tue 09:30
  await insertPage('page-4', 'inc-d', 'ana', 'sms', 'twilio', 'cancelled', '2026-03-04T05:05:00Z'); // Wed 14:05
  await insertPage('page-5', 'inc-e', 'ben', 'sms', 'twilio', 'failed', '2026-03-07T01:00:00Z'); // Sat 10:00
});

describe('the system report', () => {
  it('counts and times each service and policy, and the total, with re-triggered incidents keeping their first acknowledgement', async () => {
    const { status, body } = await api('GET', `/reports/system?${MARCH}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z', tz: 'UTC' });
    expect(body.rows).toEqual([
      {
        service: 'shop',
        escalation_policy: 'main',
        team: 'ops',
        opened: 4,
        acknowledged: 2,
        resolved: 2,
        resolved_without_acknowledgement: 1,
        escalated_beyond_first_step: 1,
        mtta_seconds: { mean: 90, median: 90, p90: 120 },
        mttr_seconds: { mean: 450, median: 450, p90: 600 },
      },
      {
        service: 'blog',
        escalation_policy: 'quiet',
        team: null,
        opened: 1,
        acknowledged: 1,
        resolved: 1,
        resolved_without_acknowledgement: 0,
        escalated_beyond_first_step: 0,
        mtta_seconds: { mean: 30, median: 30, p90: 30 },
        mttr_seconds: { mean: 90, median: 90, p90: 90 },
      },
    ]);
    expect(body.total).toEqual({
      service: null,
      escalation_policy: null,
      team: null,
      opened: 5,
      acknowledged: 3,
      resolved: 3,
      resolved_without_acknowledgement: 1,
      escalated_beyond_first_step: 1,
      mtta_seconds: { mean: 70, median: 60, p90: 120 },
      mttr_seconds: { mean: 330, median: 300, p90: 600 },
    });
  });

  it('narrows to a team or a service, by handle or id, and says null where nothing was measured', async () => {
    const team = (await api('GET', `/reports/system?${MARCH}&team=ops`)).body;
    expect(team.rows.map((r: { service: string }) => r.service)).toEqual(['shop']);
    const byId = (await api('GET', `/reports/system?${MARCH}&service=${ids['services:blog']}`)).body;
    expect(byId.total.opened).toBe(1);
    const empty = (await api('GET', '/reports/system?from=2025-01-01T00:00:00Z&to=2025-02-01T00:00:00Z')).body;
    expect(empty.rows).toEqual([]);
    expect(empty.total).toMatchObject({ opened: 0, mtta_seconds: { mean: null, median: null, p90: null } });
  });

  it('answers CSV that Excel opens: a byte-order mark, CRLF, quoted cells, a total line', async () => {
    const response = await send(`/api/v1/reports/system?${MARCH}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, accept: 'text/csv' },
    });
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toContain('tocsin-system-2026-03-01-2026-04-01.csv');
    // Decoded as it is sent: a decoder of its own would take the byte-order mark away.
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(await response.arrayBuffer());
    expect(text.startsWith('\uFEFFservice,escalation_policy,team,opened,')).toBe(true);
    const lines = text.slice(1).split('\r\n');
    expect(lines).toHaveLength(5); // header, two rows, the total, and the empty string after the last CRLF
    expect(lines[1]).toBe('shop,main,ops,4,2,2,1,1,90,90,120,450,450,600');
    expect(lines[3]).toBe('total,,,5,3,3,1,1,70,60,120,330,300,600');
  });
});

describe('the incident report', () => {
  it("places incidents by the viewer's hour and weekday, Monday first, and by local day", async () => {
    const { body } = await api('GET', `/reports/incidents?${MARCH}&tz=Asia/Seoul`);
    expect(body.heatmap).toHaveLength(7);
    const cells = body.heatmap.flatMap((hours: number[], day: number) =>
      hours.flatMap((count, hour) => (count ? [[day, hour, count]] : [])),
    );
    expect(cells).toEqual([
      [0, 19, 1],
      [0, 20, 1],
      [1, 9, 1],
      [2, 14, 1],
      [4, 8, 1],
    ]);
    // March in Seoul runs from 1 March 09:00 to 1 April 09:00 local: 32 dates.
    expect(body.by_day).toHaveLength(32);
    const day = (date: string) => body.by_day.find((d: { date: string }) => d.date === date);
    expect(day('2026-03-02')).toEqual({ date: '2026-03-02', created: 2, acknowledged: 2 });
    expect(day('2026-03-06')).toEqual({ date: '2026-03-06', created: 1, acknowledged: 1 });
    expect(day('2026-03-05')).toEqual({ date: '2026-03-05', created: 0, acknowledged: 0 });
    const utc = (await api('GET', `/reports/incidents?${MARCH}`)).body;
    expect(utc.by_day.find((d: { date: string }) => d.date === '2026-03-05').created).toBe(1);
  });

  it('counts by service, urgency and integration, finds the noisiest alerts, and the funnel', async () => {
    const { body } = await api('GET', `/reports/incidents?${MARCH}`);
    expect(body.by_service).toEqual([
      { key: 'shop', count: 4 },
      { key: 'blog', count: 1 },
    ]);
    expect(body.by_urgency).toEqual([
      { key: 'high', count: 4 },
      { key: 'low', count: 1 },
    ]);
    expect(body.by_integration).toEqual([
      { key: 'shop-am', count: 4 },
      { key: 'blog-std', count: 1 },
    ]);
    expect(body.noisiest.slice(0, 2)).toEqual([
      { event_id: 'disk', summary: '=cmd|" /C calc"!A0, "disk", full', events: 10, incidents: 1 },
      { event_id: 'cpu', summary: 'CPU high again', events: 8, incidents: 2 },
    ]);
    expect(body.funnel).toEqual({ events: 21, incidents: 5, pages: 5 });
  });

  it('tells the two 01:30s apart on the night New York falls back', async () => {
    const { body } = await api(
      'GET',
      '/reports/incidents?from=2026-10-31T00:00:00Z&to=2026-11-03T00:00:00Z&tz=America/New_York',
    );
    expect(body.heatmap[6][1]).toBe(2);
    expect(body.by_day.map((d: { date: string }) => d.date)).toEqual([
      '2026-10-30',
      '2026-10-31',
      '2026-11-01',
      '2026-11-02',
    ]);
  });

  it('lists its incidents as rows, and as CSV with untrusted text kept from running', async () => {
    const { body } = await api('GET', `/reports/incidents/rows?${MARCH}&limit=2`);
    expect(body.rows.map((r: { number: number }) => r.number)).toEqual([9001, 9002]);
    expect(body.rows[1]).toMatchObject({
      service: 'shop',
      team: 'ops',
      first_acknowledged_at: '2026-03-02T11:02:00.000Z',
      acknowledged_by: 'ben',
      seconds_to_acknowledge: 120,
      escalated_beyond_first_step: true,
    });
    const next = (
      await api('GET', `/reports/incidents/rows?${MARCH}&limit=2&cursor=${encodeURIComponent(body.next_cursor)}`)
    ).body;
    expect(next.rows.map((r: { number: number }) => r.number)).toEqual([9003, 9004]);
    const response = await send(`/api/v1/reports/incidents/rows?${MARCH}&format=csv`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const text = await response.text();
    const lines = text.split('\r\n');
    expect(lines).toHaveLength(7);
    expect(lines[3]).toContain(`"'=cmd|"" /C calc""!A0, ""disk"", full"`);
    expect(lines[4]).toContain('메모리 부족');
  });
});

describe('the notification report', () => {
  it('counts pages by channel, day and hour, and their delivery success (cancelled ones aside)', async () => {
    const { body } = await api('GET', `/reports/notifications?${MARCH}&tz=Asia/Seoul`);
    expect(body.by_channel).toEqual({ sms: 3, email: 1, push: 1 });
    expect(body.by_hour).toHaveLength(24);
    expect(body.by_hour[19]).toEqual({ hour: 19, pages: 1 });
    expect(body.by_day.find((d: { date: string }) => d.date === '2026-03-07')).toEqual({
      date: '2026-03-07',
      pages: 1,
    });
    expect(body.success_rate).toEqual({ sms: 0.5, email: 0, push: 1 });
    expect(body.success_rate_by_provider).toEqual({ 'sms:twilio': 0.5, 'email:resend': 0, 'push:webpush': 1 });
    expect(body.per_responder).toEqual([
      { user: 'ana', pages: 3, off_hours_pages: 1 },
      { user: 'ben', pages: 2, off_hours_pages: 2 },
    ]);
  });

  it('counts off-hours pages by the business hours and holidays asked for', async () => {
    const wide = (await api('GET', `/reports/notifications?${MARCH}&tz=Asia/Seoul&business_hours=08:00-21:00`)).body;
    expect(wide.per_responder).toEqual([
      { user: 'ana', pages: 3, off_hours_pages: 0 },
      { user: 'ben', pages: 2, off_hours_pages: 1 },
    ]);
    // 2 March 2026 is the substitute holiday for 삼일절, which fell on a Sunday.
    const korean = (
      await api('GET', `/reports/notifications?${MARCH}&tz=Asia/Seoul&business_hours=08:00-21:00&holidays=KR`)
    ).body;
    expect(korean.per_responder).toEqual([
      { user: 'ana', pages: 3, off_hours_pages: 1 },
      { user: 'ben', pages: 2, off_hours_pages: 2 },
    ]);
    // Narrowed to a service: the blog's one page, on a Saturday.
    const blog = (
      await api('GET', `/reports/notifications?${MARCH}&tz=Asia/Seoul&business_hours=08:00-21:00&service=blog`)
    ).body;
    expect(blog.per_responder).toEqual([{ user: 'ben', pages: 1, off_hours_pages: 1 }]);
    // To the minute, in Seoul's time: Tuesday's page at 09:30:05 is in hours from 09:30, not from 09:31.
    const from0930 = (await api('GET', `/reports/notifications?${MARCH}&tz=Asia/Seoul&business_hours=09:30-18:00`))
      .body;
    expect(from0930.per_responder).toEqual([
      { user: 'ana', pages: 3, off_hours_pages: 1 },
      { user: 'ben', pages: 2, off_hours_pages: 2 },
    ]);
    const from0931 = (await api('GET', `/reports/notifications?${MARCH}&tz=Asia/Seoul&business_hours=09:31-18:00`))
      .body;
    expect(from0931.per_responder).toEqual([
      { user: 'ana', pages: 3, off_hours_pages: 2 },
      { user: 'ben', pages: 2, off_hours_pages: 2 },
    ]);
  });
});

describe('the on-call load report', () => {
  // Monday 2 March 00:00 to Wednesday 4 March 00:00 in Seoul.
  const RANGE = 'from=2026-03-01T15:00:00Z&to=2026-03-03T15:00:00Z&tz=Asia/Seoul';

  it('splits each responder’s hours (overrides included, two schedules at once counted once) by kind of time', async () => {
    const { body } = await api('GET', `/reports/oncall?${RANGE}&holidays=KR`);
    expect(body.rows).toEqual([
      {
        user: 'ana',
        hours: { total: 48, business: 9, off_hours: 15, weekend: 0, holiday: 24 },
        pages: 2,
        acknowledged: 1,
        mtta_seconds: 60,
      },
      {
        user: 'ben',
        hours: { total: 22, business: 7, off_hours: 15, weekend: 0, holiday: 0 },
        pages: 1,
        acknowledged: 1,
        mtta_seconds: 120,
      },
      {
        user: 'chae',
        hours: { total: 2, business: 2, off_hours: 0, weekend: 0, holiday: 0 },
        pages: 0,
        acknowledged: 0,
        mtta_seconds: null,
      },
    ]);
    const plain = (await api('GET', `/reports/oncall?${RANGE}`)).body;
    expect(plain.rows[0].hours).toEqual({ total: 48, business: 18, off_hours: 30, weekend: 0, holiday: 0 });
  });

  it("narrows to a team's members, and answers CSV", async () => {
    const team = (await api('GET', `/reports/oncall?${RANGE}&team=ops`)).body;
    expect(team.rows.map((r: { user: string }) => r.user)).toEqual(['ana', 'ben']);
    const response = await send(`/api/v1/reports/oncall?${RANGE}&format=csv`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const lines = (await response.text()).split('\r\n');
    expect(lines[0]).toBe(
      'user,hours_total,hours_business,hours_off_hours,hours_weekend,hours_holiday,pages,acknowledged,mtta_seconds',
    );
    expect(lines[1]).toBe('ana,48,18,30,0,0,2,1,60');
  });
});

describe('what reports refuse', () => {
  it('answers 400 naming the field for a bad range, zone, service, business hours or holiday calendar', async () => {
    for (const [query, field] of [
      ['from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z', 'to'],
      ['from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
      ['from=yesterday', 'from'],
      ['tz=Mars/Olympus', 'tz'],
      ['service=nope', 'service'],
      ['team=nope', 'team'],
      ['business_hours=18:00-09:00', 'business_hours'],
      ['holidays=XX', 'holidays'],
    ]) {
      const result = await api('GET', `/reports/oncall?${query}`);
      expect(result.status, query).toBe(400);
      expect(
        result.body.fields.map((f: { field: string }) => f.field),
        query,
      ).toContain(field);
    }
    expect((await api('GET', '/reports/nonsense')).status).toBe(404);
  });

  it('needs a token: observers read reports, nobody reads them signed out', async () => {
    const token = await api('POST', '/tokens', { user: 'olga', name: 'reports' });
    expect((await api('GET', `/reports/system?${MARCH}`, undefined, token.body.token)).status).toBe(200);
    expect((await api('GET', `/reports/system?${MARCH}`, undefined, null)).status).toBe(401);
  });
});

describe('reports from the real pipeline', () => {
  it('records who acknowledged first, and when, as the incident object copies it', async () => {
    const from = new Date(Date.now() - 1000).toISOString();
    const event = await postEvent('reports-blog-std-key-0123', { summary: 'Live one', event_id: 'live-1' });
    expect(event.status).toBe(202);
    const token = await api('POST', '/tokens', { user: 'ben', name: 'ben' });
    expect(
      (await api('POST', `/incidents/${event.body.incident_id}/acknowledge`, undefined, token.body.token)).status,
    ).toBe(200);
    await drain(ids['integrations:blog-std']!, 'live-1');
    const to = new Date(Date.now() + 1000).toISOString();
    const { body } = await api('GET', `/reports/incidents/rows?from=${from}&to=${to}`);
    expect(body.rows).toHaveLength(1);
    expect(body.rows[0]).toMatchObject({ acknowledged_by: 'ben', service: 'blog', escalation_policy: 'quiet' });
    expect(body.rows[0].seconds_to_acknowledge).toBeGreaterThanOrEqual(0);
  });

  it('names a deleted service and integration by the handle they last had', async () => {
    const at = '2025-06-02T03:00:00.000Z';
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO services (id, handle, name, definition, created_at, updated_at, deleted_at)
         VALUES ('svc-gone', 'old-shop', 'Old shop', '{}', ?, ?, ?)`,
      ).bind(at, at, at),
      env.DB.prepare(
        `INSERT INTO integrations (id, handle, name, definition, created_at, updated_at, deleted_at, type, key, service_id)
         VALUES ('int-gone', 'old-shop-am', 'Old shop AM', '{}', ?, ?, ?, 'alertmanager', 'gone-key', 'svc-gone')`,
      ).bind(at, at, at),
    ]);
    ids['services:old-shop'] = 'svc-gone';
    ids['integrations:old-shop-am'] = 'int-gone';
    await insertIncident({
      id: 'gone-1',
      number: 900,
      service: 'old-shop',
      integration: 'old-shop-am',
      policy: 'main',
      event: 'gone-1',
      summary: 'Before the service went',
      alerts: 1,
      created: '2025-06-01T03:00:00.000Z',
    });
    const june = 'from=2025-06-01T00:00:00Z&to=2025-06-02T00:00:00Z';
    const { body } = await api('GET', `/reports/incidents?${june}`);
    expect(body.by_service).toEqual([{ key: 'old-shop (deleted)', count: 1 }]);
    expect(body.by_integration).toEqual([{ key: 'old-shop-am (deleted)', count: 1 }]);
    const rows = (await api('GET', `/reports/incidents/rows?${june}`)).body.rows;
    expect(rows[0]).toMatchObject({ service: 'old-shop (deleted)' });
  });
});
