// Sends handoff notices on time: one object whose alarm is set for the next notice due (or within
// the hour, to notice configuration it was not told about). A notice is a job on the notification
// queue with its own idempotency key, so a retried alarm tells nobody twice.
import { DurableObject } from 'cloudflare:workers';
import { liveConfig } from '../config/live';
import { handoffNotices, nextHandoffNotice, type HandoffWatcher } from '../schedule/handoff';
import { noticeMethods } from '../users/contact';
import type { HandoffJob } from './job';

const HOUR = 60 * 60_000;
const RETRY_MS = 60_000;
/** How far back a late alarm catches up; older notices are stale news. */
const CATCH_UP = HOUR;
/** How far ahead the next notice is looked for. */
const HORIZON = 8 * 24 * HOUR;

export class HandoffObject extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value INTEGER NOT NULL)');
  }

  /** The configuration changed: look again for the next notice. */
  async reschedule(): Promise<void> {
    await this.arm(Date.now());
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    try {
      await this.notify(now);
    } catch (error) {
      // D1 down and no configuration at hand, or the queue refusing: look again soon, rather than
      // throw until the runtime's retries of this alarm run out and no notice is ever sent again.
      console.error('handoff notices: will try again', error);
      await this.ctx.storage.setAlarm(now + RETRY_MS);
    }
  }

  private async notify(now: number): Promise<void> {
    const sql = this.ctx.storage.sql;
    const covered = sql
      .exec<{ value: number }>("SELECT value FROM state WHERE key = 'covered_until'")
      .toArray()[0]?.value;
    const from = Math.max(covered ?? now - 60_000, now - CATCH_UP);
    const { config } = await liveConfig(this.env);
    const users = new Map(config.users.map((u) => [u.id, u]));
    const jobs: HandoffJob[] = handoffNotices(
      watchers(config.users),
      config.schedules,
      new Date(from),
      new Date(now),
    ).flatMap((notice) => {
      const user = users.get(notice.user);
      if (!user) return [];
      return noticeMethods({ handle: notice.user, ...user }).map((contactMethod) => ({
        kind: 'handoff' as const,
        id: `${notice.id}:${contactMethod.id}`,
        user: notice.user,
        contactMethod,
        attempt: 1,
        dueAt: notice.due.toISOString(),
        locale: user.locale,
        timeZone: user.time_zone,
        schedule: notice.schedule,
        layer: notice.layer,
        shiftStart: notice.shiftStart.toISOString(),
        shiftEnd: notice.shiftEnd.toISOString(),
        minutesBefore: notice.minutesBefore,
      }));
    });
    for (let i = 0; i < jobs.length; i += 100) {
      await this.env.NOTIFICATIONS.sendBatch(jobs.slice(i, i + 100).map((body) => ({ body })));
    }
    sql.exec("INSERT OR REPLACE INTO state (key, value) VALUES ('covered_until', ?)", now);
    await this.arm(now);
  }

  private async arm(now: number): Promise<void> {
    const { config } = await liveConfig(this.env);
    const watching = watchers(config.users);
    if (watching.length === 0) {
      await this.ctx.storage.deleteAlarm();
      return;
    }
    const next = nextHandoffNotice(watching, config.schedules, new Date(now), HORIZON);
    await this.ctx.storage.setAlarm(Math.min(next?.getTime() ?? Infinity, now + HOUR));
  }
}

function watchers(users: { id: string; handoff_notices: { minutes_before: number }[] }[]): HandoffWatcher[] {
  return users
    .filter((u) => u.handoff_notices.length > 0)
    .map((u) => ({ handle: u.id, handoff_notices: u.handoff_notices }));
}

export function rescheduleHandoffs(env: Env): Promise<void> {
  return env.HANDOFFS.getByName('handoffs').reschedule();
}
