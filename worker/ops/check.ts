// Reads the figures /health and the housekeeping cron judge Tocsin by: pages waiting and failing
// from D1 (unknown while D1 is down), and how the copies to D1 stand from their writer.
import { copyHealth, type CopyHealth } from '../db/writer';
import { HOUR } from '../vocabulary';
import { healthOf, type Health, type HealthFigures } from './health';

type D1Figures = Pick<HealthFigures, 'queueBacklog' | 'oldestWaitingDueAt' | 'pagesFailedLastHour' | 'providers'>;

async function d1Figures(d1: D1Database, now: Date): Promise<D1Figures> {
  const at = now.toISOString();
  const hourAgo = new Date(now.getTime() - HOUR).toISOString();
  try {
    const [waiting, providers] = await d1.batch([
      d1
        .prepare(
          `SELECT count(*) AS backlog, min(due_at) AS oldest FROM notifications
           WHERE status IN ('queued', 'sending') AND due_at <= ?`,
        )
        .bind(at),
      d1
        .prepare(
          `SELECT coalesce(provider, channel) AS provider, sum(status = 'failed') AS failed,
             sum(status IN ('sent', 'delivered')) AS sent
           FROM notifications WHERE processed_at >= ? AND kind = 'page' GROUP BY 1`,
        )
        .bind(hourAgo),
    ]);
    const w = waiting!.results[0] as { backlog: number; oldest: string | null };
    const p = providers!.results as { provider: string; failed: number; sent: number }[];
    return {
      queueBacklog: w.backlog,
      oldestWaitingDueAt: w.oldest,
      pagesFailedLastHour: p.reduce((n, r) => n + r.failed, 0),
      providers: p,
    };
  } catch (error) {
    console.error('health: D1 cannot be read', error);
    return { queueBacklog: null, oldestWaitingDueAt: null, pagesFailedLastHour: null, providers: [] };
  }
}

const NO_COPIES: CopyHealth = { oldestPendingAt: null, lastCopyAt: null };

export async function checkHealth(env: Env, now: Date): Promise<Health> {
  const [figures, copies] = await Promise.all([
    d1Figures(env.DB, now),
    copyHealth(env).catch((error: unknown) => {
      console.error('health: the D1 writer did not answer', error);
      return NO_COPIES;
    }),
  ]);
  return healthOf({ ...figures, oldestOutboxRecordAt: copies.oldestPendingAt, lastAlarmAt: copies.lastCopyAt }, now);
}
