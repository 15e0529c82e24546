import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  gapsBetween,
  layerSchema,
  nextShift,
  onCallAt,
  overrideSchema,
  restrictionWindows,
  rotationShifts,
  scheduleSchema,
  shiftsBetween,
  type Schedule,
} from './schedule';

const at = (instant: string) => new Date(instant);
const HOUR = 3_600_000;

/** A schedule from its config shape, with an id and name filled in. */
function schedule(fields: Record<string, unknown>): Schedule {
  return scheduleSchema.parse({ id: 'test', name: 'Test', ...fields });
}

function layer(fields: Record<string, unknown>) {
  return layerSchema.parse({ name: 'Layer', members: ['a', 'b', 'c'], ...fields });
}

/** Shifts as readable instants, for comparing whole timelines. */
function timeline(shifts: { user: string; start: Date; end: Date; layer?: string | null }[]) {
  return shifts.map(
    (s) => `${s.user} ${s.start.toISOString()} → ${s.end.toISOString()}${s.layer === null ? ' (override)' : ''}`,
  );
}

const hours = (s: { start: Date; end: Date }) => (s.end.getTime() - s.start.getTime()) / HOUR;

const primaryYaml = `
schedules:
  - id: primary
    name: Primary
    time_zone: Asia/Seoul
    layers:
      - name: Weekdays
        start: 2026-11-02T09:00          # wall-clock time in the schedule's zone
        rotation: { type: weekly }        # daily | weekly | custom with hours: N
        members: [kim, lee, park]
        restrictions:
          - { days: [mon, tue, wed, thu, fri], from: "09:00", to: "18:00" }
    overrides:
      - { user: park, replaces: kim, start: 2026-12-24T00:00, end: 2026-12-26T00:00 }
      - { user: lee, start: 2027-01-01T00:00, end: 2027-01-02T00:00 }   # no \`replaces\`: takes the whole schedule
`;
const primary = scheduleSchema.parse(parse(primaryYaml).schedules[0]);

describe('the Seoul weekday schedule from the config example', () => {
  it('parses from YAML with local date-times as strings', () => {
    expect(primary.layers[0]!.start).toBe('2026-11-02T09:00');
    expect(primary.overrides).toHaveLength(2);
  });

  it('puts the first member on call from the layer start', () => {
    expect(onCallAt(primary, at('2026-11-02T09:00+09:00'))).toEqual(['kim']);
    expect(onCallAt(primary, at('2026-11-06T17:59:59.999+09:00'))).toEqual(['kim']);
  });

  it('hands the week to the next member', () => {
    expect(onCallAt(primary, at('2026-11-09T10:00+09:00'))).toEqual(['lee']);
    expect(onCallAt(primary, at('2026-11-16T09:00+09:00'))).toEqual(['park']);
    expect(onCallAt(primary, at('2026-11-23T09:00+09:00'))).toEqual(['kim']);
  });

  it('has nobody before the layer start, on weekends, or from 18:00', () => {
    expect(onCallAt(primary, at('2026-11-02T08:59:59+09:00'))).toEqual([]);
    expect(onCallAt(primary, at('2026-10-28T10:00+09:00'))).toEqual([]);
    expect(onCallAt(primary, at('2026-11-07T12:00+09:00'))).toEqual([]);
    expect(onCallAt(primary, at('2026-11-02T18:00+09:00'))).toEqual([]);
  });

  it('ignores a stand-in for someone who is not on call in its range', () => {
    // The week of 21 December is lee's, so "park replaces kim" changes nothing.
    expect(onCallAt(primary, at('2026-12-24T10:00+09:00'))).toEqual(['lee']);
  });

  it('gives the whole schedule to an override without `replaces`, even outside the restrictions', () => {
    expect(onCallAt(primary, at('2026-12-31T10:00+09:00'))).toEqual(['park']);
    expect(onCallAt(primary, at('2027-01-01T00:00+09:00'))).toEqual(['lee']);
    expect(onCallAt(primary, at('2027-01-01T10:00+09:00'))).toEqual(['lee']);
    expect(onCallAt(primary, at('2027-01-02T00:00+09:00'))).toEqual([]);
  });

  it('lists a week as five day shifts', () => {
    expect(timeline(shiftsBetween(primary, at('2026-11-09T00:00+09:00'), at('2026-11-16T00:00+09:00')))).toEqual([
      'lee 2026-11-09T00:00:00.000Z → 2026-11-09T09:00:00.000Z',
      'lee 2026-11-10T00:00:00.000Z → 2026-11-10T09:00:00.000Z',
      'lee 2026-11-11T00:00:00.000Z → 2026-11-11T09:00:00.000Z',
      'lee 2026-11-12T00:00:00.000Z → 2026-11-12T09:00:00.000Z',
      'lee 2026-11-13T00:00:00.000Z → 2026-11-13T09:00:00.000Z',
    ]);
  });

  it('shows the nights and the weekend as gaps', () => {
    const gaps = gapsBetween(primary, at('2026-11-02T00:00+09:00'), at('2026-11-09T00:00+09:00'));
    expect(timeline(gaps.map((g) => ({ ...g, user: '-' })))).toEqual([
      '- 2026-11-01T15:00:00.000Z → 2026-11-02T00:00:00.000Z',
      '- 2026-11-02T09:00:00.000Z → 2026-11-03T00:00:00.000Z',
      '- 2026-11-03T09:00:00.000Z → 2026-11-04T00:00:00.000Z',
      '- 2026-11-04T09:00:00.000Z → 2026-11-05T00:00:00.000Z',
      '- 2026-11-05T09:00:00.000Z → 2026-11-06T00:00:00.000Z',
      '- 2026-11-06T09:00:00.000Z → 2026-11-08T15:00:00.000Z',
    ]);
  });

  it('fills a gap with a whole-schedule override', () => {
    const gaps = gapsBetween(primary, at('2027-01-01T00:00+09:00'), at('2027-01-02T00:00+09:00'));
    expect(gaps).toEqual([]);
    expect(shiftsBetween(primary, at('2027-01-01T00:00+09:00'), at('2027-01-02T00:00+09:00'))).toEqual([
      { user: 'lee', layer: null, start: at('2027-01-01T00:00+09:00'), end: at('2027-01-02T00:00+09:00') },
    ]);
  });
});

