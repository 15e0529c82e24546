// The escalation, driven alarm by alarm in the real runtime: the clock is faked (Date only), each
// step is fired with runDurableObjectAlarm, and the outbox (notifications) and timeline are checked.
import {
  createExecutionContext,
  createMessageBatch,
  evictDurableObject,
  getQueueResult,
  runDurableObjectAlarm,
  runInDurableObject,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, failD1, postEvent, refuseQueue } from '../test/helpers';
import { consumeNotifications, DEAD_LETTER_QUEUE } from '../notify/consumer';
import { incidentObject, incidentObjectName, type IngestResult } from './commands';
import type { IncidentObject } from './object';
import { timelineEntrySchema } from './timeline';

// In the future, so that the runtime's own alarms (real time) never fire a timer before the test does.
const T0 = Date.parse('2030-11-27T01:00:00Z'); // 10:00 in Seoul
const minutes = (n: number) => T0 + n * 60_000;
let run = 0;

function config(overrides: { policy?: object; service?: object } = {}) {
  return {
    users: [
      {
        id: 'kim',
        name: 'Kim Minji',
        email: 'kim@example.com',
        time_zone: 'Asia/Seoul',
        locale: 'ko',
        contact_methods: [
          { id: 'kim-push', type: 'push' },
          { id: 'kim-sms', type: 'sms', address: '+821000000001' },
        ],
        notification_rules: [
          { urgencies: ['highest', 'high'], contact_method: 'kim-push', delay_minutes: 0 },
          { urgencies: ['highest', 'high'], contact_method: 'kim-sms', delay_minutes: 2 },
        ],
      },
      { id: 'lee', name: 'Lee', email: 'lee@example.com' },
      { id: 'park', name: 'Park', contact_methods: [{ id: 'park-voice', type: 'voice', address: '+821000000003' }] },
    ],
    teams: [{ id: 'noc', name: 'NOC', members: ['kim', 'lee', 'park'], admins: ['kim'] }],
    schedules: [
      {
        id: 'primary',
        name: 'Primary',
        time_zone: 'Asia/Seoul',
        layers: [{ name: 'Always', start: '2030-11-25T09:00', rotation: { type: 'weekly' }, members: ['kim', 'lee'] }],
      },
      {
        id: 'nights',
        name: 'Nights only',
        time_zone: 'Asia/Seoul',
        layers: [
          {
            name: 'Night',
            start: '2026-11-02T09:00',
            rotation: { type: 'daily' },
            members: ['park'],
            restrictions: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '20:00', to: '08:00' }],
          },
        ],
      },
    ],
    escalation_policies: [
      {
        id: 'default',
        name: 'Default',
        steps: [
          { responders: [{ schedule: 'primary' }], delay_minutes: 5 },
          { responders: [{ team: 'noc' }], delay_minutes: 10, repeat: 1 },
        ],
        final_notification: true,
        ...overrides.policy,
      },
    ],
    services: [{ id: 'web', name: 'Web', routing: { escalation_policy: 'default' }, ...overrides.service }],
    integrations: [{ id: 'std', name: 'Standard', type: 'standard', key: 'escalation-key-0123456789', service: 'web' }],
  };
}

async function setUp(overrides?: Parameters<typeof config>[0]) {
  const applied = await api('PUT', '/config', config(overrides));
  expect(applied.status, JSON.stringify(applied.body)).toBe(200);
  const integrationId = (await api('GET', '/integrations/std')).body.id as string;
  const eventId = `esc-${++run}`;
  const opened = await postEvent('escalation-key-0123456789', {
    summary: 'db down',
    event_id: eventId,
    urgency: 'high',
  });
  expect(opened.body.action).toBe('created');
  const stub = env.INCIDENTS.getByName(incidentObjectName(integrationId, eventId));
  return { id: opened.body.incident_id as string, stub, eventId };
}

/** Moves the clock and fires what is due, as the alarm would. */
async function at(stub: DurableObjectStub, time: number) {
  vi.setSystemTime(time);
  await runDurableObjectAlarm(stub);
}

type Sent = { user: string; channel: string; due_at: string; status: string };
async function sent(id: string, count: number): Promise<Sent[]> {
  let result: Sent[] = [];
  await vi.waitFor(
    async () => {
      result = (await api('GET', `/incidents/${id}/notifications`)).body.notifications;
      expect(result.length).toBeGreaterThanOrEqual(count);
      // Listed from the object as soon as they are queued: wait for the consumer's word on each.
      expect(result.filter((n) => n.status === 'queued' || n.status === 'sending')).toEqual([]);
    },
    { timeout: 5000, interval: 20 },
  );
  return result.map(({ user, channel, due_at, status }) => ({ user, channel, due_at, status }));
}

