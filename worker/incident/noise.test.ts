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
