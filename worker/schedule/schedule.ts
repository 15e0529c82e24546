// On-call schedules as pure functions of time. Each layer is its rotation cut to its restriction
// windows; the layers are united, then the overrides applied in order. Wall-clock times go through
// Temporal in the schedule's zone, resolving missing or repeated local times as 'compatible' does.
import { Temporal } from 'temporal-polyfill';
import { z } from 'zod';

const localDateTimePattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?$/;
const absoluteDateTimePattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** A user handle; whether the user exists is for the caller to check. */
const userHandleSchema = z.string().min(1).max(64);

/** Upper bounds on what one schedule holds. */
export const MAX_LAYERS = 20;
export const MAX_MEMBERS_PER_LAYER = 200;
export const MAX_RESTRICTIONS_PER_LAYER = 50;
export const MAX_OVERRIDES = 500;
/** A rotation turns at least hourly and at most yearly. */
export const MIN_ROTATION_HOURS = 1;
export const MAX_ROTATION_HOURS = 366 * 24;

/** A local date-time in the schedule's zone, or an absolute instant when it carries an offset or Z. */
export const dateTimeSchema = z
  .string()
  .refine(isDateTime, "a date-time is YYYY-MM-DDTHH:mm[:ss], local to the schedule's zone, or with an offset or Z");

export const timeZoneSchema = z.string().refine(isTimeZone, 'not an IANA time zone');

export const timeOfDaySchema = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, 'a time of day is HH:mm');

export const rotationSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('daily') }).strict(),
  z.object({ type: z.literal('weekly') }).strict(),
  z.object({ type: z.literal('custom'), hours: z.number().min(MIN_ROTATION_HOURS).max(MAX_ROTATION_HOURS) }).strict(),
]);

/** On the listed days, on call from `from` to `to`; a `to` at or before `from` is on the next day. */
export const restrictionSchema = z
  .object({
    days: z.array(z.enum(weekdays)).min(1).max(weekdays.length),
    from: timeOfDaySchema,
    to: timeOfDaySchema,
  })
  .strict();

export const layerSchema = z
  .object({
    name: z.string().min(1).max(200),
    start: dateTimeSchema,
    rotation: rotationSchema,
    members: z.array(userHandleSchema).min(1).max(MAX_MEMBERS_PER_LAYER),
    restrictions: z.array(restrictionSchema).max(MAX_RESTRICTIONS_PER_LAYER).default([]),
  })
  .strict();

/** With `replaces`, `user` stands in for that one user; without, `user` alone takes the whole schedule. */
export const overrideSchema = z
  .object({
    user: userHandleSchema,
    replaces: userHandleSchema.optional(),
    start: dateTimeSchema,
    end: dateTimeSchema,
  })
  .strict()
  // A local end and an absolute start can only be compared in the schedule's zone: scheduleSchema does that.
  .refine((o) => !endsTooSoonWithoutZone(o.start, o.end), {
    path: ['end'],
    message: 'an override ends after it starts',
  });

export const scheduleSchema = z
  .object({
    id: z.string().min(1).max(64),
    name: z.string().min(1).max(200),
    /** The team that owns it: that team's admins may change it. */
    team: z.string().min(1).max(64).optional(),
    time_zone: timeZoneSchema,
    layers: z.array(layerSchema).min(1).max(MAX_LAYERS),
    overrides: z.array(overrideSchema).max(MAX_OVERRIDES).default([]),
  })
  .strict()
  .superRefine((schedule, ctx) => {
    const names = new Set<string>();
    schedule.layers.forEach((layer, i) => {
      // Shifts name their layer, so two layers may not share a name.
      if (names.has(layer.name)) {
        ctx.addIssue({ code: 'custom', path: ['layers', i, 'name'], message: `duplicate layer ${layer.name}` });
      }
      names.add(layer.name);
    });
    // Local and absolute times, or local ones around a DST gap, compare only once resolved in the zone.
    // Refinements run even after field issues: skip what those already reported.
    const zone = schedule.time_zone;
    if (!isTimeZone(zone)) return;
    schedule.overrides.forEach((o, i) => {
      if (!isDateTime(o.start) || !isDateTime(o.end) || endsTooSoonWithoutZone(o.start, o.end)) return;
      if (toInstant(o.end, zone) <= toInstant(o.start, zone)) {
        ctx.addIssue({ code: 'custom', path: ['overrides', i, 'end'], message: 'an override ends after it starts' });
      }
    });
  });

export type Weekday = (typeof weekdays)[number];
export type Rotation = z.infer<typeof rotationSchema>;
export type Restriction = z.infer<typeof restrictionSchema>;
export type Layer = z.infer<typeof layerSchema>;
export type Override = z.infer<typeof overrideSchema>;
export type Schedule = z.infer<typeof scheduleSchema>;