describe('daily and weekly handoffs keep the wall-clock time across DST', () => {
  it('gives 23- and 25-hour daily shifts on the Berlin change days', () => {
    const berlin = layer({ start: '2026-03-01T09:00', rotation: { type: 'daily' } });
    const spring = rotationShifts(berlin, 'Europe/Berlin', at('2026-03-28T09:00+01:00'), at('2026-03-30T09:00+02:00'));
    expect(spring.map((s) => s.start)).toEqual([at('2026-03-28T09:00+01:00'), at('2026-03-29T09:00+02:00')]);
    expect(spring.map(hours)).toEqual([23, 24]);

    const autumn = rotationShifts(berlin, 'Europe/Berlin', at('2026-10-24T09:00+02:00'), at('2026-10-26T09:00+01:00'));
    expect(autumn.map((s) => s.start)).toEqual([at('2026-10-24T09:00+02:00'), at('2026-10-25T09:00+01:00')]);
    expect(autumn.map(hours)).toEqual([25, 24]);
  });

  it('gives 23- and 25-hour daily shifts on the New York change days', () => {
    const newYork = layer({ start: '2026-01-01T08:00', rotation: { type: 'daily' } });
    const spring = rotationShifts(
      newYork,
      'America/New_York',
      at('2026-03-07T08:00-05:00'),
      at('2026-03-08T08:00-04:00'),
    );
    expect(spring).toHaveLength(1);
    expect(hours(spring[0]!)).toBe(23);
    const autumn = rotationShifts(
      newYork,
      'America/New_York',
      at('2026-10-31T08:00-04:00'),
      at('2026-11-01T08:00-05:00'),
    );
    expect(autumn).toHaveLength(1);
    expect(hours(autumn[0]!)).toBe(25);
  });

  it('numbers shifts from the start and gives shift k to members[k mod n]', () => {
    const daily = layer({ start: '2026-03-01T09:00', rotation: { type: 'daily' } });
    const shifts = rotationShifts(daily, 'Europe/Berlin', at('2026-03-29T12:00+02:00'), at('2026-03-31T12:00+02:00'));
    expect(shifts.map((s) => [s.index, s.user])).toEqual([
      [28, 'b'],
      [29, 'c'],
      [30, 'a'],
    ]);
    expect(shifts[0]!.start).toEqual(at('2026-03-29T12:00+02:00'));
  });

  it('moves a 02:30 start on a spring-forward day to 03:30 and keeps 02:30 on later days', () => {
    const gap = layer({ start: '2026-03-29T02:30', rotation: { type: 'daily' } });
    const shifts = rotationShifts(gap, 'Europe/Berlin', at('2026-03-28T00:00Z'), at('2026-03-31T00:30Z'));
    expect(timeline(shifts)).toEqual([
      'a 2026-03-29T01:30:00.000Z → 2026-03-30T00:30:00.000Z',
      'b 2026-03-30T00:30:00.000Z → 2026-03-31T00:30:00.000Z',
    ]);
  });

  it('hands off at a 02:30 that does not exist on a later day an hour later, then back at 02:30', () => {
    const weekly = layer({ start: '2026-03-01T02:30', rotation: { type: 'weekly' } });
    const shifts = rotationShifts(weekly, 'America/New_York', at('2026-03-01T07:30Z'), at('2026-03-16T00:00Z'));
    expect(shifts.map((s) => s.start)).toEqual([
      at('2026-03-01T02:30-05:00'),
      at('2026-03-08T03:30-04:00'),
      at('2026-03-15T02:30-04:00'),
    ]);
  });

  it('takes the earlier of a repeated 02:30 on a fall-back day', () => {
    const daily = layer({ start: '2026-10-20T02:30', rotation: { type: 'daily' } });
    const shifts = rotationShifts(daily, 'Europe/Berlin', at('2026-10-24T12:00Z'), at('2026-10-26T12:00Z'));
    expect(shifts.map((s) => s.start.toISOString())).toEqual([
      '2026-10-24T12:00:00.000Z',
      '2026-10-25T00:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
    ]);
    expect(hours(shifts[1]!)).toBe(25);
  });

  it('reads a start with an offset as an instant and hands off at its wall-clock time', () => {
    const absolute = layer({ start: '2026-11-02T00:00Z', rotation: { type: 'weekly' } });
    const shifts = rotationShifts(absolute, 'Asia/Seoul', at('2026-11-01T00:00Z'), at('2026-11-10T00:00Z'));
    expect(shifts.map((s) => s.start)).toEqual([at('2026-11-02T09:00+09:00'), at('2026-11-09T09:00+09:00')]);
  });
});

