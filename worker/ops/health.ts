// How Tocsin's own pager stands, for whoever watches it from outside: the pages waiting to go, the
// pages and providers failing, and whether incident changes still reach D1. Pure: figures in, status out.
import { MINUTE } from '../vocabulary';

export interface HealthFigures {
  /** Null when D1 could not be read: then the counts are unknown and Tocsin pages from its last configuration. */
  queueBacklog: number | null;
  /** When the oldest page still waiting was due. */
  oldestWaitingDueAt: string | null;
  pagesFailedLastHour: number | null;
  /** Per provider, its pages' outcomes in the last hour. */
  providers: { provider: string; failed: number; sent: number }[];
  oldestOutboxRecordAt: string | null;
  lastAlarmAt: string | null;
}

export interface Health {
  status: 'ok' | 'degraded';
  queue_backlog: number | null;
  pages_failed_last_hour: number | null;
  failing_providers: string[];
  oldest_outbox_record_at: string | null;
  last_alarm_at: string | null;
  /** Why it is degraded, in words: the first thing an operator reads. */
  problems: string[];
}

/** A page due this long ago and not yet sent is stuck, not waiting its turn. */
export const STUCK_PAGE = 5 * MINUTE;
/** A change that has not reached D1 in this long means D1 is failing. */
export const STALE_OUTBOX = MINUTE;

export function healthOf(f: HealthFigures, now: Date): Health {
  const age = (iso: string | null) => (iso === null ? 0 : now.getTime() - Date.parse(iso));
  // A provider fails when at least half of its pages in the last hour failed.
  const failing = f.providers.filter((p) => p.failed > 0 && p.failed >= p.sent).map((p) => p.provider);
  const problems = [
    ...(f.queueBacklog === null ? ['D1 cannot be read: paging goes on from the last configuration'] : []),
    ...(age(f.oldestWaitingDueAt) > STUCK_PAGE ? [`pages have waited since ${f.oldestWaitingDueAt}`] : []),
    ...failing.map((p) => `provider ${p} failed most of its pages in the last hour`),
    ...(age(f.oldestOutboxRecordAt) > STALE_OUTBOX
      ? [`incident changes have not reached D1 since ${f.oldestOutboxRecordAt}`]
      : []),
  ];
  return {
    status: problems.length === 0 ? 'ok' : 'degraded',
    queue_backlog: f.queueBacklog,
    pages_failed_last_hour: f.pagesFailedLastHour,
    failing_providers: failing,
    oldest_outbox_record_at: f.oldestOutboxRecordAt,
    last_alarm_at: f.lastAlarmAt,
    problems,
  };
}