/** A half-open stretch of time [start, end). */
export interface Interval {
  start: Date;
  end: Date;
}

/** Who is on call from start to end, and through which layer (null: a whole-schedule override). */
export interface Shift extends Interval {
  user: string;
  layer: string | null;
}

/** A piece of a layer's rotation shift number `index`, which belongs to members[index mod n]. */
export interface RotationShift extends Interval {
  user: string;
  index: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function isDateTime(value: string): boolean {
  try {
    if (localDateTimePattern.test(value)) return Boolean(Temporal.PlainDateTime.from(value));
    if (absoluteDateTimePattern.test(value)) return Boolean(Temporal.Instant.from(value));
  } catch {
    // Well-formed but impossible, such as February 30th.
  }
  return false;
}

function isTimeZone(zone: string): boolean {
  // Temporal also takes offsets such as +09:00 as zones; a schedule needs a named zone with its DST rules.
  if (/^[+-]/.test(zone)) return false;
  try {
    Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(zone);
    return true;
  } catch {
    return false;
  }
}

const isLocal = (dateTime: string) => localDateTimePattern.test(dateTime);

/** Whether `end` is not after `start`, where that shows without a zone: both local or both absolute. */
function endsTooSoonWithoutZone(start: string, end: string): boolean {
  if (!isDateTime(start) || !isDateTime(end) || isLocal(start) !== isLocal(end)) return false;
  const order = isLocal(start)
    ? Temporal.PlainDateTime.compare(Temporal.PlainDateTime.from(end), Temporal.PlainDateTime.from(start))
    : Temporal.Instant.compare(Temporal.Instant.from(end), Temporal.Instant.from(start));
  return order <= 0;
}

/** A wall-clock time in `zone` as epoch ms: a gap pushes it forward by the gap's length, an overlap takes the earlier. */
function resolve(local: Temporal.PlainDateTime, zone: string): number {
  return local.toZonedDateTime(zone, { disambiguation: 'compatible' }).epochMilliseconds;
}

function wallClockAt(ms: number, zone: string): Temporal.PlainDateTime {
  return Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone).toPlainDateTime();
}

/** A config date-time as it reads on the schedule's wall clock (kept as written even in a DST gap). */
function wallClock(dateTime: string, zone: string): Temporal.PlainDateTime {
  if (isLocal(dateTime)) return Temporal.PlainDateTime.from(dateTime);
  return wallClockAt(Temporal.Instant.from(dateTime).epochMilliseconds, zone);
}

function toInstant(dateTime: string, zone: string): number {
  if (isLocal(dateTime)) return resolve(Temporal.PlainDateTime.from(dateTime), zone);
  return Temporal.Instant.from(dateTime).epochMilliseconds;
}

/** The stretch an override covers, in the schedule's zone. */
export function overrideInterval(override: Override, zone: string): Interval {
  return { start: new Date(toInstant(override.start, zone)), end: new Date(toInstant(override.end, zone)) };
}

/** Everyone who takes turns in one of the schedule's layers. */
export function layerMembers(schedule: Schedule): Set<string> {
  return new Set(schedule.layers.flatMap((layer) => layer.members));
}

/** When a layer's handoffs happen: handoff k starts shift k. */
interface Handoffs {
  start: number;
  at(k: number): number;
  /** A guess at the shift under way at t, off by at most one. */
  estimate(t: number): number;
}

function handoffs(layer: Layer, zone: string): Handoffs {
  const start = toInstant(layer.start, zone);
  const { rotation } = layer;
  if (rotation.type === 'custom') {
    // Elapsed hours, so across a DST change the handoff moves on the wall clock.
    const period = rotation.hours * HOUR;
    return { start, at: (k) => start + Math.round(k * period), estimate: (t) => Math.floor((t - start) / period) };
  }
  // Daily and weekly handoffs keep the start's wall-clock time, found afresh on each day, so a shift
  // across a DST change lasts 23 or 25 hours and a start inside a gap is still that time on later days.
  const days = rotation.type === 'daily' ? 1 : 7;
  const anchor = wallClock(layer.start, zone);
  return {
    start,
    at: (k) => (k === 0 ? start : resolve(anchor.add({ days: k * days }), zone)),
    estimate: (t) => Math.floor(anchor.toPlainDate().until(wallClockAt(t, zone).toPlainDate()).days / days),
  };
}

/** The index of the shift under way at t, for t at or after the layer's start. */
function shiftIndexAt(clock: Handoffs, t: number): number {
  let k = Math.max(0, clock.estimate(t));
  while (k > 0 && clock.at(k) > t) k--;
  while (clock.at(k + 1) <= t) k++;
  return k;
}

