// On-call load: the hours each responder held, split by when they fell on the viewer's wall clock —
// business hours, off hours, weekends and public holidays, each moment counted once, by precedence
// holiday > weekend > off hours > business. The figures teams use for on-call pay and fairness.
import { Temporal } from 'temporal-polyfill';
import { holidaysIn, type HolidayCalendar } from '../schedule/holidays';
import type { Interval, Shift } from '../schedule/schedule';

/** Monday to Friday from `start` up to `end`, both HH:mm on the zone's wall clock. */
export interface WorkingHours {
  start: string;
  end: string;
}
export const DEFAULT_WORKING_HOURS: WorkingHours = { start: '09:00', end: '18:00' };

export interface LoadHours {
  total: number;
  business: number;
  off_hours: number;
  weekend: number;
  holiday: number;
}

const HOUR = 3_600_000;

/** Each user's shifts merged, so that being on call on two schedules at once counts once. */
export function onCallByUser(shifts: readonly Shift[]): Map<string, Interval[]> {
  const byUser = new Map<string, Interval[]>();
  for (const shift of [...shifts].sort((a, b) => a.start.getTime() - b.start.getTime())) {
    const merged = byUser.get(shift.user) ?? [];
    const last = merged.at(-1);
    if (last && shift.start.getTime() <= last.end.getTime()) {
      if (shift.end > last.end) last.end = shift.end;
    } else {
      merged.push({ start: shift.start, end: shift.end });
    }
    byUser.set(shift.user, merged);
  }
  return byUser;
}

/** The instant a wall-clock time of a day names in the zone (a skipped time moves on past the gap). */
const instantOf = (day: Temporal.PlainDate, time: string, zone: string) =>
  day.toPlainDateTime(Temporal.PlainTime.from(time)).toZonedDateTime(zone, { disambiguation: 'compatible' })
    .epochMilliseconds;

const overlap = (a: number, b: number, c: number, d: number) => Math.max(0, Math.min(b, d) - Math.max(a, c));

/** A local day as instants: where it starts and ends, its kind, and its working hours on a workday. */
interface CalendarDay {
  start: number;
  end: number;
  kind: 'holiday' | 'weekend' | 'workday';
  workStart: number;
  workEnd: number;
  next: Temporal.PlainDate;
}

/**
 * The viewer's calendar: each local day worked out once and kept, since every responder's shifts
 * cross the same days (the time zone arithmetic is what costs).
 */
export function workingCalendar(zone: string, working: WorkingHours, holidays: HolidayCalendar) {
  const days = new Map<string, CalendarDay>();
  const holidayDates = new Map<number, Set<string>>();
  const isHoliday = (day: Temporal.PlainDate) => {
    if (!holidayDates.has(day.year)) {
      holidayDates.set(day.year, new Set(holidaysIn(holidays, day.year).map((h) => h.date)));
    }
    return holidayDates.get(day.year)!.has(day.toString());
  };
  return {
    dateAt: (ms: number) => Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone).toPlainDate(),
    day(date: Temporal.PlainDate): CalendarDay {
      const key = date.toString();
      let day = days.get(key);
      if (!day) {
        const next = date.add({ days: 1 });
        const kind = isHoliday(date) ? 'holiday' : date.dayOfWeek >= 6 ? 'weekend' : 'workday';
        day = {
          start: date.toZonedDateTime(zone).epochMilliseconds,
          end: next.toZonedDateTime(zone).epochMilliseconds,
          kind,
          workStart: kind === 'workday' ? instantOf(date, working.start, zone) : 0,
          workEnd: kind === 'workday' ? instantOf(date, working.end, zone) : 0,
          next,
        };
        days.set(key, day);
      }
      return day;
    },
  };
}
export type WorkingCalendar = ReturnType<typeof workingCalendar>;

/** An interval as ISO instants, as D1 compares them with stored instants. */
export type Window = [start: string, end: string];

/** The working hours of the calendar's workdays inside [from, to): what is not in them is off hours. */
export function workingWindows(calendar: WorkingCalendar, from: Date, to: Date): Window[] {
  const [s, e] = [from.getTime(), to.getTime()];
  const windows: Window[] = [];
  for (let day = calendar.day(calendar.dateAt(s)); day.start < e; day = calendar.day(day.next)) {
    const [start, end] = [Math.max(s, day.workStart), Math.min(e, day.workEnd)];
    if (day.kind === 'workday' && start < end) {
      windows.push([new Date(start).toISOString(), new Date(end).toISOString()]);
    }
  }
  return windows;
}

/** The hours of these intervals, split by the kind of time they fell in. */
export function loadHours(intervals: readonly Interval[], calendar: WorkingCalendar): LoadHours {
  const ms = { business: 0, off_hours: 0, weekend: 0, holiday: 0 };
  for (const { start, end } of intervals) {
    const [s, e] = [start.getTime(), end.getTime()];
    for (let day = calendar.day(calendar.dateAt(s)); day.start < e; day = calendar.day(day.next)) {
      const held = overlap(s, e, day.start, day.end);
      if (day.kind === 'holiday') ms.holiday += held;
      else if (day.kind === 'weekend') ms.weekend += held;
      else {
        const business = overlap(s, e, day.workStart, day.workEnd);
        ms.business += business;
        ms.off_hours += held - business;
      }
    }
  }
  const hours = (n: number) => n / HOUR;
  return {
    total: hours(ms.business + ms.off_hours + ms.weekend + ms.holiday),
    business: hours(ms.business),
    off_hours: hours(ms.off_hours),
    weekend: hours(ms.weekend),
    holiday: hours(ms.holiday),
  };
}
