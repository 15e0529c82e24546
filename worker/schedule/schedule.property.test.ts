import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import {
  gapsBetween,
  layerSchema,
  onCallAt,
  rotationShifts,
  scheduleSchema,
  shiftsBetween,
  weekdays,
  type Interval,
  type Schedule,
  type Shift,
} from './schedule';

const HOUR = 3_600_000;
const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Seoul', 'Australia/Lord_Howe', 'UTC'] as const;
const people = ['ann', 'bob', 'cy', 'dee', 'eve'];
const origin = Temporal.PlainDate.from('2025-01-01');

const zone = fc.constantFrom(...zones);

/** A local date-time within three years, often at the hours DST changes happen around. */
const localDateTime = fc
  .record({
    day: fc.integer({ min: 0, max: 3 * 365 }),
    minute: fc.oneof(fc.integer({ min: 0, max: 1439 }), fc.constantFrom(0, 60, 90, 120, 135, 150, 180, 1410)),
  })
  .map(({ day, minute }) =>
    origin.add({ days: day }).toPlainDateTime({ hour: Math.floor(minute / 60), minute: minute % 60 }),
  );

const rotation = fc.oneof(
  fc.constant({ type: 'daily' as const }),
  fc.constant({ type: 'weekly' as const }),
  fc.record({
    type: fc.constant('custom' as const),
    hours: fc.oneof(fc.integer({ min: 1, max: 200 }), fc.constantFrom(1.5, 7.25)),
  }),
);

const members = fc.array(fc.constantFrom(...people), { minLength: 1, maxLength: 5 });

const timeOfDay = fc.constantFrom('00:00', '02:00', '02:30', '03:00', '09:00', '12:15', '18:00', '23:30');
const restriction = fc.record({ days: fc.subarray([...weekdays], { minLength: 1 }), from: timeOfDay, to: timeOfDay });

const minuteString = (local: Temporal.PlainDateTime) => local.toString({ smallestUnit: 'minute' });
const instantOf = (local: Temporal.PlainDateTime, zone: string) =>
  local.toZonedDateTime(zone, { disambiguation: 'compatible' }).epochMilliseconds;

/** A range placed around `around`, sometimes starting before it. */
const range = fc.record({
  offsetHours: fc.integer({ min: -24 * 30, max: 24 * 60 }),
  lengthHours: fc.integer({ min: 1, max: 24 * 45 }),
});