/** The object that holds an incident, from its id alone. */
const objectOf = (id: string) => incidentObject(env.INCIDENTS, id)!;

/** Who the incident's timeline says was notified how, in order (from the object, not D1). */
async function notifiedOnTimeline(id: string): Promise<string[]> {
  const { body } = await api('GET', `/incidents/${id}`);
  return body.timeline
    .filter((t: { type: string }) => t.type === 'notified')
    .map((t: { details: { user: string; channel: string } }) => `${t.details.user}:${t.details.channel}`);
}

async function timelineTypes(id: string, stub: DurableObjectStub) {
  await runDurableObjectAlarm(stub);
  return (await api('GET', `/incidents/${id}`)).body.timeline.map((t: { type: string }) => t.type) as string[];
}

const page = (user: string, channel: string, minute: number, status = 'sent') => ({
  user,
  channel,
  due_at: new Date(minutes(minute)).toISOString(),
  status,
});

/** Every page of the default policy when nobody acknowledges. */
const everyPage = () => [
  page('kim', 'push', 0),
  page('kim', 'sms', 2),
  page('kim', 'push', 5),
  page('lee', 'email', 5),
  page('park', 'voice', 5),
  page('kim', 'sms', 7),
  page('kim', 'push', 15),
  page('lee', 'email', 15),
  page('park', 'voice', 15),
  page('kim', 'sms', 17),
  page('kim', 'push', 25),
  page('lee', 'email', 25),
  page('park', 'voice', 25),
  page('kim', 'sms', 27),
];

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('escalation driven by the incident object', () => {
  it('pages step by step, by each user rule, until the policy is exhausted', async () => {
    const { id, stub } = await setUp();
    await at(stub, T0);
    expect(await sent(id, 1)).toEqual([page('kim', 'push', 0)]);
    await at(stub, minutes(2));
    expect(await sent(id, 2)).toEqual([page('kim', 'push', 0), page('kim', 'sms', 2)]);
    await at(stub, minutes(5)); // step 2: the whole team
    await at(stub, minutes(7));
    await at(stub, minutes(15)); // step 2 again (repeat: 1)
    await at(stub, minutes(17));
    await at(stub, minutes(25)); // final notification: every responder once
    await at(stub, minutes(27));
    expect(await sent(id, 14)).toEqual(everyPage());
    const types = await timelineTypes(id, stub);
    expect(types.filter((t) => t === 'escalated')).toHaveLength(3);
    expect(types.filter((t) => t === 'notified')).toHaveLength(14);
    expect(types).toContain('final_notification');
    expect(types.at(-1)).toBe('notified');
    expect(types).toContain('escalation_exhausted');
  });

  it('timers survive the object being evicted from memory', async () => {
    const { id, stub } = await setUp();
    await at(stub, T0);
    await sent(id, 1);
    await evictDurableObject(stub);
    await at(stub, minutes(2));
    await at(stub, minutes(5));
    expect((await sent(id, 5)).map((n) => `${n.user}:${n.channel}`)).toEqual([
      'kim:push',
      'kim:sms',
      'kim:push',
      'lee:email',
      'park:voice',
    ]);
  });

  it('a retried alarm never pages twice', async () => {
    const { id, stub } = await setUp();
    await at(stub, T0);
    await at(stub, minutes(2));
    await at(stub, minutes(2));
    await runDurableObjectAlarm(stub);
    await sent(id, 2);
    await at(stub, minutes(3));
    expect(await sent(id, 2)).toHaveLength(2);
  });

  it.each([0, 1, 2, 5, 6, 15, 24])('an acknowledgement at minute %i stops every pending page', async (ackAt) => {
    const { id, stub } = await setUp();
    for (const m of [0, 2, 5, 7, 15, 17, 25, 27].filter((m) => m <= ackAt)) await at(stub, minutes(m));
    const expected = everyPage().filter((p) => Date.parse(p.due_at) <= minutes(ackAt));
    // Wait until the consumer has recorded them, so that none can be recorded as cancelled below.
    expect(await sent(id, expected.length)).toEqual(expected);
    vi.setSystemTime(minutes(ackAt) + 1000);
    expect((await api('POST', `/incidents/${id}/acknowledge`)).body.action).toBe('acknowledged');
    for (const m of [2, 5, 7, 15, 17, 25, 27, 60].filter((m) => m > ackAt)) await at(stub, minutes(m));
    // The alarm has drained the outbox into D1: any page sent after the acknowledgement is in the timeline.
    const types = await timelineTypes(id, stub);
    expect(types.filter((t) => t === 'notified')).toHaveLength(expected.length);
    expect(await sent(id, expected.length)).toEqual(expected);
  });

  it('starts the escalation from a timer when the object has no fresh routing at hand', async () => {
    await setUp();
    const integrationId = (await api('GET', '/integrations/std')).body.id as string;
    const serviceId = (await api('GET', '/services/web')).body.id as string;
    // Straight to the object, with this isolate's copy of the configuration expired.
    vi.setSystemTime(T0 + 60_000);
    const eventId = `esc-direct-${++run}`;
    const stub = env.INCIDENTS.getByName(incidentObjectName(integrationId, eventId));
    const event = {
      eventId,
      action: 'open',
      summary: 'db down',
      urgency: 'high',
      eventTime: new Date().toISOString(),
      payload: {},
    } as const;
    const opened = (await stub.ingest(
      { integrationId, integrationHandle: 'std', serviceId },
      event,
    )) as unknown as IngestResult;
    expect(opened.action).toBe('created');
    const id = opened.incident!.id;
    await at(stub, T0 + 60_000);
    expect((await sent(id, 1)).map((n) => `${n.user}:${n.channel}`)).toEqual(['kim:push']);
  });

  it('pages, acknowledges and shows the incident while D1 is down, and D1 catches up with nothing lost or doubled', async () => {
    await api('PUT', '/config', config());
    // The isolate has read the configuration once; from here on, every D1 statement throws.
    expect((await postEvent('escalation-key-0123456789', { summary: 'warm up', event_id: 'warm' })).status).toBe(202);
    const restoreD1 = failD1();
    let id: string;
    let stub: DurableObjectStub;
    try {
      vi.setSystemTime(minutes(0) + 5_000); // past the configuration's one-second freshness
      const opened = await postEvent('escalation-key-0123456789', {
        summary: 'db down',
        event_id: 'outage',
        urgency: 'high',
      });
      expect(opened.status).toBe(202);
      expect(opened.body.action).toBe('created');
      id = opened.body.incident_id;
      stub = objectOf(id);
      for (const m of [0, 2, 5]) await at(stub, minutes(m) + 5_000);
      const pagedBeforeAck = ['kim:push', 'kim:sms', 'kim:push', 'lee:email', 'park:voice'];
      await vi.waitFor(async () => expect(await notifiedOnTimeline(id)).toEqual(pagedBeforeAck), { timeout: 5000 });
      vi.setSystemTime(minutes(6));
      const acked = await api('POST', `/incidents/${id}/acknowledge`);
      expect(acked.status).toBe(200);
      expect(acked.body.action).toBe('acknowledged');
      for (const m of [7, 15, 17, 25]) await at(stub, minutes(m) + 5_000);
      const detail = await api('GET', `/incidents/${id}`);
      expect(detail.body.status).toBe('acknowledged');
      expect(await notifiedOnTimeline(id)).toEqual(pagedBeforeAck);
      // Nothing reached D1 meanwhile.
      restoreD1();
      expect(await env.DB.prepare('SELECT count(*) AS n FROM incidents WHERE id = ?').bind(id).first('n')).toBe(0);
    } finally {
      restoreD1();
    }
    await vi.waitFor(
      async () => {
        await runDurableObjectAlarm(stub);
        const row = await env.DB.prepare('SELECT status FROM incidents WHERE id = ?').bind(id).first('status');
        expect(row).toBe('acknowledged');
        expect((await sent(id, 5)).map((n) => `${n.user}:${n.channel}`)).toEqual([
          'kim:push',
          'kim:sms',
          'kim:push',
          'lee:email',
          'park:voice',
        ]);
      },
      { timeout: 10_000, interval: 100 },
    );
    const timeline = await env.DB.prepare('SELECT type FROM timeline_entries WHERE incident_id = ? ORDER BY seq')
      .bind(id)
      .all<{ type: string }>();
    const types = timeline.results.map((t) => t.type);
    expect(types.filter((t) => t === 'page_queued')).toHaveLength(5);
    expect(types.filter((t) => t === 'notified')).toHaveLength(5);
    expect(types.filter((t) => t === 'acknowledged')).toHaveLength(1);
    expect(types.filter((t) => t === 'created')).toHaveLength(1);
  });

  it('a batch the queue refuses goes job by job, and one refused job holds back no other', async () => {
    const { id, stub } = await setUp();
    await at(stub, T0);
    await at(stub, minutes(2));
    await vi.waitFor(async () => expect(await notifiedOnTimeline(id)).toEqual(['kim:push', 'kim:sms']), {
      timeout: 5000,
    });
    const refused = refuseQueue((job) => job.user === 'lee');
    try {
      await at(stub, minutes(5)); // kim, lee and park at once: one batch
      await vi.waitFor(
        async () => expect(await notifiedOnTimeline(id)).toEqual(['kim:push', 'kim:sms', 'kim:push', 'park:voice']),
        { timeout: 5000 },
      );
      expect(refused.batches).toHaveBeenCalled();
    } finally {
      refused.restore();
    }
    await at(stub, minutes(5) + 30_000); // the retry
    await vi.waitFor(
      async () => expect((await notifiedOnTimeline(id)).filter((p) => p === 'lee:email')).toHaveLength(1),
      {
        timeout: 5000,
      },
    );
  });

  it('a page that exhausts its retries lands on the dead-letter queue and is marked failed on the timeline', async () => {
    const { id, stub } = await setUp();
    await at(stub, T0);
    await vi.waitFor(async () => expect(await notifiedOnTimeline(id)).toEqual(['kim:push']), { timeout: 5000 });
    // The SMS page never reaches the real consumer: the queue refuses it here.
    const refused = refuseQueue();
    try {
      await at(stub, minutes(2));
    } finally {
      refused.restore();
    }
    const detail = (await runInDurableObject(stub, (object: IncidentObject) => object.detail(id)))!;
    const sms = detail.pages.find((p) => p.job.kind === 'page' && p.job.contactMethod.type === 'sms')!.job;
    // As the runtime hands it over once the notification queue gave up on it.
    const batch = createMessageBatch(DEAD_LETTER_QUEUE, [
      { id: 'dead-1', timestamp: new Date(), attempts: 1, body: sms },
    ]);
    const ctx = createExecutionContext();
    await consumeNotifications(batch, env);
    await waitOnExecutionContext(ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(['dead-1']);
    const failed = (await api('GET', `/incidents/${id}`)).body.timeline.filter(
      (t: { type: string }) => t.type === 'page_failed',
    );
    expect(failed).toEqual([
      expect.objectContaining({
        details: expect.objectContaining({
          user: 'kim',
          channel: 'sms',
          reason: expect.stringMatching(/ran out of retries/),
        }),
      }),
    ]);
  });

  it('records every timeline entry as one of the typed entries, each with its actor', async () => {
    const { id, stub } = await setUp();
    for (const m of [0, 2, 5, 7, 15]) await at(stub, minutes(m));
    await api('POST', `/incidents/${id}/comment`, { text: 'looking' });
    await api('POST', `/incidents/${id}/acknowledge`);
    const { timeline } = (await api('GET', `/incidents/${id}`)).body;
    expect(timeline.length).toBeGreaterThan(8);
    for (const entry of timeline) {
      const { id: _, ...typed } = entry;
      expect(timelineEntrySchema.safeParse(typed).success, JSON.stringify(entry)).toBe(true);
    }
  });

  it('a page already queued when the incident is acknowledged is recorded as cancelled', async () => {
    const { id } = await setUp();
    // The first page is due at once; acknowledge before the queue consumer handles it.
    await api('POST', `/incidents/${id}/acknowledge`);
    const [first] = await sent(id, 1);
    expect(first?.status === 'cancelled' || first?.status === 'sent').toBe(true);
  });

  it('with stop_when: resolved, an acknowledgement does not stop the escalation', async () => {
    const { id, stub } = await setUp({ policy: { stop_when: 'resolved' } });
    await at(stub, T0);
    await api('POST', `/incidents/${id}/acknowledge`);
    await at(stub, minutes(2));
    await at(stub, minutes(5));
    expect((await sent(id, 5)).map((n) => n.user)).toEqual(['kim', 'kim', 'kim', 'lee', 'park']);
    await api('POST', `/incidents/${id}/resolve`);
    await at(stub, minutes(60));
    expect(await sent(id, 5)).toHaveLength(5);
  });

  it('skips a step whose schedule has nobody on call at once, and logs the skip', async () => {
    const { id, stub } = await setUp({
      policy: {
        steps: [
          { responders: [{ schedule: 'nights' }], delay_minutes: 30 },
          { responders: [{ user: 'lee' }], delay_minutes: 5 },
        ],
        final_notification: false,
      },
    });
    await at(stub, T0);
    expect(await sent(id, 1)).toEqual([page('lee', 'email', 0)]);
    const types = await timelineTypes(id, stub);
    expect(types).toEqual(expect.arrayContaining(['step_skipped', 'escalated', 'notified', 'escalation_exhausted']));
    expect(types.indexOf('step_skipped')).toBeLessThan(types.indexOf('escalated'));
  });

  it('repeats the whole policy from the chosen step', async () => {
    const { id, stub } = await setUp({
      policy: {
        steps: [
          { responders: [{ user: 'lee' }], delay_minutes: 1 },
          { responders: [{ user: 'park' }], delay_minutes: 1 },
        ],
        repeat: 2,
        repeat_from_step: 2,
        final_notification: false,
      },
    });
    for (const m of [0, 1, 2, 3, 4]) await at(stub, minutes(m));
    expect((await sent(id, 4)).map((n) => `${n.user}@${(Date.parse(n.due_at) - T0) / 60_000}`)).toEqual([
      'lee@0',
      'park@1',
      'park@2',
      'park@3',
    ]);
  });

  it('pages a random member who is always a member of the team', async () => {
    const { id, stub } = await setUp({
      policy: { steps: [{ responders: [{ random_member_of: 'noc' }], delay_minutes: 1 }], final_notification: false },
    });
    await at(stub, T0);
    const [first] = await sent(id, 1);
    expect(['kim', 'lee', 'park']).toContain(first?.user);
  });

  it('a service that routes to no one records the incident and pages nobody', async () => {
    const { id, stub } = await setUp({ service: { routing: { no_one: true } } });
    await at(stub, minutes(10));
    expect(await timelineTypes(id, stub)).toContain('not_paged');
    expect((await api('GET', `/incidents/${id}/notifications`)).body.notifications).toEqual([]);
  });

  it('a service that routes to one user pages that user', async () => {
    const { id, stub } = await setUp({ service: { routing: { user: 'park' } } });
    await at(stub, T0);
    expect(await sent(id, 1)).toEqual([page('park', 'voice', 0)]);
  });

  it('reassigning restarts from step 1 of the new target and stops the old escalation', async () => {
    const { id, stub } = await setUp();
    await at(stub, T0);
    vi.setSystemTime(minutes(1));
    const reassigned = await api('POST', `/incidents/${id}/reassign`, { user: 'park' });
    expect(reassigned.body.action).toBe('reassigned');
    await at(stub, minutes(1));
    for (const m of [2, 5, 15, 30]) await at(stub, minutes(m));
    expect(await sent(id, 2)).toEqual([page('kim', 'push', 0), page('park', 'voice', 1)]);
    expect(await timelineTypes(id, stub)).toContain('reassigned');
    expect((await api('POST', `/incidents/${id}/reassign`, { user: 'nobody' })).status).toBe(400);
  });

  it('an acknowledgement timeout triggers the incident again and restarts the escalation', async () => {
    const { id, stub } = await setUp({ service: { acknowledgement_timeout_minutes: 30 } });
    await at(stub, T0);
    vi.setSystemTime(minutes(1));
    await api('POST', `/incidents/${id}/acknowledge`);
    await at(stub, minutes(31));
    await vi.waitFor(async () => expect((await api('GET', `/incidents/${id}`)).body.status).toBe('triggered'), {
      timeout: 5000,
    });
    expect(await sent(id, 2)).toEqual([page('kim', 'push', 0), page('kim', 'push', 31)]);
  });

  it('an auto-resolve timeout resolves the incident', async () => {
    const { id, stub } = await setUp({ service: { auto_resolve_timeout_minutes: 20 } });
    await at(stub, T0);
    await at(stub, minutes(20));
    await runDurableObjectAlarm(stub);
    await vi.waitFor(async () => expect((await api('GET', `/incidents/${id}`)).body.status).toBe('resolved'), {
      timeout: 5000,
    });
    await at(stub, minutes(25));
    expect((await sent(id, 0)).filter((n) => Date.parse(n.due_at) >= minutes(20))).toEqual([]);
  });

  it('simulate predicts exactly the pages that then go out', async () => {
    const { id, stub } = await setUp();
    const simulated = await api('POST', '/simulate', {
      integration: 'std',
      event: { summary: 'db down', urgency: 'high' },
      at: new Date(T0).toISOString(),
    });
    expect(simulated.status).toBe(200);
    expect(simulated.body).toMatchObject({ service: { id: 'web' }, escalation_policy: { id: 'default' } });
    for (const m of [0, 2, 5, 7, 15, 17, 25, 27]) await at(stub, minutes(m));
    const actual = await sent(id, 14);
    const predicted = simulated.body.timeline
      .filter((e: { type: string }) => e.type === 'page')
      .map((e: { user: string; channel: string; at: string }) => ({
        user: e.user,
        channel: e.channel,
        due_at: e.at,
        status: 'sent',
      }));
    expect(predicted).toEqual(actual);
  });
});
