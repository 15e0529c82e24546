// The noise an incident object cuts itself, in the real runtime: a transient pause before paging.
import { runDurableObjectAlarm } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { api, postEvent } from '../test/helpers';
import { incidentObjectName } from './commands';

const KEY = 'key-transient-0123456789';

beforeAll(async () => {
  const result = await api('PUT', '/config', {
    users: [
      { id: 'ona', name: 'Ona', contact_methods: [{ id: 'ona-mail', type: 'email', address: 'ona@example.com' }] },
    ],
    services: [{ id: 'blips', name: 'Blips', routing: { user: 'ona' }, transient_pause_minutes: 2 }],
    integrations: [{ id: 'blips-std', name: 'Std', type: 'standard', service: 'blips', key: KEY }],
  });
  expect(result.status, JSON.stringify(result.body)).toBe(200);
});

afterEach(() => vi.useRealTimers());

const types = async (id: string) =>
  (await api('GET', `/incidents/${id}`)).body.timeline.map((t: { type: string }) => t.type) as string[];

describe('a transient pause', () => {
  it('pages nobody for an alert that resolves inside it, and marks the incident transient', async () => {
    const opened = await postEvent(KEY, { summary: 'blip', event_id: 'blip-1' });
    const id = opened.body.incident_id as string;
    expect(await types(id)).toContain('paging_paused');
    await postEvent(KEY, { summary: 'blip', event_id: 'blip-1', status: 'close' });
    const detail = (await api('GET', `/incidents/${id}`)).body;
    expect(detail.status).toBe('resolved');
    expect(await types(id)).toEqual(['created', 'paging_paused', 'resolved', 'transient']);
  });

  it('pages as usual once the pause is over and the alert still fires', async () => {
    const opened = await postEvent(KEY, { summary: 'real', event_id: 'blip-2' });
    const id = opened.body.incident_id as string;
    const integration = (await api('GET', '/integrations/blips-std')).body.id as string;
    const stub = env.INCIDENTS.getByName(incidentObjectName(integration, 'blip-2'));
    await runDurableObjectAlarm(stub);
    expect(await types(id)).not.toContain('page_queued');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 2 * 60_000 + 1000);
    await runDurableObjectAlarm(stub);
    expect(await types(id)).toEqual(expect.arrayContaining(['escalated', 'page_queued']));
    await postEvent(KEY, { summary: 'real', event_id: 'blip-2', status: 'close' });
    expect(await types(id)).not.toContain('transient');
  });
});

describe('a flapping alert', () => {
  const FLAP_KEY = 'key-flapping-0123456789';

  it('stays one incident once it has opened more than `count` within `minutes`, and resolves when it settles', async () => {
    const result = await api('PUT', '/config', {
      services: [
        { id: 'blips', name: 'Blips', routing: { user: 'ona' }, transient_pause_minutes: 2 },
        { id: 'flaps', name: 'Flaps', routing: { user: 'ona' }, flapping: { count: 2, minutes: 30 } },
      ],
      integrations: [
        { id: 'blips-std', name: 'Std', type: 'standard', service: 'blips', key: KEY },
        { id: 'flaps-std', name: 'Std', type: 'standard', service: 'flaps', key: FLAP_KEY },
      ],
    });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    const fire = () => postEvent(FLAP_KEY, { summary: 'link flaps', event_id: 'flap-1' });
    const clear = () => postEvent(FLAP_KEY, { summary: 'link flaps', event_id: 'flap-1', status: 'close' });
    const ids = new Set<string>();
    for (let i = 0; i < 2; i++) {
      ids.add((await fire()).body.incident_id);
      expect((await clear()).body.action).toBe('resolved');
    }
    const third = (await fire()).body.incident_id as string;
    const held = await clear();
    expect(held.body).toMatchObject({ action: 'ignored', message: expect.stringMatching(/is flapping/) });
    expect((await api('GET', `/incidents/${third}`)).body).toMatchObject({ status: 'triggered' });
    // Firing again joins the flapping incident instead of opening another.
    expect((await fire()).body).toMatchObject({ action: 'deduplicated', incident_id: third });
    await clear();
    expect(await types(third)).toContain('flapping');

    const integration = (await api('GET', '/integrations/flaps-std')).body.id as string;
    const stub = env.INCIDENTS.getByName(incidentObjectName(integration, 'flap-1'));
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31 * 60_000);
    await runDurableObjectAlarm(stub);
    const settled = (await api('GET', `/incidents/${third}`)).body;
    expect(settled.status).toBe('resolved');
    expect(settled.timeline.at(-1).details.reason).toBe('the alert stopped flapping');
  });
});
