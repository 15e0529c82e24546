// Handoff notices: a user asked to be told when a shift of theirs starts (at its start, or some
// minutes before). Pure: which notices fall due in a span of time, and when the next one does.
import { shiftsBetween, type Schedule } from './schedule';

export interface HandoffWatcher {
  handle: string;
  handoff_notices: { minutes_before: number }[];
}

export interface HandoffNotice {
  /** The idempotency key: one notice per user, schedule, shift start and lead time. */
  id: string;
  user: string;
  schedule: { id: string; name: string };
  layer: string | null;
  shiftStart: Date;
  shiftEnd: Date;
  minutesBefore: number;
  due: Date;
}

const MINUTE = 60_000;
/** How far past a shift's start its end is looked for (a longer shift is told as ending then). */
const SHIFT_END_HORIZON = 14 * 24 * 60 * MINUTE;

/** Notices due in (from, to]: shifts that really start then (not ones merely under way at `from`). */
export function handoffNotices(
  watchers: HandoffWatcher[],
  schedules: Schedule[],
  from: Date,
  to: Date,
): HandoffNotice[] {
  const notices: HandoffNotice[] = [];
  for (const watcher of watchers) {
    for (const { minutes_before } of watcher.handoff_notices) {
      const lead = minutes_before * MINUTE;
      const start = from.getTime() + lead;
      const end = to.getTime() + lead;
      for (const schedule of schedules) {
        for (const shift of shiftsBetween(schedule, new Date(start), new Date(end + SHIFT_END_HORIZON))) {
          // A shift under way at the start of the span comes back cut at it: that is no handoff.
          if (shift.user !== watcher.handle || shift.start.getTime() <= start || shift.start.getTime() > end) continue;
          notices.push({
            id: `handoff:${watcher.handle}:${schedule.id}:${shift.start.toISOString()}:${minutes_before}`,
            user: watcher.handle,
            schedule: { id: schedule.id, name: schedule.name },
            layer: shift.layer,
            shiftStart: shift.start,
            shiftEnd: shift.end,
            minutesBefore: minutes_before,
            due: new Date(shift.start.getTime() - lead),
          });
        }
      }
    }
  }
  return notices.sort((a, b) => a.due.getTime() - b.due.getTime() || a.id.localeCompare(b.id));
}

/** When the next notice falls due after `after`, looking `horizonMs` ahead; null if none does. */
export function nextHandoffNotice(
  watchers: HandoffWatcher[],
  schedules: Schedule[],
  after: Date,
  horizonMs: number,
): Date | null {
  const [first] = handoffNotices(watchers, schedules, after, new Date(after.getTime() + horizonMs));
  return first ? first.due : null;
}