describe('custom rotations hand off every N elapsed hours', () => {
  it('moves a 12-hour handoff on the wall clock across a DST change', () => {
    const custom = layer({
      start: '2026-03-28T08:00',
      rotation: { type: 'custom', hours: 12 },
      members: ['day', 'night'],
    });
    const shifts = rotationShifts(custom, 'Europe/Berlin', at('2026-03-28T00:00Z'), at('2026-03-29T19:00Z'));
    expect(timeline(shifts)).toEqual([
      'day 2026-03-28T07:00:00.000Z → 2026-03-28T19:00:00.000Z',
      'night 2026-03-28T19:00:00.000Z → 2026-03-29T07:00:00.000Z',
      'day 2026-03-29T07:00:00.000Z → 2026-03-29T19:00:00.000Z',
    ]);
    // 08:00 before the change, 09:00 after it.
    expect(shifts[2]!.start).toEqual(at('2026-03-29T09:00+02:00'));
    expect(shifts.every((s) => hours(s) === 12)).toBe(true);
  });
});

describe('restrictions', () => {
  const nights = layer({
    start: '2026-11-01T00:00',
    rotation: { type: 'weekly' },
    members: ['kim'],
    restrictions: [{ days: ['mon'], from: '18:00', to: '09:00' }],
  });
  const nightSchedule = schedule({ time_zone: 'Asia/Seoul', layers: [nights] });

  it('runs a window from 18:00 to 09:00 into the next morning of the listed day', () => {
    const windows = restrictionWindows(
      nights,
      'Asia/Seoul',
      at('2026-11-01T00:00+09:00'),
      at('2026-11-08T00:00+09:00'),
    );
    expect(windows).toEqual([{ start: at('2026-11-02T18:00+09:00'), end: at('2026-11-03T09:00+09:00') }]);
    expect(onCallAt(nightSchedule, at('2026-11-02T17:59+09:00'))).toEqual([]);
    expect(onCallAt(nightSchedule, at('2026-11-03T08:59+09:00'))).toEqual(['kim']);
    expect(onCallAt(nightSchedule, at('2026-11-03T09:00+09:00'))).toEqual([]);
    expect(onCallAt(nightSchedule, at('2026-11-03T20:00+09:00'))).toEqual([]);
  });

  it('clips a window opened the day before the range to the range', () => {
    const windows = restrictionWindows(
      nights,
      'Asia/Seoul',
      at('2026-11-03T03:00+09:00'),
      at('2026-11-04T00:00+09:00'),
    );
    expect(windows).toEqual([{ start: at('2026-11-03T03:00+09:00'), end: at('2026-11-03T09:00+09:00') }]);
  });

  it('covers 24 hours from `from` when `from` equals `to`', () => {
    const allDay = layer({
      start: '2026-01-01T00:00',
      rotation: { type: 'daily' },
      restrictions: [{ days: ['wed'], from: '10:00', to: '10:00' }],
    });
    expect(
      restrictionWindows(allDay, 'Asia/Seoul', at('2026-11-01T00:00+09:00'), at('2026-11-08T00:00+09:00')),
    ).toEqual([{ start: at('2026-11-04T10:00+09:00'), end: at('2026-11-05T10:00+09:00') }]);
  });

  it('resolves window ends on DST days in the zone, so a 24-hour window on a spring-forward day is 23 hours', () => {
    const sunday = layer({
      start: '2026-01-01T00:00',
      rotation: { type: 'daily' },
      restrictions: [{ days: ['sun'], from: '00:00', to: '00:00' }],
    });
    const [window] = restrictionWindows(sunday, 'Europe/Berlin', at('2026-03-28T00:00Z'), at('2026-04-01T00:00Z'));
    expect(window).toEqual({ start: at('2026-03-29T00:00+01:00'), end: at('2026-03-30T00:00+02:00') });
    expect(hours(window!)).toBe(23);
  });

  it('joins overlapping restrictions into one window', () => {
    const overlapping = layer({
      start: '2026-01-01T00:00',
      rotation: { type: 'daily' },
      restrictions: [
        { days: ['mon'], from: '09:00', to: '13:00' },
        { days: ['mon'], from: '12:00', to: '18:00' },
        { days: ['mon'], from: '18:00', to: '19:00' },
      ],
    });
    expect(restrictionWindows(overlapping, 'UTC', at('2026-11-02T00:00Z'), at('2026-11-03T00:00Z'))).toEqual([
      { start: at('2026-11-02T09:00Z'), end: at('2026-11-02T19:00Z') },
    ]);
  });

  it('cuts a shift where a window ends and the next member starts inside the next window', () => {
    const business = schedule({
      time_zone: 'UTC',
      layers: [
        {
          name: 'Day',
          start: '2026-11-02T12:00',
          rotation: { type: 'daily' },
          members: ['a', 'b'],
          restrictions: [{ days: ['mon', 'tue'], from: '09:00', to: '17:00' }],
        },
      ],
    });
    expect(timeline(shiftsBetween(business, at('2026-11-02T00:00Z'), at('2026-11-04T00:00Z')))).toEqual([
      'a 2026-11-02T12:00:00.000Z → 2026-11-02T17:00:00.000Z',
      'a 2026-11-03T09:00:00.000Z → 2026-11-03T12:00:00.000Z',
      'b 2026-11-03T12:00:00.000Z → 2026-11-03T17:00:00.000Z',
    ]);
  });
});

