import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { api, drain, holdD1Batches, postEvent, setUpIntegration } from '../test/helpers';
import type { PageJob } from '../notify/job';
import { incidentObjectName } from './commands';
import { IncidentObject } from './object';

let key: string;
let integrationId: string;
beforeAll(async () => {
  ({ key, integrationId } = await setUpIntegration('std-lifecycle'));
});

async function incidentAfterDrain(eventId: string, incidentId: string) {
  await drain(integrationId, eventId);
  const { status, body } = await api('GET', `/incidents/${incidentId}`);
  expect(status).toBe(200);
  return body;
}

describe('dedup and lifecycle', () => {
  it('a second open event with the same id joins the incident', async () => {
    const first = await postEvent(key, { summary: 'disk full', event_id: 'disk-1', urgency: 'high' });
    const second = await postEvent(key, {
      summary: 'disk full (again)',
      event_id: 'disk-1',
      urgency: 'high',
      custom_details: { used: '99%' },
    });
    expect(first.body.action).toBe('created');
    expect(second.body).toMatchObject({ action: 'deduplicated', incident_id: first.body.incident_id });
    expect(second.body.incident_number).toBe(first.body.incident_number);

    const incident = await incidentAfterDrain('disk-1', first.body.incident_id);
    expect(incident).toMatchObject({
      id: first.body.incident_id,
      number: first.body.incident_number,
      status: 'triggered',
      urgency: 'high',
      summary: 'disk full',
      service: 'web',
      integration: 'std-lifecycle',
      event_id: 'disk-1',
      alert_count: 2,
      acknowledged_at: null,
      resolved_at: null,
    });
    expect(incident.details).toMatchObject({ custom_details: { used: '99%' } });
    expect(incident.alerts.map((a: { summary: string }) => a.summary)).toEqual(['disk full (again)', 'disk full']);
    expect(
      incident.timeline.map((t: { type: string }) => t.type).filter((type: string) => type !== 'not_paged'),
    ).toEqual(['created', 'alert_joined']);
    expect(incident.timeline[0].actor).toEqual({ type: 'integration', id: 'std-lifecycle' });
  });

  it('moves triggered → acknowledged → resolved and never backwards', async () => {
    const open = await postEvent(key, { summary: 'api down', event_id: 'api-1' });
    const ack = await postEvent(key, { summary: 'ack', event_id: 'api-1', status: 'ack' });
    const ackAgain = await postEvent(key, { summary: 'ack', event_id: 'api-1', status: 'ack' });
    const joinWhileAcked = await postEvent(key, { summary: 'api down', event_id: 'api-1' });
    const close = await postEvent(key, { summary: 'ok', event_id: 'api-1', status: 'close' });
    const ackAfterClose = await postEvent(key, { summary: 'ack', event_id: 'api-1', status: 'ack' });
    const closeAgain = await postEvent(key, { summary: 'ok', event_id: 'api-1', status: 'close' });

    expect(ack.body).toMatchObject({ action: 'acknowledged', incident_id: open.body.incident_id });
    expect(ackAgain.body.action).toBe('ignored');
    expect(ackAgain.body.message).toMatch(/already acknowledged/);
    expect(joinWhileAcked.body.action).toBe('deduplicated');
    expect(close.body.action).toBe('resolved');
    expect(ackAfterClose.body).toMatchObject({ action: 'ignored', incident_id: open.body.incident_id });
    expect(ackAfterClose.body.message).toMatch(/already resolved/);
    expect(closeAgain.body.action).toBe('ignored');

    const incident = await incidentAfterDrain('api-1', open.body.incident_id);
    expect(incident.status).toBe('resolved');
    expect(incident.acknowledged_at).not.toBeNull();
    expect(incident.resolved_at >= incident.acknowledged_at).toBe(true);
    expect(
      incident.timeline.map((t: { type: string }) => t.type).filter((type: string) => type !== 'not_paged'),
    ).toEqual(['created', 'acknowledged', 'alert_joined', 'resolved']);
  });

  it('resolves straight from triggered', async () => {
    const open = await postEvent(key, { summary: 'flap', event_id: 'flap-1' });
    const close = await postEvent(key, { summary: 'ok', event_id: 'flap-1', status: 'close' });
    expect(close.body.action).toBe('resolved');
    const incident = await incidentAfterDrain('flap-1', open.body.incident_id);
    expect(incident).toMatchObject({ status: 'resolved', acknowledged_at: null });
  });

  it('ignores ack and close for an event id it has never seen, saying why', async () => {
    for (const status of ['ack', 'close']) {
      const { status: code, body } = await postEvent(key, { summary: 'x', event_id: 'never-seen', status });
      expect(code).toBe(202);
      expect(body).toMatchObject({ status: 'success', action: 'ignored', incident_id: null, incident_number: null });
      expect(body.message).toMatch(/never-seen/);
    }
  });

  it('the next open event after resolve opens a new incident with a new number', async () => {
    const first = await postEvent(key, { summary: 'mem', event_id: 'mem-1' });
    await postEvent(key, { summary: 'ok', event_id: 'mem-1', status: 'close' });
    const reopened = await postEvent(key, { summary: 'mem again', event_id: 'mem-1' });
    expect(reopened.body.action).toBe('created');
    expect(reopened.body.incident_id).not.toBe(first.body.incident_id);
    expect(reopened.body.incident_number).toBeGreaterThan(first.body.incident_number);
    const ack = await postEvent(key, { summary: 'ack', event_id: 'mem-1', status: 'ack' });
    expect(ack.body).toMatchObject({ action: 'acknowledged', incident_id: reopened.body.incident_id });

    await drain(integrationId, 'mem-1');
    const old = await api('GET', `/incidents/${first.body.incident_id}`);
    const current = await api('GET', `/incidents/${reopened.body.incident_id}`);
    expect(old.body).toMatchObject({ status: 'resolved', alert_count: 1 });
    expect(current.body).toMatchObject({ status: 'acknowledged', alert_count: 1, summary: 'mem again' });
  });

  it('keeps the event time of the latest event and records times in UTC with milliseconds', async () => {
    const open = await postEvent(key, { summary: 't', event_id: 'time-1', event_time: '2026-11-25T09:00:00+09:00' });
    await postEvent(key, { summary: 't', event_id: 'time-1', event_time: '2026-11-25T09:05:00.250+09:00' });
    const incident = await incidentAfterDrain('time-1', open.body.incident_id);
    expect(incident.last_event_at).toBe('2026-11-25T00:05:00.250Z');
    expect(incident.alerts[0].event_time).toBe('2026-11-25T00:05:00.250Z');
    expect(incident.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('the same event id on two integrations makes two incidents (dedup is per integration)', async () => {
    const other = await setUpIntegration('std-other');
    const a = await postEvent(key, { summary: 'x', event_id: 'shared-id' });
    const b = await postEvent(other.key, { summary: 'x', event_id: 'shared-id' });
    expect(a.body.action).toBe('created');
    expect(b.body.action).toBe('created');
    expect(a.body.incident_id).not.toBe(b.body.incident_id);
  });
});

describe('concurrency', () => {
  it('200 parallel identical events make exactly one incident with alert count 200', async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, () => postEvent(key, { summary: 'storm', event_id: 'storm-1' })),
    );
    expect(results.every((r) => r.status === 202)).toBe(true);
    const ids = new Set(results.map((r) => r.body.incident_id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.body.action === 'created')).toHaveLength(1);
    expect(results.filter((r) => r.body.action === 'deduplicated')).toHaveLength(199);

    const [id] = [...ids];
    await vi.waitFor(
      async () => {
        await drain(integrationId, 'storm-1');
        const { body } = await api('GET', `/incidents/${id}`);
        expect(body.alert_count).toBe(200);
        expect(body.alerts).toHaveLength(100);
        expect(body.timeline.filter((t: { type: string }) => t.type !== 'not_paged')).toHaveLength(200);
      },
      { timeout: 10_000, interval: 50 },
    );
  });

  it('parallel distinct events get distinct, consecutive numbers', async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => postEvent(key, { summary: 'n', event_id: `numbered-${i}` })),
    );
    const numbers = results.map((r) => r.body.incident_number as number).sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(30);
    expect(numbers.at(-1)! - numbers[0]!).toBe(29);
  });
});

