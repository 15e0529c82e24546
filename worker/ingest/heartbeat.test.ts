// Heartbeats in the real runtime: a ping sets the deadline; the object's alarm past it opens an
// incident; the next ping resolves it.
import { runDurableObjectAlarm } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { incidentObjectName } from '../incident/commands';
import { api, send } from '../test/helpers';
import { HEARTBEAT_EVENT_ID } from './heartbeat';

const KEY = 'key-heartbeat-0123456789';

beforeAll(async () => {
  const result = await api('PUT', '/config', {
    services: [{ id: 'backups', name: 'Backups' }],
    integrations: [
      {
        id: 'nightly',
        name: 'Nightly backup',
        type: 'heartbeat',
        service: 'backups',
        key: KEY,
        heartbeat: { interval_minutes: 60 },
      },
    ],
  });
  expect(result.status, JSON.stringify(result.body)).toBe(200);
});

afterEach(() => vi.useRealTimers());

describe('a heartbeat', () => {
  it('opens an incident when a ping is late, and resolves it at the next ping (GET or POST)', async () => {
    const pinged = await send(`/integration/heartbeat/v1/${KEY}`);
    expect(pinged.status).toBe(202);
    const { next_ping_due_by } = (await pinged.json()) as { next_ping_due_by: string };
    expect(Date.parse(next_ping_due_by) - Date.now()).toBeGreaterThan(60 * 60_000);
    const integration = (await api('GET', '/integrations/nightly')).body.id as string;
    const stub = env.INCIDENTS.getByName(incidentObjectName(integration, HEARTBEAT_EVENT_ID));
    const heartbeat = env.HEARTBEATS.getByName(integration);

    // On time: the alarm finds nothing late.
    await runDurableObjectAlarm(heartbeat);
    expect(await stub.latestIncident()).toBeNull();

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse(next_ping_due_by) + 1000);
    await runDurableObjectAlarm(heartbeat);
    const missed = await stub.latestIncident();
    expect(missed).toMatchObject({ status: 'triggered', urgency: 'high' });
    expect(missed?.summary).toMatch(/^No heartbeat from Nightly backup for 6\d minutes \(expected every 60\)$/);
    // Still late an hour later: the same incident, not another.
    vi.setSystemTime(Date.parse(next_ping_due_by) + 3_600_000);
    await runDurableObjectAlarm(heartbeat);
    expect((await stub.latestIncident())?.id).toBe(missed?.id);

    const resumed = await send(`/integration/heartbeat/v1/${KEY}`, { method: 'POST', body: 'ok' });
    expect(resumed.status).toBe(202);
    expect((await stub.latestIncident())?.status).toBe('resolved');
  });

  it('needs its interval in the configuration', async () => {
    const result = await api('PUT', '/config', {
      integrations: [{ id: 'nightly', name: 'Nightly backup', type: 'heartbeat', service: 'backups', key: KEY }],
    });
    expect(result.status).toBe(400);
    expect(result.body.fields[0].field).toBe('integrations[0].heartbeat');
  });
});
