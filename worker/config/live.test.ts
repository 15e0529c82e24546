// The live configuration as ingest reads it: one load from D1 in flight per isolate, whatever the
// number of requests waiting on it.
import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import { api, failD1, holdD1Batches, postEvent, setUpIntegration } from '../test/helpers';
import { forgetLoadedConfig } from './live';
import { configSnapshot } from './snapshot-object';

describe('the live configuration', () => {
  it('is loaded once for a burst of requests that find it stale', async () => {
    const { key } = await setUpIntegration('live-burst');
    const database = Object.getPrototypeOf(env.DB) as { prepare: (sql: string) => unknown };
    const prepare = vi.spyOn(database, 'prepare');
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 60_000); // every copy this isolate holds is stale now
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => postEvent(key, { summary: 'burst', event_id: `burst-${i}` })),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
      const loads = prepare.mock.calls.filter(([sql]) => /from "integrations"/.test(sql)).length;
      // One load for the twenty requests, and at most one more for the twenty new incidents' objects
      // (here they may hold their own copy of the module): without one load in flight, forty.
      expect(loads).toBeGreaterThanOrEqual(1);
      expect(loads).toBeLessThanOrEqual(2);
    } finally {
      vi.useRealTimers();
      prepare.mockRestore();
    }
    // Let the twenty new incidents' copies reach D1 before the file ends.
    await vi.waitFor(
      async () => {
        const copied = await env.DB.prepare("SELECT count(*) AS n FROM incidents WHERE event_id LIKE 'burst-%'").first(
          'n',
        );
        expect(copied).toBe(20);
      },
      { timeout: 10_000, interval: 100 },
    );
  });

  it('serves a copy just past its TTL at once, while one load refreshes it', async () => {
    const { key } = await setUpIntegration('live-stale');
    await postEvent(key, { summary: 'warm', event_id: 'stale-warm' });
    const { held, release } = holdD1Batches();
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 2_000);
      // D1 does not answer yet: the request is answered from the copy a second past its TTL.
      const answer = await postEvent(key, { summary: 'while D1 is slow', event_id: 'stale-1' });
      expect(answer.status).toBe(202);
      expect(held).toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
      release();
    }
  });

  it('serves an isolate that starts while D1 is down from the last copy any isolate loaded', async () => {
    const { key } = await setUpIntegration('live-cold', 'key-live-cold-0123456789');
    expect((await postEvent(key, { summary: 'loads the configuration', event_id: 'cold-0' })).status).toBe(202);
    await vi.waitFor(async () => expect(await configSnapshot(env).read()).toContain('key-live-cold-0123456789'));
    forgetLoadedConfig();
    const restore = failD1();
    try {
      const answer = await postEvent(key, { summary: 'during the outage, in a new isolate', event_id: 'cold-1' });
      expect(answer.status).toBe(202);
      expect(answer.body.action).toBe('created');
    } finally {
      restore();
    }
    const detail = await api(
      'GET',
      `/incidents/${(await postEvent(key, { summary: 'again', event_id: 'cold-1' })).body.incident_id}`,
    );
    expect(detail.body.summary).toBe('during the outage, in a new isolate');
  });
});
