import { beforeAll, describe, expect, it } from 'vitest';
import { api, send } from '../test/helpers';

// The configuration, as written (plus lee and park, whom it names).
const document = `
users:
  - id: kim
    name: Kim Minji
    email: kim@example.com
    time_zone: Asia/Seoul
    locale: ko
    role: responder
    contact_methods:
      - { id: kim-push, type: push }
      - { id: kim-sms, type: sms, address: "+821000000001" }
    notification_rules:
      - { urgencies: [highest, high], contact_method: kim-push, delay_minutes: 0 }
      - { urgencies: [highest, high], contact_method: kim-sms, delay_minutes: 2 }
  - { id: lee, name: Lee Jihoon, email: lee@example.com }
  - { id: park, name: "Park <Seoyeon>", email: park@example.com }
teams:
  - { id: noc, name: NOC, members: [kim, lee, park], admins: [kim] }
schedules:
  - id: primary
    name: Primary
    time_zone: Asia/Seoul
    layers:
      - name: Weekdays
        start: 2026-11-02T09:00          # wall-clock time in the schedule's zone
        rotation: { type: weekly }        # daily | weekly | custom with hours: N
        members: [kim, lee, park]
        restrictions:
          - { days: [mon, tue, wed, thu, fri], from: "09:00", to: "18:00" }
    overrides:
      - { user: park, replaces: kim, start: 2026-12-24T00:00, end: 2026-12-26T00:00 }
      - { user: lee, start: 2027-01-01T00:00, end: 2027-01-02T00:00 }   # no replaces: takes the whole schedule
escalation_policies:
  - id: default
    name: Default
    stop_when: acknowledged               # or resolved
    repeat: 1                             # the whole policy runs once more after its last step
    final_notification: true
    steps:
      - responders: [{ schedule: primary }]
        delay_minutes: 5
      - responders: [{ team: noc }, { random_member_of: noc }, { user: kim }]
        delay_minutes: 10
        repeat: 2                         # this step runs 3 times in all before the next
        include_previous: true
services:
  - { id: web, name: Web, routing: { escalation_policy: default } }   # or { user: kim }, { schedule: primary }, { no_one: true }
integrations:
  - { id: std, name: Standard, type: standard, key: oncall-key-0123456789, service: web }
`;

beforeAll(async () => {
  const applied = await api('PUT', '/config', document);
  expect(applied.status, JSON.stringify(applied.body)).toBe(200);
});

describe('on-call configuration as code', () => {
  it('applies the documented shape, round-trips its export, and changes nothing the second time', async () => {
    expect((await api('PUT', '/config', document)).body.changed).toBe(false);
    const exported = (await api('GET', '/config')).body;
    expect(exported.schedules[0].layers[0]).toMatchObject({
      start: '2026-11-02T09:00',
      members: ['kim', 'lee', 'park'],
    });
    expect(exported.escalation_policies[0].steps[1]).toMatchObject({ repeat: 2, include_previous: true });
    expect(exported.services[0].routing).toEqual({ escalation_policy: 'default' });
    expect((await api('PUT', '/config', exported)).body.changed).toBe(false);
  });

  it.each([
    [{ teams: [{ id: 'noc', name: 'NOC', members: ['ghost'] }] }, 'teams[0].members[0]'],
    [
      { services: [{ id: 'web', name: 'Web', routing: { escalation_policy: 'nope' } }] },
      'services[0].routing.escalation_policy',
    ],
    [{ users: [{ id: 'kim', name: 'Kim' }] }, 'users'],
    [
      {
        users: [
          {
            id: 'kim',
            name: 'Kim',
            notification_rules: [{ urgencies: ['high'], contact_method: 'pager', delay_minutes: 0 }],
          },
        ],
      },
      'users[0].notification_rules[0].contact_method',
    ],
    [{ schedules: [{ id: 's', name: 'S', time_zone: 'Mars/Olympus', layers: [] }] }, 'schedules[0].time_zone'],
  ])('rejects %j naming %s', async (doc, field) => {
    const { status, body } = await api('PUT', '/config', doc);
    expect(status).toBe(400);
    expect(body.fields.map((f: { field: string }) => f.field)).toContain(field);
  });
});