describe('overrides', () => {
  // Daily in UTC: a on 1 January, b on the 2nd, c on the 3rd, a on the 4th.
  const withOverrides = (...overrides: unknown[]) =>
    schedule({
      time_zone: 'UTC',
      layers: [{ name: 'Daily', start: '2026-01-01T00:00', rotation: { type: 'daily' }, members: ['a', 'b', 'c'] }],
      overrides,
    });
  const january = (s: Schedule) => timeline(shiftsBetween(s, at('2026-01-01T00:00Z'), at('2026-01-04T00:00Z')));

  it('swaps a whole shift when it starts and ends at handoffs', () => {
    expect(
      january(withOverrides({ user: 'x', replaces: 'b', start: '2026-01-02T00:00', end: '2026-01-03T00:00' })),
    ).toEqual([
      'a 2026-01-01T00:00:00.000Z → 2026-01-02T00:00:00.000Z',
      'x 2026-01-02T00:00:00.000Z → 2026-01-03T00:00:00.000Z',
      'c 2026-01-03T00:00:00.000Z → 2026-01-04T00:00:00.000Z',
    ]);
  });

  it('ends exactly at a handoff, where the incoming member takes over', () => {
    const s = withOverrides({ user: 'x', replaces: 'a', start: '2026-01-01T12:00', end: '2026-01-02T00:00' });
    expect(onCallAt(s, at('2026-01-01T11:59:59.999Z'))).toEqual(['a']);
    expect(onCallAt(s, at('2026-01-01T12:00Z'))).toEqual(['x']);
    expect(onCallAt(s, at('2026-01-02T00:00Z'))).toEqual(['b']);
  });

  it('replaces a user only where that user is on call in its range', () => {
    expect(
      january(withOverrides({ user: 'x', replaces: 'a', start: '2026-01-01T12:00', end: '2026-01-03T12:00' })),
    ).toEqual([
      'a 2026-01-01T00:00:00.000Z → 2026-01-01T12:00:00.000Z',
      'x 2026-01-01T12:00:00.000Z → 2026-01-02T00:00:00.000Z',
      'b 2026-01-02T00:00:00.000Z → 2026-01-03T00:00:00.000Z',
      'c 2026-01-03T00:00:00.000Z → 2026-01-04T00:00:00.000Z',
    ]);
  });

  it('has no effect when `replaces` is not on call', () => {
    expect(
      january(withOverrides({ user: 'x', replaces: 'nobody', start: '2026-01-01T00:00', end: '2026-01-04T00:00' })),
    ).toEqual(january(withOverrides()));
  });

  it('merges a stand-in with the same member’s own next shift', () => {
    expect(
      january(withOverrides({ user: 'b', replaces: 'a', start: '2026-01-01T18:00', end: '2026-01-02T00:00' })),
    ).toEqual([
      'a 2026-01-01T00:00:00.000Z → 2026-01-01T18:00:00.000Z',
      'b 2026-01-01T18:00:00.000Z → 2026-01-03T00:00:00.000Z',
      'c 2026-01-03T00:00:00.000Z → 2026-01-04T00:00:00.000Z',
    ]);
  });

  it('lets a later overlapping override win over an earlier one', () => {
    const firstX = withOverrides(
      { user: 'x', start: '2026-01-01T00:00', end: '2026-01-03T00:00' },
      { user: 'y', start: '2026-01-02T00:00', end: '2026-01-04T00:00' },
    );
    expect(january(firstX)).toEqual([
      'x 2026-01-01T00:00:00.000Z → 2026-01-02T00:00:00.000Z (override)',
      'y 2026-01-02T00:00:00.000Z → 2026-01-04T00:00:00.000Z (override)',
    ]);
    const firstY = withOverrides(
      { user: 'y', start: '2026-01-02T00:00', end: '2026-01-04T00:00' },
      { user: 'x', start: '2026-01-01T00:00', end: '2026-01-03T00:00' },
    );
    expect(january(firstY)).toEqual([
      'x 2026-01-01T00:00:00.000Z → 2026-01-03T00:00:00.000Z (override)',
      'y 2026-01-03T00:00:00.000Z → 2026-01-04T00:00:00.000Z (override)',
    ]);
  });

  it('applies stand-ins in sequence, so a later one can replace an earlier stand-in', () => {
    const chained = withOverrides(
      { user: 'x', replaces: 'b', start: '2026-01-02T00:00', end: '2026-01-03T00:00' },
      { user: 'y', replaces: 'x', start: '2026-01-02T06:00', end: '2026-01-02T18:00' },
    );
    expect(onCallAt(chained, at('2026-01-02T03:00Z'))).toEqual(['x']);
    expect(onCallAt(chained, at('2026-01-02T12:00Z'))).toEqual(['y']);
    expect(onCallAt(chained, at('2026-01-02T18:00Z'))).toEqual(['x']);
  });

  it('replaces a user in every layer they are on call in', () => {
    const twoLayers = schedule({
      time_zone: 'UTC',
      layers: [
        { name: 'Primary', start: '2026-01-01T00:00', rotation: { type: 'weekly' }, members: ['a', 'b'] },
        { name: 'Secondary', start: '2026-01-01T00:00', rotation: { type: 'weekly' }, members: ['c', 'a'] },
      ],
      overrides: [{ user: 'x', replaces: 'a', start: '2026-01-01T00:00', end: '2026-01-15T00:00' }],
    });
    expect(onCallAt(twoLayers, at('2026-01-02T00:00Z'))).toEqual(['x', 'c']);
    expect(onCallAt(twoLayers, at('2026-01-09T00:00Z'))).toEqual(['b', 'x']);
  });

  it('resolves local override times in the schedule zone and also takes absolute ones', () => {
    const seoul = schedule({
      time_zone: 'Asia/Seoul',
      layers: [{ name: 'L', start: '2026-01-01T00:00', rotation: { type: 'daily' }, members: ['a'] }],
      overrides: [{ user: 'x', start: '2026-01-05T09:00', end: '2026-01-05T01:00Z' }],
    });
    expect(shiftsBetween(seoul, at('2026-01-05T00:00Z'), at('2026-01-05T02:00Z'))).toEqual([
      { user: 'x', layer: null, start: at('2026-01-05T00:00Z'), end: at('2026-01-05T01:00Z') },
      { user: 'a', layer: 'L', start: at('2026-01-05T01:00Z'), end: at('2026-01-05T02:00Z') },
    ]);
  });
});