describe('rotation shifts (property)', () => {
  it('tile [max(from, start), to) with members taking turns in order', () => {
    fc.assert(
      fc.property(
        zone,
        localDateTime,
        rotation,
        members,
        range,
        (zone, start, rotation, members, { offsetHours, lengthHours }) => {
          const layer = layerSchema.parse({ name: 'L', start: minuteString(start), rotation, members });
          const layerStart = instantOf(start, zone);
          const from = new Date(layerStart + offsetHours * HOUR);
          const to = new Date(from.getTime() + lengthHours * HOUR);
          const shifts = rotationShifts(layer, zone, from, to);

          const first = Math.max(from.getTime(), layerStart);
          if (first >= to.getTime()) {
            expect(shifts).toEqual([]);
            return;
          }
          expect(shifts[0]!.start.getTime()).toBe(first);
          expect(shifts.at(-1)!.end).toEqual(to);
          shifts.forEach((shift, i) => {
            expect(shift.end.getTime()).toBeGreaterThan(shift.start.getTime());
            expect(shift.user).toBe(members[shift.index % members.length]);
            const next = shifts[i + 1];
            if (next) {
              expect(next.start).toEqual(shift.end);
              expect(next.index).toBe(shift.index + 1);
            }
          });
          for (const shift of shifts) {
            // Each shift runs from its handoff (or the range start) to the next handoff (or the range end).
            expect(shift.start.getTime()).toBe(
              Math.max(first, handoffAt(shift.index, start, layerStart, rotation, zone)),
            );
            expect(shift.end.getTime()).toBe(
              Math.min(to.getTime(), handoffAt(shift.index + 1, start, layerStart, rotation, zone)),
            );
          }
          for (const shift of shifts.slice(1)) expect(keepsWallClock(shift, start, rotation, zone)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  }, 20_000);
});

type RotationConfig = { type: 'daily' | 'weekly' } | { type: 'custom'; hours: number };

/** Handoff k as the issue defines it: start + k periods, in elapsed hours or on the wall clock. */
function handoffAt(
  k: number,
  start: Temporal.PlainDateTime,
  startInstant: number,
  rotation: RotationConfig,
  zone: string,
): number {
  if (rotation.type === 'custom') return startInstant + k * rotation.hours * HOUR;
  return instantOf(start.add({ days: k * (rotation.type === 'daily' ? 1 : 7) }), zone);
}

/** Whether a daily or weekly handoff falls on its day at the start's wall-clock time, or that time does not exist then. */
function keepsWallClock(
  shift: { start: Date; index: number },
  start: Temporal.PlainDateTime,
  rotation: RotationConfig,
  zone: string,
): boolean {
  if (rotation.type === 'custom') return true;
  const local = Temporal.Instant.fromEpochMilliseconds(shift.start.getTime()).toZonedDateTimeISO(zone);
  const expected = start.add({ days: shift.index * (rotation.type === 'daily' ? 1 : 7) });
  if (!local.toPlainDate().equals(expected.toPlainDate())) return false;
  if (local.toPlainTime().equals(expected.toPlainTime())) return true;
  try {
    expected.toZonedDateTime(zone, { disambiguation: 'reject' });
    return false;
  } catch {
    return true;
  }
}

const layerConfig = fc.record({
  start: fc.integer({ min: -24 * 40, max: 24 * 10 }),
  rotation,
  members,
  restrictions: fc.array(restriction, { maxLength: 2 }),
});
const overrideConfig = fc.record({
  user: fc.constantFrom(...people, 'sub'),
  replaces: fc.option(fc.constantFrom(...people), { nil: undefined }),
  start: fc.integer({ min: -24 * 2, max: 24 * 25 }),
  hours: fc.integer({ min: 2, max: 72 }),
});

/** A schedule whose layers and overrides sit around `base`, and a range near it, as hour offsets. */
const scheduleAndRange = fc
  .record({
    zone,
    base: localDateTime,
    layers: fc.array(layerConfig, { minLength: 1, maxLength: 3 }),
    overrides: fc.array(overrideConfig, { maxLength: 3 }),
    from: fc.integer({ min: -24 * 2, max: 24 * 10 }),
    lengthHours: fc.integer({ min: 1, max: 24 * 21 }),
  })
  .map(({ zone, base, layers, overrides, from, lengthHours }) => {
    const local = (hours: number) => minuteString(base.add({ hours }));
    const schedule = scheduleSchema.parse({
      id: 's',
      name: 'S',
      time_zone: zone,
      layers: layers.map((l, i) => ({ ...l, name: `L${i}`, start: local(l.start) })),
      overrides: overrides.map((o) => ({
        user: o.user,
        replaces: o.replaces,
        start: local(o.start),
        end: local(o.start + o.hours),
      })),
    });
    const start = instantOf(base.add({ hours: from }), zone);
    return { schedule, from: new Date(start), to: new Date(start + lengthHours * HOUR) };
  });

const fraction = fc.double({ min: 0, max: 1, noNaN: true });

const layerOrder = (schedule: Schedule, layer: string | null) =>
  layer === null ? schedule.layers.length : schedule.layers.findIndex((l) => l.name === layer);

/** Who the shifts put on call at t: by layer, each named once. */
function onCallPerShifts(schedule: Schedule, shifts: Shift[], t: number): string[] {
  const covering = shifts.filter((s) => s.start.getTime() <= t && t < s.end.getTime());
  return [
    ...new Set(
      covering.toSorted((a, b) => layerOrder(schedule, a.layer) - layerOrder(schedule, b.layer)).map((s) => s.user),
    ),
  ];
}

describe('schedules (property)', () => {
  it('onCallAt agrees with shiftsBetween at any instant, including every shift boundary', () => {
    fc.assert(
      fc.property(
        scheduleAndRange,
        fc.array(fraction, { minLength: 3, maxLength: 3 }),
        ({ schedule, from, to }, fractions) => {
          const shifts = shiftsBetween(schedule, from, to);
          const span = to.getTime() - from.getTime();
          const probes = [
            ...fractions.map((f) => from.getTime() + Math.min(span - 1, Math.floor(f * span))),
            ...shifts.flatMap((s) => [s.start.getTime(), s.end.getTime() - 1]),
          ].slice(0, 20);
          for (const t of probes)
            expect(onCallAt(schedule, new Date(t)), new Date(t).toISOString()).toEqual(
              onCallPerShifts(schedule, shifts, t),
            );
        },
      ),
      { numRuns: 120 },
    );
  }, 20_000);

  it('gaps and shifts together cover the range exactly once', () => {
    fc.assert(
      fc.property(scheduleAndRange, ({ schedule, from, to }) => {
        const shifts = shiftsBetween(schedule, from, to);
        const gaps = gapsBetween(schedule, from, to);
        const pieces = [...union(shifts), ...gaps].sort((a, b) => a.start.getTime() - b.start.getTime());
        expect(pieces[0]!.start).toEqual(from);
        expect(pieces.at(-1)!.end).toEqual(to);
        pieces.slice(1).forEach((piece, i) => expect(piece.start).toEqual(pieces[i]!.end));
        // Gaps come merged: two never touch.
        gaps.slice(1).forEach((gap, i) => expect(gap.start.getTime()).toBeGreaterThan(gaps[i]!.end.getTime()));
      }),
      { numRuns: 120 },
    );
  }, 20_000);

  it('has at most one person per layer at a time, and nobody beside a whole-schedule override', () => {
    fc.assert(
      fc.property(scheduleAndRange, ({ schedule, from, to }) => {
        const shifts = shiftsBetween(schedule, from, to);
        for (const [i, a] of shifts.entries()) {
          for (const b of shifts.slice(i + 1)) {
            const overlap = a.start < b.end && b.start < a.end;
            if (overlap)
              expect(a.layer !== b.layer && a.layer !== null && b.layer !== null, `${a.layer} ${b.layer}`).toBe(true);
          }
        }
      }),
      { numRuns: 120 },
    );
  }, 20_000);

  it('gives the same shifts for a range as for its two halves joined', () => {
    fc.assert(
      fc.property(scheduleAndRange, fraction, ({ schedule, from, to }, fraction) => {
        const mid = new Date(from.getTime() + Math.floor(fraction * (to.getTime() - from.getTime())));
        const joined = join(shiftsBetween(schedule, from, mid), shiftsBetween(schedule, mid, to), mid);
        const byStartAndLayer = (a: Shift, b: Shift) =>
          a.start.getTime() - b.start.getTime() || layerOrder(schedule, a.layer) - layerOrder(schedule, b.layer);
        expect(joined.sort(byStartAndLayer)).toEqual(shiftsBetween(schedule, from, to));
      }),
      { numRuns: 80 },
    );
  }, 20_000);
});

/** The shifts of two adjacent ranges, with each shift cut at `at` put back together. */
function join(before: Shift[], after: Shift[], at: Date): Shift[] {
  const continues = (s: Shift, r: Shift) =>
    +s.end === +at && +r.start === +at && r.user === s.user && r.layer === s.layer;
  return [
    ...before.map((s) => {
      const rest = after.find((r) => continues(s, r));
      return rest ? { ...s, end: rest.end } : s;
    }),
    ...after.filter((r) => !before.some((s) => continues(s, r))),
  ];
}

function union(intervals: Interval[]): Interval[] {
  const joined: Interval[] = [];
  for (const { start, end } of intervals.toSorted((a, b) => a.start.getTime() - b.start.getTime())) {
    const last = joined.at(-1);
    if (last && start <= last.end) last.end = end > last.end ? end : last.end;
    else joined.push({ start, end });
  }
  return joined;
}