describe('schedules API', () => {
  it('answers who is on call at an instant', async () => {
    const monday = await api('GET', '/schedules/primary/on-call?at=2026-11-02T09:00:00%2B09:00');
    expect(monday.body).toMatchObject({
      schedule: 'primary',
      on_call: [{ user: 'kim', name: 'Kim Minji', layer: 'Weekdays' }],
    });
    const secondWeek = await api('GET', '/schedules/primary/on-call?at=2026-11-09T10:00:00%2B09:00');
    expect(secondWeek.body.on_call.map((o: { user: string }) => o.user)).toEqual(['lee']);
    const evening = await api('GET', '/schedules/primary/on-call?at=2026-11-02T18:00:00%2B09:00');
    expect(evening.body.on_call).toEqual([]);
    const christmasEve = await api('GET', '/schedules/primary/on-call?at=2026-12-24T10:00:00%2B09:00');
    expect(christmasEve.body.on_call.map((o: { user: string }) => o.user)).toEqual(['lee']); // week 8: lee, not kim
    const newYear = await api('GET', '/schedules/primary/on-call?at=2027-01-01T03:00:00%2B09:00');
    expect(newYear.body.on_call.map((o: { user: string }) => o.user)).toEqual(['lee']);
  });

  it('lists shifts and gaps over a range', async () => {
    const range = 'from=2026-11-02T00:00:00%2B09:00&to=2026-11-04T00:00:00%2B09:00';
    const shifts = await api('GET', `/schedules/primary/shifts?${range}`);
    expect(shifts.body.shifts).toEqual([
      { user: 'kim', layer: 'Weekdays', start: '2026-11-02T00:00:00.000Z', end: '2026-11-02T09:00:00.000Z' },
      { user: 'kim', layer: 'Weekdays', start: '2026-11-03T00:00:00.000Z', end: '2026-11-03T09:00:00.000Z' },
    ]);
    const gaps = await api('GET', `/schedules/primary/gaps?${range}`);
    expect(gaps.body.gaps[0]).toEqual({ start: '2026-11-01T15:00:00.000Z', end: '2026-11-02T00:00:00.000Z' });
    expect(
      (await api('GET', '/schedules/primary/shifts?from=2026-11-04T00:00:00Z&to=2026-11-02T00:00:00Z')).status,
    ).toBe(400);
    expect((await api('GET', '/schedules/nope/shifts?from=2026-11-02T00:00:00Z&to=2026-11-04T00:00:00Z')).status).toBe(
      404,
    );
  });

  it('flags policies that page a schedule with gaps in the next four weeks', async () => {
    const { body } = await api('GET', '/escalation-policies');
    expect(body.escalation_policies[0]).toMatchObject({ id: 'default', schedules_with_gaps: ['primary'] });
  });

  it('answers everyone on call now, by schedule and by policy', async () => {
    const { body } = await api('GET', '/on-call?at=2026-11-02T10:00:00%2B09:00');
    expect(body.schedules).toEqual([
      { schedule: 'primary', name: 'Primary', on_call: [{ user: 'kim', name: 'Kim Minji', layer: 'Weekdays' }] },
    ]);
    expect(body.escalation_policies[0].steps[0].on_call[0]).toMatchObject({ user: 'kim', via: 'schedule:primary' });
  });

  it('serves a secret iCalendar feed per schedule and per user, with text escaped', async () => {
    const schedule = (await api('GET', '/schedules')).body.schedules[0];
    const feed = await send(new URL(schedule.calendar_url).pathname);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toMatch(/^text\/calendar/);
    const text = await feed.text();
    expect(text).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(text).toContain('BEGIN:VEVENT');
    const park = (await api('GET', '/users')).body.users.find((u: { handle: string }) => u.handle === 'park');
    const own = await (await send(new URL(park.calendar_url).pathname)).text();
    expect(own).toContain('SUMMARY:On call: park (Primary)');
    expect(own).toContain('X-WR-CALNAME:Park <Seoyeon> on call');
    expect((await send('/calendar/users/0000.ics')).status).toBe(404);
  });
});

describe('simulate', () => {
  it('answers the service, the policy and who would be paged when', async () => {
    const { status, body } = await api('POST', '/simulate', {
      integration: 'std',
      event: { summary: 'disk', urgency: 'high' },
      at: '2026-11-02T10:00:00+09:00',
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ service: { id: 'web' }, escalation_policy: { id: 'default' }, action: 'open' });
    const pages = body.timeline.filter((e: { type: string }) => e.type === 'page');
    expect(pages.slice(0, 2)).toEqual([
      { at: '2026-11-02T01:00:00.000Z', type: 'page', user: 'kim', contact_method: 'kim-push', channel: 'push' },
      { at: '2026-11-02T01:02:00.000Z', type: 'page', user: 'kim', contact_method: 'kim-sms', channel: 'sms' },
    ]);
    expect(body.random_choices[0]).toMatchObject({ candidates: ['kim', 'lee', 'park'] });
    expect(body.timeline.filter((e: { type: string }) => e.type === 'exhausted')).toHaveLength(1);
  });

  it('answers 400 naming the field for a bad event or an unknown integration', async () => {
    const bad = await api('POST', '/simulate', { integration: 'std', event: { urgency: 'loud' } });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['event.summary', 'event.urgency']);
    const unknown = await api('POST', '/simulate', { integration: 'nope', event: { summary: 'x' } });
    expect(unknown.body.fields[0].field).toBe('integration');
  });
});

