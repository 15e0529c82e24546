// A service's support hours as the ingest pipeline sees them: a pure stage that tells whether an
// event arriving at `now` is inside the hours, and so what to do about paging. Holidays count as
// outside. Times are read on the wall clock of the hours' zone, through Temporal as schedules are.
import { Temporal } from 'temporal-polyfill';
import { z } from 'zod';
import { holidayCalendarSchema, isHoliday } from '../schedule/holidays';
import { timeOfDaySchema, timeZoneSchema, weekdays } from '../schedule/schedule';
import { handleSchema, urgencySchema } from '../vocabulary';

/** Page as usual or not at all, page at another urgency, or page through another escalation policy. */
export const hoursActionSchema = z.union([
  z.object({ page: z.boolean() }).strict(),
  z.object({ urgency: urgencySchema }).strict(),
  z.object({ escalation_policy: handleSchema }).strict(),
]);
export type HoursAction = z.infer<typeof hoursActionSchema>;

/** On the listed days, from `start` up to `end` ([start, end)); "24:00" ends the hours at midnight. */
export const supportHoursSchema = z
  .object({
    time_zone: timeZoneSchema,
    days: z.array(z.enum(weekdays)).min(1).max(weekdays.length),
    start: timeOfDaySchema,
    end: z.union([timeOfDaySchema, z.literal('24:00')]),
    holidays: holidayCalendarSchema.default('none'),
    inside: hoursActionSchema,
    outside: hoursActionSchema,
  })
  .strict()
  // HH:mm strings compare as the times they name.
  .refine((hours) => hours.end > hours.start, { path: ['end'], message: 'support hours end after they start' });
export type SupportHours = z.infer<typeof supportHoursSchema>;

export interface HoursDecision {
  inside: boolean;
  action: HoursAction;
}

/** Whether `now` is inside the support hours, and the action configured for that side of them. */
export function supportHoursDecision(hours: SupportHours, now: Date): HoursDecision {
  const inside = withinHours(hours, now);
  return { inside, action: inside ? hours.inside : hours.outside };
}

/** Whether `now` falls in the support hours: a listed day that is not a holiday, between start and end. */
export function withinHours(hours: SupportHours, now: Date): boolean {
  const zone = hours.time_zone;
  const day = Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(zone).toPlainDate();
  if (!hours.days.includes(weekdays[day.dayOfWeek - 1]!)) return false;
  if (isHoliday(hours.holidays, day.toString())) return false;
  // The day's hours as instants, resolved as schedules resolve times: a repeated hour at a DST change
  // does not open them twice, and a time the clock skips moves on by the length of the gap.
  const start = resolve(day, hours.start, zone);
  const end = hours.end === '24:00' ? resolve(day.add({ days: 1 }), '00:00', zone) : resolve(day, hours.end, zone);
  return start <= now.getTime() && now.getTime() < end;
}

function resolve(day: Temporal.PlainDate, time: string, zone: string): number {
  return day.toPlainDateTime(Temporal.PlainTime.from(time)).toZonedDateTime(zone, { disambiguation: 'compatible' })
    .epochMilliseconds;
}
