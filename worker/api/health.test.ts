// GET /health as an uptime checker sees it: no token, no secrets, and degraded (503) when pages are
// stuck, a provider fails, or incident changes stop reaching D1.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { healthOf } from '../ops/health';
import { drain, failD1, postEvent, send, setUpIntegration } from '../test/helpers';

const health = async () => {
  const response = await send('/health');
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};

async function insertPage(id: string, provider: string, status: string, due: string, processed = due) {
  await env.DB.prepare(
    `INSERT INTO notifications (id, kind, user, contact_method, channel, provider, status, attempt, due_at, processed_at)
     VALUES (?, 'page', 'ana', 'ana-sms', 'sms', ?, ?, 1, ?, ?)`,
  )
    .bind(id, provider, status, due, processed)
    .run();
}

describe('the health of the pager', () => {
  it('answers ok without a token, with exactly the figures and nothing secret', async () => {
    const { status, body } = await health();
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'ok',
      queue_backlog: 0,
      pages_failed_last_hour: 0,
      failing_providers: [],
      oldest_outbox_record_at: null,
      last_alarm_at: null,
      problems: [],
    });
  });

  it('tells when an incident object last copied its changes', async () => {
    const { key, integrationId } = await setUpIntegration('health');
    await postEvent(key, { summary: 'disk', event_id: 'health-1' });
    await drain(integrationId, 'health-1');
    const { body } = await health();
    expect(Date.parse(body.last_alarm_at)).toBeGreaterThan(Date.now() - 60_000);
    expect(body.oldest_outbox_record_at).toBeNull();
  });

  it('is degraded while D1 cannot be read, and names the oldest change waiting for it', async () => {
    const { key, integrationId } = await setUpIntegration('health-down', 'key-health-down-0123456789');
    // Sent before the outage, so that ingest has loaded the new integration.
    expect((await postEvent(key, { summary: 'before the outage', event_id: 'health-2' })).status).toBe(202);
    const restore = failD1();
    try {
      expect((await postEvent(key, { summary: 'during the outage', event_id: 'health-2' })).status).toBe(202);
      await drain(integrationId, 'health-2').catch(() => undefined);
      const { status, body } = await health();
      expect(status).toBe(503);
      expect(body).toMatchObject({ status: 'degraded', queue_backlog: null, pages_failed_last_hour: null });
      expect(Date.parse(body.oldest_outbox_record_at)).toBeGreaterThan(Date.now() - 60_000);
      expect(body.problems[0]).toMatch(/D1 cannot be read/);
    } finally {
      restore();
    }
    await drain(integrationId, 'health-2');
    expect((await health()).body.oldest_outbox_record_at).toBeNull();
  });

  it('counts pages waiting and failed, and names a provider failing most of its pages', async () => {
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    await insertPage('h-1', 'twilio', 'failed', iso(now - 60_000));
    await insertPage('h-2', 'twilio', 'failed', iso(now - 50_000));
    await insertPage('h-3', 'twilio', 'sent', iso(now - 40_000));
    await insertPage('h-4', 'resend', 'sent', iso(now - 40_000));
    await insertPage('h-5', 'resend', 'failed', iso(now - 2 * 3_600_000)); // over an hour ago
    await insertPage('h-6', 'resend', 'queued', iso(now - 10 * 60_000)); // stuck for ten minutes
    await insertPage('h-7', 'resend', 'queued', iso(now + 60_000)); // due in a minute: not waiting yet
    const { status, body } = await health();
    expect(status).toBe(503);
    expect(body).toMatchObject({ queue_backlog: 1, pages_failed_last_hour: 2, failing_providers: ['twilio'] });
    expect(body.problems).toHaveLength(2);
  });
});

describe('health from its figures', () => {
  const quiet = {
    queueBacklog: 3,
    oldestWaitingDueAt: '2026-12-04T00:00:00.000Z',
    pagesFailedLastHour: 1,
    providers: [{ provider: 'twilio', failed: 1, sent: 9 }],
    oldestOutboxRecordAt: '2026-12-04T00:00:00.000Z',
    lastAlarmAt: '2026-12-04T00:00:00.000Z',
  };

  it('lets pages wait their turn and changes take a moment, but not longer', () => {
    expect(healthOf(quiet, new Date('2026-12-04T00:00:59Z')).status).toBe('ok');
    const later = healthOf(quiet, new Date('2026-12-04T00:05:01Z'));
    expect(later.status).toBe('degraded');
    expect(later.problems).toEqual([
      'pages have waited since 2026-12-04T00:00:00.000Z',
      'incident changes have not reached D1 since 2026-12-04T00:00:00.000Z',
    ]);
  });
});
