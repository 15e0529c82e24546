// The cron's housekeeping: old alert payloads emptied in D1 and in the incident objects (incidents,
// summaries and timelines kept), and the heartbeat of Tocsin's own health sent only while healthy.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, drain, failD1, postEvent, setUpIntegration } from '../test/helpers';
import { DAY } from '../vocabulary';
import worker from '../index';
import { housekeeping } from './housekeeping';

afterEach(() => vi.restoreAllMocks());

describe('retention of alert payloads', () => {
  it('empties payloads past the retention age, keeping the incident, its summaries and its timeline', async () => {
    const { key, integrationId } = await setUpIntegration('retention');
    const sent = await postEvent(key, {
      summary: 'disk full',
      event_id: 'old-1',
      custom_details: { secret_ish: 'a large payload' },
    });
    await drain(integrationId, 'old-1');
    const id = sent.body.incident_id;
    const alertOf = () =>
      env.DB.prepare('SELECT summary, payload, pruned_at FROM alerts WHERE incident_id = ?')
        .bind(id)
        .first<{ summary: string; payload: string; pruned_at: string | null }>();
    expect(JSON.parse((await alertOf())!.payload)).toMatchObject({ custom_details: { secret_ish: 'a large payload' } });

    await housekeeping(env, new Date(Date.now() + 89 * DAY));
    expect((await alertOf())!.pruned_at).toBeNull();

    const later = new Date(Date.now() + 91 * DAY);
    await housekeeping(env, later);
    expect(await alertOf()).toEqual({ summary: 'disk full', payload: '{}', pruned_at: later.toISOString() });
    const detail = (await api('GET', `/incidents/${id}`)).body;
    expect(detail.summary).toBe('disk full');
    expect(detail.alerts[0]).toMatchObject({ summary: 'disk full', payload: {} });
    expect(detail.timeline.length).toBeGreaterThan(0);
  });

  it('runs from the cron trigger', async () => {
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now() }), env, ctx);
    await waitOnExecutionContext(ctx);
  });
});

describe('the heartbeat of Tocsin’s own health', () => {
  const beat = { ...env, TOCSIN_HEARTBEAT_URL: 'https://beat.example/integration/heartbeat/v1/key' };

  it('pings the heartbeat URL while healthy, and not while degraded', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response('ok'));
    await housekeeping(beat, new Date());
    expect(fetchSpy).toHaveBeenCalledTimes(1);
    expect(String(fetchSpy.mock.calls[0]![0])).toBe(beat.TOCSIN_HEARTBEAT_URL);
    const restore = failD1();
    try {
      await housekeeping(beat, new Date());
    } finally {
      restore();
    }
    expect(fetchSpy).toHaveBeenCalledTimes(1);
  });
});