describe('handoff notices', () => {
  it('tells a user through their contact methods when their shift starts', async () => {
    const { runDurableObjectAlarm } = await import('cloudflare:test');
    const { env } = await import('cloudflare:workers');
    const { vi } = await import('vitest');
    const applied = await api('PUT', '/config', {
      teams: [],
      escalation_policies: [],
      services: [{ id: 'web', name: 'Web' }],
      users: [
        { id: 'kim', name: 'Kim', email: 'kim@example.com' },
        {
          id: 'lee',
          name: 'Lee',
          email: 'lee@example.com',
          contact_methods: [
            { id: 'lee-push', type: 'push' },
            { id: 'lee-phone', type: 'voice', address: '+821000000002' },
          ],
          handoff_notices: [{ minutes_before: 0 }, { minutes_before: 10 }],
        },
        { id: 'park', name: 'Park' },
      ],
      schedules: [
        {
          id: 'daily',
          name: 'Daily',
          time_zone: 'Asia/Seoul',
          layers: [{ name: 'Day', start: '2030-11-04T09:00', rotation: { type: 'daily' }, members: ['kim', 'lee'] }],
        },
      ],
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    // In the future, so that the runtime's own alarms (real time) stay out of the way.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const handoffs = env.HANDOFFS.getByName('handoffs');
      vi.setSystemTime(Date.parse('2030-11-05T08:50:20+09:00'));
      await runDurableObjectAlarm(handoffs);
      vi.setSystemTime(Date.parse('2030-11-05T09:00:05+09:00'));
      await runDurableObjectAlarm(handoffs);
      await runDurableObjectAlarm(handoffs); // a retried alarm tells nobody twice
      let notices: { kind: string; channel: string; due_at: string; status: string; provider: string }[] = [];
      await vi.waitFor(
        async () => {
          notices = (await api('GET', '/users/lee/notifications')).body.notifications;
          expect(notices).toHaveLength(2);
        },
        { timeout: 5000, interval: 50 },
      );
      expect(notices.map((n) => [n.kind, n.channel, n.due_at])).toEqual([
        ['handoff', 'push', '2030-11-05T00:00:00.000Z'],
        ['handoff', 'push', '2030-11-04T23:50:00.000Z'],
      ]);
      // No push credentials here: the notice went to the log.
      expect(notices.map((n) => [n.status, n.provider])).toEqual([
        ['sent', 'log'],
        ['sent', 'log'],
      ]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('team admins', () => {
  it('manage the services, schedules and policies their team owns, and nothing else', async () => {
    const applied = await api('PUT', '/config', {
      users: [
        { id: 'kim', name: 'Kim', email: 'kim@example.com' },
        { id: 'lee', name: 'Lee', email: 'lee@example.com' },
        { id: 'park', name: 'Park', email: 'park@example.com' },
      ],
      teams: [
        { id: 'noc', name: 'NOC', members: ['kim', 'lee'], admins: ['kim'] },
        { id: 'db', name: 'DB', members: ['park'], admins: ['park'] },
      ],
      schedules: [],
      escalation_policies: [],
      services: [
        { id: 'web', name: 'Web', team: 'noc' },
        { id: 'billing', name: 'Billing', team: 'db' },
        { id: 'shared', name: 'Shared' },
      ],
      integrations: [],
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    const kim = (await api('POST', '/tokens', { user: 'kim' })).body.token;
    const lee = (await api('POST', '/tokens', { user: 'lee' })).body.token;

    expect((await api('PATCH', '/services/web', { name: 'Web (NOC)' }, kim)).status).toBe(200);
    expect((await api('PATCH', '/services/billing', { name: 'mine now' }, kim)).status).toBe(403);
    expect((await api('PATCH', '/services/shared', { name: 'mine now' }, kim)).status).toBe(403);
    expect((await api('PATCH', '/services/web', { team: 'db' }, kim)).status).toBe(403);
    expect((await api('PATCH', '/services/web', { name: 'x' }, lee)).status).toBe(403);

    const schedule = {
      name: 'NOC primary',
      team: 'noc',
      time_zone: 'Asia/Seoul',
      layers: [{ name: 'Day', start: '2026-11-02T09:00', rotation: { type: 'daily' }, members: ['kim', 'lee'] }],
    };
    const created = await api('PUT', '/schedules/noc-primary', schedule, kim);
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body).toMatchObject({ id: 'noc-primary', team: 'noc' });
    expect((await api('PUT', '/schedules/db-primary', { ...schedule, team: 'db' }, kim)).status).toBe(403);
    const policy = {
      name: 'NOC',
      team: 'noc',
      steps: [{ responders: [{ schedule: 'noc-primary' }], delay_minutes: 5 }],
    };
    expect((await api('PUT', '/escalation-policies/noc', policy, kim)).status).toBe(200);
    expect((await api('PUT', '/escalation-policies/noc', { ...policy, steps: [] }, kim)).body.fields[0].field).toBe(
      'steps',
    );
    expect((await api('DELETE', '/escalation-policies/noc', undefined, lee)).status).toBe(403);
    expect((await api('DELETE', '/escalation-policies/noc', undefined, kim)).status).toBe(204);

    // Lee is no admin, but may hand a stretch of their own shifts to someone else.
    const vacation = { user: 'kim', replaces: 'lee', start: '2026-12-01T00:00', end: '2026-12-08T00:00' };
    const added = await api('POST', '/schedules/noc-primary/overrides', vacation, lee);
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body.overrides).toEqual([vacation]);
    const shifts = await api(
      'GET',
      '/schedules/noc-primary/shifts?from=2026-12-01T00:00:00%2B09:00&to=2026-12-08T00:00:00%2B09:00',
    );
    expect(new Set(shifts.body.shifts.map((s: { user: string }) => s.user))).toEqual(new Set(['kim']));
    const park = (await api('POST', '/tokens', { user: 'park' })).body.token;
    const notTheirs = { user: 'park', replaces: 'kim', start: '2026-12-10T00:00', end: '2026-12-11T00:00' };
    expect((await api('POST', '/schedules/noc-primary/overrides', { ...notTheirs, user: 'lee' }, park)).status).toBe(
      403,
    );
    const bad = await api('POST', '/schedules/noc-primary/overrides', { ...vacation, end: '2026-11-01T00:00' }, kim);
    expect(bad.status).toBe(400);
  });

  it('gives no admin rights to an observer listed among a team’s admins', async () => {
    const applied = await api('PUT', '/config', {
      users: [
        { id: 'kim', name: 'Kim', email: 'kim@example.com' },
        { id: 'otto', name: 'Otto', email: 'otto@example.com', role: 'observer' },
      ],
      teams: [{ id: 'noc', name: 'NOC', members: ['kim', 'otto'], admins: ['kim', 'otto'] }],
      schedules: [],
      escalation_policies: [],
      services: [{ id: 'web', name: 'Web', team: 'noc' }],
      integrations: [],
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    const otto = (await api('POST', '/tokens', { user: 'otto' })).body.token;
    const kim = (await api('POST', '/tokens', { user: 'kim' })).body.token;
    const refused = await api('PATCH', '/services/web', { name: 'mine' }, otto);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('forbidden');
    expect((await api('PATCH', '/services/web', { name: 'ours' }, kim)).status).toBe(200);
  });
});

describe('responder overrides', () => {
  it('let a responder on a schedule swap shifts with a teammate on it for up to 31 days, and nothing else', async () => {
    const applied = await api('PUT', '/config', {
      users: ['kim', 'lee', 'choi', 'park'].map((id) => ({ id, name: id, email: `${id}@example.com` })),
      teams: [{ id: 'noc', name: 'NOC', members: ['kim', 'lee', 'choi'], admins: ['kim'] }],
      schedules: [
        {
          id: 'noc-day',
          name: 'NOC day',
          team: 'noc',
          time_zone: 'Asia/Seoul',
          layers: [{ name: 'Day', start: '2026-11-02T09:00', rotation: { type: 'daily' }, members: ['lee', 'choi'] }],
        },
      ],
      escalation_policies: [],
      services: [],
      integrations: [],
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    const token = async (user: string) => (await api('POST', '/tokens', { user })).body.token as string;
    const [lee, park, kim] = [await token('lee'), await token('park'), await token('kim')];
    const add = (override: object, as: string) => api('POST', '/schedules/noc-day/overrides', override, as);
    const week = { start: '2026-12-01T00:00', end: '2026-12-08T00:00' };

    expect((await add({ user: 'choi', replaces: 'lee', ...week }, lee)).status).toBe(201);
    expect((await add({ user: 'lee', replaces: 'choi', ...week }, lee)).status).toBe(201);
    for (const [override, as] of [
      [{ user: 'lee', ...week }, lee],
      [{ user: 'park', replaces: 'lee', ...week }, lee],
      [{ user: 'choi', replaces: 'lee', start: '2026-12-01T00:00', end: '2027-01-01T00:01' }, lee],
      [{ user: 'park', replaces: 'lee', ...week }, park],
    ] as const) {
      const refused = await add(override, as);
      expect(refused.status, JSON.stringify(override)).toBe(403);
      expect(refused.body.error).toBe('forbidden');
    }
    const byAdmin = await add({ user: 'park', start: '2026-12-01T00:00', end: '2027-03-01T00:00' }, kim);
    expect(byAdmin.status).toBe(201);
    expect(byAdmin.body.overrides).toHaveLength(3);
  });
});