/** A layer's rotation over [from, to), ignoring restrictions: before its start a layer has nobody. */
export function rotationShifts(layer: Layer, zone: string, from: Date, to: Date): RotationShift[] {
  const clock = handoffs(layer, zone);
  const shifts: RotationShift[] = [];
  let start = Math.max(from.getTime(), clock.start);
  for (let k = start < to.getTime() ? shiftIndexAt(clock, start) : 0; start < to.getTime(); k++) {
    const end = Math.min(clock.at(k + 1), to.getTime());
    // Zero-length only where a zone skips a whole day; that member's turn simply has no time.
    if (end > start) {
      shifts.push({
        user: layer.members[k % layer.members.length]!,
        index: k,
        start: new Date(start),
        end: new Date(end),
      });
    }
    start = Math.max(start, end);
  }
  return shifts;
}

/** The times within [from, to) at which a layer's restrictions let it be on call, merged and sorted. */
export function restrictionWindows(layer: Layer, zone: string, from: Date, to: Date): Interval[] {
  if (from >= to) return [];
  if (layer.restrictions.length === 0) return [{ start: from, end: to }];
  const windows: Interval[] = [];
  const restrictions = layer.restrictions.map((r) => ({
    days: r.days,
    from: Temporal.PlainTime.from(r.from),
    to: Temporal.PlainTime.from(r.to),
  }));
  // A window runs at most into the next day (a little further if its end falls in a gap), so a window
  // opened two days before `from` is the earliest that can reach it.
  const first = wallClockAt(from.getTime(), zone).toPlainDate().subtract({ days: 2 });
  const last = wallClockAt(to.getTime(), zone).toPlainDate();
  for (let day = first; Temporal.PlainDate.compare(day, last) <= 0; day = day.add({ days: 1 })) {
    for (const restriction of restrictions) {
      if (!restriction.days.includes(weekdays[day.dayOfWeek - 1]!)) continue;
      const window = clip(windowOn(day, restriction.from, restriction.to, zone), from, to);
      if (window) windows.push(window);
    }
  }
  return union(windows);
}

function windowOn(day: Temporal.PlainDate, from: Temporal.PlainTime, to: Temporal.PlainTime, zone: string): Interval {
  // A `to` at or before `from` ends the next morning; equal ones make a whole day.
  const endDay = Temporal.PlainTime.compare(to, from) > 0 ? day : day.add({ days: 1 });
  return {
    start: new Date(resolve(day.toPlainDateTime(from), zone)),
    end: new Date(resolve(endDay.toPlainDateTime(to), zone)),
  };
}

/** The parts of rotation shifts that fall inside the windows (both sorted, the windows disjoint). */
export function restrict(shifts: RotationShift[], windows: Interval[]): RotationShift[] {
  const pieces: RotationShift[] = [];
  let w = 0;
  for (const shift of shifts) {
    while (w < windows.length && windows[w]!.end <= shift.start) w++;
    for (let v = w; v < windows.length && windows[v]!.start < shift.end; v++) {
      const piece = clip(shift, windows[v]!.start, windows[v]!.end);
      if (piece) pieces.push(piece);
    }
  }
  return pieces;
}

/** One layer's on-call shifts over [from, to): its rotation cut to its restriction windows. */
export function layerShifts(layer: Layer, zone: string, from: Date, to: Date): Shift[] {
  const pieces = restrict(rotationShifts(layer, zone, from, to), restrictionWindows(layer, zone, from, to));
  return pieces.map(({ user, start, end }) => ({ user, start, end, layer: layer.name }));
}

/** Applies the overrides in the order listed, so where they overlap a later one wins. */
export function applyOverrides(shifts: Shift[], overrides: Override[], zone: string, from: Date, to: Date): Shift[] {
  return overrides.reduce((current, override) => {
    const { user, replaces } = override;
    const range = clip(
      { start: new Date(toInstant(override.start, zone)), end: new Date(toInstant(override.end, zone)) },
      from,
      to,
    );
    if (!range) return current;
    return replaces === undefined ? takeOver(current, range, user) : standIn(current, range, replaces, user);
  }, shifts);
}

/** `user` takes `replaces`'s place, in every layer, for the part of the range `replaces` is on call. */
function standIn(shifts: Shift[], range: Interval, replaces: string, user: string): Shift[] {
  return shifts.flatMap((shift) => {
    const during = shift.user === replaces ? clip(shift, range.start, range.end) : null;
    if (!during) return [shift];
    return [...outside(shift, range), { ...during, user }];
  });
}

/** `user` alone is on call for the range, whatever the layers say. */
function takeOver(shifts: Shift[], range: Interval, user: string): Shift[] {
  return [
    ...shifts.flatMap((shift) => outside(shift, range)),
    { user, layer: null, start: range.start, end: range.end },
  ];
}

