// The handoff-notice object keeps itself alive: a failing alarm re-arms instead of throwing until the
// runtime gives up on it.
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import { api, refuseQueue } from '../test/helpers';

describe('the handoff-notice alarm', () => {
  it('tries again a minute later when the notices cannot be sent, instead of throwing', async () => {
    const applied = await api('PUT', '/config', {
      users: [
        { id: 'kim', name: 'Kim', email: 'kim@example.com' },
        { id: 'lee', name: 'Lee', email: 'lee@example.com', handoff_notices: [{ minutes_before: 0 }] },
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
    const refused = refuseQueue();
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const handoffs = env.HANDOFFS.getByName('handoffs');
      const now = Date.parse('2030-11-05T09:00:05+09:00');
      vi.setSystemTime(now);
      await runDurableObjectAlarm(handoffs);
      expect(refused.batches).toHaveBeenCalled();
      const alarm = await runInDurableObject(handoffs, (_instance, state) => state.storage.getAlarm());
      expect(alarm).toBe(now + 60_000);
    } finally {
      vi.useRealTimers();
      refused.restore();
    }
  });
});