describe('several layers', () => {
  const layered = schedule({
    time_zone: 'Europe/Berlin',
    layers: [
      { name: 'Primary', start: '2026-06-01T09:00', rotation: { type: 'daily' }, members: ['zoe', 'adam'] },
      { name: 'Secondary', start: '2026-06-01T09:00', rotation: { type: 'weekly' }, members: ['bo', 'zoe'] },
    ],
  });

  it('pages one person from each layer, in layer order', () => {
    expect(onCallAt(layered, at('2026-06-02T12:00+02:00'))).toEqual(['adam', 'bo']);
  });

  it('names a person on call in two layers once', () => {
    expect(onCallAt(layered, at('2026-06-09T12:00+02:00'))).toEqual(['zoe']);
  });

  it('sorts shifts by start, then layer', () => {
    expect(shiftsBetween(layered, at('2026-06-01T09:00+02:00'), at('2026-06-02T12:00+02:00'))).toEqual([
      { user: 'zoe', layer: 'Primary', start: at('2026-06-01T09:00+02:00'), end: at('2026-06-02T09:00+02:00') },
      { user: 'bo', layer: 'Secondary', start: at('2026-06-01T09:00+02:00'), end: at('2026-06-02T12:00+02:00') },
      { user: 'adam', layer: 'Primary', start: at('2026-06-02T09:00+02:00'), end: at('2026-06-02T12:00+02:00') },
    ]);
  });

  it('merges a single member’s consecutive shifts into one', () => {
    const alone = schedule({
      time_zone: 'UTC',
      layers: [{ name: 'Solo', start: '2026-01-01T00:00', rotation: { type: 'daily' }, members: ['solo'] }],
    });
    expect(shiftsBetween(alone, at('2026-01-01T00:00Z'), at('2026-02-01T00:00Z'))).toEqual([
      { user: 'solo', layer: 'Solo', start: at('2026-01-01T00:00Z'), end: at('2026-02-01T00:00Z') },
    ]);
  });

  it('computes four weeks of three restricted layers quickly', () => {
    const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'];
    const busy = schedule({
      time_zone: 'America/New_York',
      layers: [
        {
          name: 'Day',
          start: '2026-01-05T09:00',
          rotation: { type: 'daily' },
          members: ['a', 'b', 'c'],
          restrictions: [{ days: weekdays, from: '09:00', to: '17:00' }],
        },
        {
          name: 'Night',
          start: '2026-01-05T17:00',
          rotation: { type: 'weekly' },
          members: ['d', 'e'],
          restrictions: [{ days: weekdays, from: '17:00', to: '09:00' }],
        },
        {
          name: 'Backup',
          start: '2026-01-05T00:00',
          rotation: { type: 'custom', hours: 12 },
          members: ['f', 'g', 'h'],
        },
      ],
      overrides: [{ user: 'x', replaces: 'a', start: '2026-03-02T00:00', end: '2026-03-04T00:00' }],
    });
    shiftsBetween(busy, at('2026-01-01T00:00Z'), at('2026-01-29T00:00Z'));
    const started = performance.now();
    for (let i = 0; i < 20; i++) shiftsBetween(busy, at('2026-02-15T00:00Z'), at('2026-03-15T00:00Z'));
    // Generous for a shared CI machine; a run is typically a few ms.
    expect((performance.now() - started) / 20).toBeLessThan(25);
  });
});