/** The parts of a shift before and after the range. */
function outside<T extends Interval>(shift: T, range: Interval): T[] {
  return [clip(shift, shift.start, range.start), clip(shift, range.end, shift.end)].filter((piece) => piece !== null);
}

/** The final on-call shifts over [from, to), sorted by start then layer, same-user pieces of a layer merged. */
export function shiftsBetween(schedule: Schedule, from: Date, to: Date): Shift[] {
  if (from >= to) return [];
  const zone = schedule.time_zone;
  const layered = schedule.layers.flatMap((layer) => layerShifts(layer, zone, from, to));
  return mergeShifts(applyOverrides(layered, schedule.overrides, zone, from, to), schedule);
}

function mergeShifts(shifts: Shift[], schedule: Schedule): Shift[] {
  // A whole-schedule override has no layer; it sorts after the layers (it never shares a start with them).
  const order = (layer: string | null) =>
    layer === null ? schedule.layers.length : schedule.layers.findIndex((l) => l.name === layer);
  const sorted = shifts.toSorted((a, b) => order(a.layer) - order(b.layer) || a.start.getTime() - b.start.getTime());
  const merged: Shift[] = [];
  for (const shift of sorted) {
    const previous = merged.at(-1);
    const continues =
      previous !== undefined &&
      previous.layer === shift.layer &&
      previous.user === shift.user &&
      +previous.end === +shift.start;
    if (continues) {
      previous.end = shift.end;
    } else {
      merged.push({ ...shift });
    }
  }
  return merged.sort((a, b) => a.start.getTime() - b.start.getTime() || order(a.layer) - order(b.layer));
}

/** Who is on call at an instant: one person per layer, in layer order, each named once. */
export function onCallAt(schedule: Schedule, at: Date): string[] {
  const users = shiftsBetween(schedule, at, new Date(at.getTime() + 1)).map((shift) => shift.user);
  return [...new Set(users)];
}

/** The stretches of [from, to) with nobody on call, merged and sorted. */
export function gapsBetween(schedule: Schedule, from: Date, to: Date): Interval[] {
  const gaps: Interval[] = [];
  let covered = from;
  for (const busy of union(shiftsBetween(schedule, from, to))) {
    if (busy.start > covered) gaps.push({ start: covered, end: busy.start });
    covered = busy.end;
  }
  if (covered < to) gaps.push({ start: covered, end: to });
  return gaps;
}

export const NEXT_SHIFT_HORIZON_DAYS = 366;
const SEARCH_STEP = 28 * DAY;

/**
 * The user's first shift that starts at or after `after` (a shift already under way at `after` is not
 * "next"), searched up to NEXT_SHIFT_HORIZON_DAYS ahead; a shift running past that horizon ends there.
 */
export function nextShift(schedule: Schedule, user: string, after: Date): Shift | null {
  const limit = after.getTime() + NEXT_SHIFT_HORIZON_DAYS * DAY;
  for (let from = after.getTime(); from < limit; from += SEARCH_STEP) {
    const to = Math.min(from + SEARCH_STEP, limit);
    // Starting a millisecond early tells a shift that starts at `from` from one that runs through it.
    const shifts = shiftsBetween(schedule, new Date(from - 1), new Date(to));
    const shift = shifts.find((s) => s.user === user && s.start.getTime() >= from);
    if (shift) return shift.end.getTime() < to ? shift : { ...shift, end: endOf(schedule, shift, limit) };
  }
  return null;
}

/** Where a shift found cut off at the end of a search step really ends (at the latest, `limit`). */
function endOf(schedule: Schedule, shift: Shift, limit: number): Date {
  let end = shift.end.getTime();
  while (end < limit) {
    const to = Math.min(end + SEARCH_STEP, limit);
    const rest = shiftsBetween(schedule, new Date(end - 1), new Date(to)).find(
      (s) => s.user === shift.user && s.layer === shift.layer && s.start.getTime() === end - 1,
    );
    if (!rest || rest.end.getTime() < to) return rest?.end ?? new Date(end);
    end = to;
  }
  return new Date(end);
}

function clip<T extends Interval>(interval: T, from: Date, to: Date): T | null {
  const start = interval.start > from ? interval.start : from;
  const end = interval.end < to ? interval.end : to;
  return start < end ? { ...interval, start, end } : null;
}

/** Overlapping or touching intervals joined, sorted by start. */
function union(intervals: Interval[]): Interval[] {
  const joined: Interval[] = [];
  for (const { start, end } of intervals.toSorted((a, b) => a.start.getTime() - b.start.getTime())) {
    const last = joined.at(-1);
    if (last && start <= last.end) {
      if (end > last.end) last.end = end;
    } else {
      joined.push({ start, end });
    }
  }
  return joined;
}