const inD1Status = (id: string) =>
  env.DB.prepare('SELECT status FROM incidents WHERE id = ?').bind(id).first<string>('status');

describe('the outbox', () => {
  it('drains a storm of large events into D1 in statements D1 accepts', async () => {
    const big = 'x'.repeat(400 * 1024);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        postEvent(key, { summary: `big ${i}`, event_id: 'big-1', custom_details: { blob: big } }),
      ),
    );
    expect(results.every((r) => r.status === 202)).toBe(true);
    const id = results[0]!.body.incident_id;
    await vi.waitFor(
      async () => {
        await drain(integrationId, 'big-1');
        const count = await env.DB.prepare('SELECT count(*) AS n FROM alerts WHERE incident_id = ?')
          .bind(id)
          .first('n');
        expect(count).toBe(12);
      },
      { timeout: 10_000, interval: 100 },
    );
  });

  it('marks what D1 has with the next commit, and a restart that forgot the marks doubles nothing', async () => {
    const object = env.INCIDENTS.getByName(incidentObjectName(integrationId, 'marks-1'));
    const synced = () =>
      runInDurableObject(object, (_instance, state) => ({
        incident: state.storage.sql.exec<{ n: number }>('SELECT synced_revision AS n FROM incidents').one().n,
        timeline: state.storage.sql.exec<{ n: number }>('SELECT count(*) AS n FROM timeline WHERE synced = 1').one().n,
      }));
    const inD1 = async (id: string) => {
      const count = (table: string) =>
        env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE incident_id = ?`).bind(id).first<number>('n');
      const status = await env.DB.prepare('SELECT status FROM incidents WHERE id = ?').bind(id).first<string>('status');
      return { status, alerts: await count('alerts'), timeline: await count('timeline_entries') };
    };
    const open = await postEvent(key, { summary: 'marks', event_id: 'marks-1' });
    const id = open.body.incident_id as string;
    await vi.waitFor(async () => expect((await inD1(id)).alerts).toBe(1), { timeout: 3_000, interval: 50 });
    // The copy that emptied the outbox wrote no marks of its own: that commit is a disk sync saved.
    expect(await synced()).toEqual({ incident: 0, timeline: 0 });

    await postEvent(key, { summary: 'marks', event_id: 'marks-1', status: 'ack' });
    // The acknowledgement's commit carried them (its own change copies 100 ms later).
    expect((await synced()).incident).toBe(1);
    await vi.waitFor(async () => expect((await inD1(id)).status).toBe('acknowledged'), {
      timeout: 3_000,
      interval: 50,
    });
    const copied = await inD1(id);

    // A restarted object knows no marks: it copies the unmarked again, and D1 takes it once.
    await runInDurableObject(object, (_instance, state) => new IncidentObject(state, env).alarm());
    expect(await inD1(id)).toEqual(copied);
    const { body } = await api('GET', `/incidents/${id}`);
    expect(body).toMatchObject({ status: 'acknowledged', alert_count: 1 });
  });

  it('copies a page again when it changed while its earlier copy was on the way to D1', async () => {
    const open = await postEvent(key, { summary: 'page race', event_id: 'race-1', urgency: 'high' });
    const incidentId = open.body.incident_id as string;
    const object = env.INCIDENTS.getByName(incidentObjectName(integrationId, 'race-1'));
    const job: PageJob = {
      kind: 'page',
      id: `${incidentId}:race`,
      user: 'kim',
      contactMethod: { id: 'kim-sms', type: 'sms', address: '+821000000001' },
      attempt: 1,
      dueAt: new Date().toISOString(),
      locale: 'en',
      timeZone: 'UTC',
      incidentId,
      incidentNumber: open.body.incident_number as number,
      summary: 'page race',
      urgency: 'high',
      service: null,
      stopWhen: 'acknowledged',
    };
    const status = () => env.DB.prepare('SELECT status FROM notifications WHERE id = ?').bind(job.id).first('status');
    await vi.waitFor(async () => expect((await inD1Status(incidentId)) !== null).toBe(true), { timeout: 3_000 });
    // D1 takes no batch until the gate opens: the copy of the claimed page waits on the way.
    const { held, release } = holdD1Batches();
    try {
      expect((await object.pageDue(job)).answer).toBe('send');
      await vi.waitFor(() => expect(held).toHaveBeenCalled(), { timeout: 3_000 });
      await object.pageSent(job, { status: 'sent', providerMessageId: 'sm-1' }, 'twilio');
    } finally {
      release();
    }
    await vi.waitFor(async () => expect(await status()).toBe('sent'), { timeout: 3_000, interval: 50 });
    // The next commit marks the page as D1 has it, by its latest revision.
    await postEvent(key, { summary: 'page race', event_id: 'race-1', urgency: 'high' });
    const synced = await runInDurableObject(object, (_instance, state) =>
      state.storage.sql.exec<{ synced: number }>('SELECT synced FROM pages').one(),
    );
    expect(synced).toEqual({ synced: 1 });
  });

  it('keeps every accepted change while D1 fails, and delivers it once D1 is back', async () => {
    // Break D1 for real: the incidents table is renamed away, so the drain's batch fails.
    await env.DB.exec('ALTER TABLE incidents RENAME TO incidents_away');
    let incidentId: string;
    try {
      const open = await postEvent(key, { summary: 'during outage', event_id: 'outage-1' });
      await postEvent(key, { summary: 'during outage', event_id: 'outage-1' });
      const ack = await postEvent(key, { summary: 'ack', event_id: 'outage-1', status: 'ack' });
      expect(open.status).toBe(202);
      expect(ack.body.action).toBe('acknowledged');
      incidentId = open.body.incident_id;
      await drain(integrationId, 'outage-1'); // fails, and must not lose anything
      const alerts = await env.DB.prepare('SELECT count(*) AS n FROM alerts WHERE incident_id = ?')
        .bind(incidentId)
        .first('n');
      expect(alerts).toBe(0);
    } finally {
      await env.DB.exec('ALTER TABLE incidents_away RENAME TO incidents');
    }
    await vi.waitFor(
      async () => {
        await drain(integrationId, 'outage-1');
        const { status, body } = await api('GET', `/incidents/${incidentId}`);
        expect(status).toBe(200);
        expect(body).toMatchObject({ status: 'acknowledged', alert_count: 2 });
        expect(body.alerts).toHaveLength(2);
        expect(
          body.timeline.map((t: { type: string }) => t.type).filter((type: string) => type !== 'not_paged'),
        ).toEqual(['created', 'alert_joined', 'acknowledged']);
      },
      { timeout: 10_000, interval: 100 },
    );
  });
});