describe('nextShift', () => {
  it('finds the user’s next shift with its start and end', () => {
    expect(nextShift(primary, 'lee', at('2026-11-02T00:00+09:00'))).toEqual({
      user: 'lee',
      layer: 'Weekdays',
      start: at('2026-11-09T09:00+09:00'),
      end: at('2026-11-09T18:00+09:00'),
    });
  });

  it('returns a shift that starts exactly at `after`', () => {
    expect(nextShift(primary, 'kim', at('2026-11-02T09:00+09:00'))?.start).toEqual(at('2026-11-02T09:00+09:00'));
  });

  it('skips the shift already under way', () => {
    expect(nextShift(primary, 'kim', at('2026-11-02T12:00+09:00'))?.start).toEqual(at('2026-11-03T09:00+09:00'));
  });

  it('finds a whole-schedule override', () => {
    expect(nextShift(primary, 'lee', at('2026-12-31T18:00+09:00'))).toMatchObject({
      layer: null,
      start: at('2027-01-01T00:00+09:00'),
    });
  });

  it('reports a long shift’s real end beyond the search step', () => {
    const long = schedule({
      time_zone: 'UTC',
      layers: [
        { name: 'L', start: '2026-01-01T00:00', rotation: { type: 'custom', hours: 24 * 40 }, members: ['a', 'b'] },
      ],
    });
    expect(nextShift(long, 'b', at('2026-01-01T01:00Z'))).toEqual({
      user: 'b',
      layer: 'L',
      start: at('2026-02-10T00:00Z'),
      end: at('2026-03-22T00:00Z'),
    });
  });

  it('ends a shift that never ends at the search horizon', () => {
    const solo = schedule({
      time_zone: 'UTC',
      layers: [{ name: 'L', start: '2026-02-01T00:00', rotation: { type: 'daily' }, members: ['solo'] }],
    });
    expect(nextShift(solo, 'solo', at('2026-01-01T00:00Z'))).toEqual({
      user: 'solo',
      layer: 'L',
      start: at('2026-02-01T00:00Z'),
      end: at('2027-01-02T00:00Z'),
    });
  });

  it('returns null for someone with no shift within the horizon', () => {
    expect(nextShift(primary, 'nobody', at('2026-11-01T00:00Z'))).toBeNull();
  });
});

describe('validation', () => {
  const valid = {
    id: 's',
    name: 'S',
    time_zone: 'Asia/Seoul',
    layers: [{ name: 'L', start: '2026-11-02T09:00', rotation: { type: 'weekly' }, members: ['kim'] }],
  };
  const issues = (input: unknown) => scheduleSchema.safeParse(input).error?.issues.map((i) => i.path.join('.')) ?? [];
  const withLayer = (fields: Record<string, unknown>) => ({ ...valid, layers: [{ ...valid.layers[0], ...fields }] });

  it('defaults overrides and restrictions to none', () => {
    const parsed = scheduleSchema.parse(valid);
    expect(parsed.overrides).toEqual([]);
    expect(parsed.layers[0]!.restrictions).toEqual([]);
  });

  it('takes a named IANA zone only', () => {
    expect(issues({ ...valid, time_zone: 'Mars/Olympus' })).toEqual(['time_zone']);
    expect(issues({ ...valid, time_zone: '+09:00' })).toEqual(['time_zone']);
    expect(issues({ ...valid, time_zone: 'UTC' })).toEqual([]);
  });

  it('takes local date-times with optional seconds, or with an offset or Z', () => {
    for (const start of ['2026-11-02T09:00', '2026-11-02T09:00:30', '2026-11-02T00:00Z', '2026-11-02T09:00+09:00']) {
      expect(issues(withLayer({ start }))).toEqual([]);
    }
    for (const start of [
      '2026-11-02 09:00',
      '2026-11-02',
      '2026-02-30T09:00',
      '2026-11-02T9:00',
      '2026-11-02T09:00[Asia/Seoul]',
    ]) {
      expect(issues(withLayer({ start }))).toEqual(['layers.0.start']);
    }
  });

  it('requires at least one layer and at least one member', () => {
    expect(issues({ ...valid, layers: [] })).toEqual(['layers']);
    expect(issues(withLayer({ members: [] }))).toEqual(['layers.0.members']);
  });

  it('caps layers, members, overrides and names', () => {
    const layer = valid.layers[0]!;
    expect(issues({ ...valid, layers: Array.from({ length: 21 }, (_, i) => ({ ...layer, name: `L${i}` })) })).toEqual([
      'layers',
    ]);
    expect(issues(withLayer({ members: Array.from({ length: 201 }, (_, i) => `u${i}`) }))).toEqual([
      'layers.0.members',
    ]);
    expect(issues(withLayer({ name: 'x'.repeat(201) }))).toEqual(['layers.0.name']);
    const override = { user: 'a', start: '2026-01-01T00:00', end: '2026-01-02T00:00' };
    expect(issues({ ...valid, overrides: Array.from({ length: 501 }, () => override) })).toEqual(['overrides']);
  });

  it('checks rotations', () => {
    expect(issues(withLayer({ rotation: { type: 'custom', hours: 8 } }))).toEqual([]);
    expect(issues(withLayer({ rotation: { type: 'custom', hours: 0 } }))).toEqual(['layers.0.rotation.hours']);
    expect(issues(withLayer({ rotation: { type: 'custom', hours: 0.5 } }))).toEqual(['layers.0.rotation.hours']);
    expect(issues(withLayer({ rotation: { type: 'custom', hours: 1 } }))).toEqual([]);
    expect(issues(withLayer({ rotation: { type: 'custom' } }))).toEqual(['layers.0.rotation.hours']);
    expect(issues(withLayer({ rotation: { type: 'monthly' } }))).toEqual(['layers.0.rotation.type']);
  });

  it('checks restriction days and times of day', () => {
    expect(issues(withLayer({ restrictions: [{ days: ['mon', 'sun'], from: '18:00', to: '09:00' }] }))).toEqual([]);
    expect(issues(withLayer({ restrictions: [{ days: ['monday'], from: '9:00', to: '24:00' }] }))).toEqual([
      'layers.0.restrictions.0.days.0',
      'layers.0.restrictions.0.from',
      'layers.0.restrictions.0.to',
    ]);
  });

  it('rejects layers that share a name', () => {
    expect(issues({ ...valid, layers: [valid.layers[0], valid.layers[0]] })).toEqual(['layers.1.name']);
  });

  it('requires an override to end after it starts, comparing in the schedule zone', () => {
    const override = (start: string, end: string) => issues({ ...valid, overrides: [{ user: 'lee', start, end }] });
    expect(override('2026-12-24T00:00', '2026-12-24T00:00')).toEqual(['overrides.0.end']);
    expect(override('2026-12-24T00:00', '2026-12-23T00:00')).toEqual(['overrides.0.end']);
    // 00:00 in Seoul is 15:00 UTC the day before.
    expect(override('2026-12-24T00:00', '2026-12-23T15:00Z')).toEqual(['overrides.0.end']);
    expect(override('2026-12-24T00:00', '2026-12-23T15:01Z')).toEqual([]);
    // 02:30 does not exist in Berlin on 29 March 2026 and becomes 03:30, after 03:00.
    expect(
      issues({
        ...valid,
        time_zone: 'Europe/Berlin',
        overrides: [{ user: 'lee', start: '2026-03-29T02:30', end: '2026-03-29T03:00' }],
      }),
    ).toEqual(['overrides.0.end']);
    expect(
      issues({
        ...valid,
        time_zone: 'Nowhere',
        overrides: [{ user: 'lee', start: '2026-12-24T00:00', end: '2026-12-24T00:00Z' }],
      }),
    ).toEqual(['time_zone']);
    expect(issues({ ...valid, overrides: [{ user: 'lee', start: 'soon', end: '2026-12-24T00:00Z' }] })).toEqual([
      'overrides.0.start',
    ]);
    expect(
      overrideSchema.safeParse({ user: 'lee', start: '2026-12-24T00:00Z', end: '2026-12-23T00:00Z' }).success,
    ).toBe(false);
  });

  it('rejects unknown fields', () => {
    expect(issues({ ...valid, timezone: 'UTC' })).toEqual(['']);
  });
});
