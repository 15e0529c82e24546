import { describe, expect, it } from 'vitest';
import { csv } from './csv';
import { loadHours as hoursOf, onCallByUser, workingCalendar, workingWindows, type WorkingHours } from './load';
import type { HolidayCalendar } from '../schedule/holidays';
import type { Interval } from '../schedule/schedule';
import { summarize } from './stats';
import { localDates, offsetSpans } from './zone';

const at = (iso: string) => new Date(iso);
const WORKING = { start: '09:00', end: '18:00' };
const loadHours = (intervals: Interval[], zone: string, working: WorkingHours, holidays: HolidayCalendar) =>
  hoursOf(intervals, workingCalendar(zone, working, holidays));

describe('summary statistics', () => {
  it('gives nothing for nothing measured', () => {
    expect(summarize([])).toEqual({ mean: null, median: null, p90: null });
  });

  it('takes the mean of the two middle values for an even count, and p90 by nearest rank', () => {
    expect(summarize([40, 10, 30, 20])).toEqual({ mean: 25, median: 25, p90: 40 });
    expect(summarize([5])).toEqual({ mean: 5, median: 5, p90: 5 });
    // Ten values: rank ceil(0.9 × 10) = 9; eleven: rank ceil(9.9) = 10.
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(summarize(ten).p90).toBe(9);
    expect(summarize([...ten, 11]).p90).toBe(10);
    expect(summarize([...ten, 11]).median).toBe(6);
  });
});

describe('CSV', () => {
  it('quotes commas, quotes and line breaks, ends lines with CRLF and starts with a byte-order mark', () => {
    const text = csv(
      ['summary', 'count'],
      [
        ['a, "b"\nc', 3],
        ['서비스 장애', null],
      ],
    );
    expect(text).toBe('\uFEFFsummary,count\r\n"a, ""b""\nc",3\r\n서비스 장애,\r\n');
  });

  it('keeps text a spreadsheet would run as a formula as text', () => {
    expect(csv(['s'], [['=HYPERLINK("http://x")'], ['+1'], ['@SUM(A1)'], [-5]])).toBe(
      '\uFEFFs\r\n"\'=HYPERLINK(""http://x"")"\r\n\'+1\r\n\'@SUM(A1)\r\n-5\r\n',
    );
  });
});

describe('the zone over a range', () => {
  it('lists the offsets in effect and where they change', () => {
    expect(offsetSpans('Asia/Seoul', at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'))).toEqual([
      { until: null, offsetMinutes: 540 },
    ]);
    expect(offsetSpans('America/New_York', at('2026-03-01T00:00:00Z'), at('2026-04-01T00:00:00Z'))).toEqual([
      { until: at('2026-03-08T07:00:00Z').getTime(), offsetMinutes: -300 },
      { until: null, offsetMinutes: -240 },
    ]);
    expect(offsetSpans('Asia/Kathmandu', at('2026-01-01T00:00:00Z'), at('2026-02-01T00:00:00Z'))).toEqual([
      { until: null, offsetMinutes: 345 },
    ]);
  });

  it('lists the local dates a range covers', () => {
    // 15:00 UTC is midnight in Seoul: the range is two days there, one in UTC.
    expect(localDates('Asia/Seoul', at('2026-05-01T00:00:00Z'), at('2026-05-01T16:00:00Z'))).toEqual([
      '2026-05-01',
      '2026-05-02',
    ]);
    expect(localDates('UTC', at('2026-05-01T00:00:00Z'), at('2026-05-02T00:00:00Z'))).toEqual(['2026-05-01']);
  });
});

describe('on-call load', () => {
  it('merges overlapping shifts of one user, so that two schedules at once count once', () => {
    const merged = onCallByUser([
      { user: 'ana', layer: 'a', start: at('2026-05-04T00:00:00Z'), end: at('2026-05-04T12:00:00Z') },
      { user: 'ana', layer: 'b', start: at('2026-05-04T06:00:00Z'), end: at('2026-05-04T18:00:00Z') },
      { user: 'ben', layer: 'a', start: at('2026-05-04T12:00:00Z'), end: at('2026-05-05T00:00:00Z') },
    ]);
    expect(merged.get('ana')).toEqual([{ start: at('2026-05-04T00:00:00Z'), end: at('2026-05-04T18:00:00Z') }]);
    expect(merged.get('ben')).toHaveLength(1);
  });

  it('splits a week into business hours, off hours and the weekend on the wall clock', () => {
    // Monday 2026-06-01 00:00 to Monday 2026-06-08 00:00 in Seoul: 5 × 9 business hours, 2 × 24 weekend hours.
    const week = [{ start: at('2026-05-31T15:00:00Z'), end: at('2026-06-07T15:00:00Z') }];
    expect(loadHours(week, 'Asia/Seoul', WORKING, 'none')).toEqual({
      total: 168,
      business: 45,
      off_hours: 75,
      weekend: 48,
      holiday: 0,
    });
  });

  it('counts a Korean holiday as holiday before weekend, and the lunar ones too', () => {
    // 2026-06-03 was a local election day, a holiday; Chuseok 2026 is 09-24 to 09-26 (Thursday to Saturday).
    const chuseok = [{ start: at('2026-09-23T15:00:00Z'), end: at('2026-09-26T15:00:00Z') }];
    expect(loadHours(chuseok, 'Asia/Seoul', WORKING, 'KR')).toMatchObject({ total: 72, holiday: 72, weekend: 0 });
    expect(loadHours(chuseok, 'Asia/Seoul', WORKING, 'none')).toMatchObject({ weekend: 24, business: 18 });
  });

  it('counts the real length of a day when the clock changes', () => {
    // Sunday 2026-03-08 in New York has 23 hours; Sunday 2026-11-01 has 25.
    const spring = [{ start: at('2026-03-08T05:00:00Z'), end: at('2026-03-09T04:00:00Z') }];
    expect(loadHours(spring, 'America/New_York', WORKING, 'none')).toMatchObject({ total: 23, weekend: 23 });
    const autumn = [{ start: at('2026-11-01T04:00:00Z'), end: at('2026-11-02T05:00:00Z') }];
    expect(loadHours(autumn, 'America/New_York', WORKING, 'none')).toMatchObject({ total: 25, weekend: 25 });
    // Monday after the spring change: business hours are 09:00–18:00 EDT, 13:00–22:00 UTC.
    const monday = [{ start: at('2026-03-09T12:00:00Z'), end: at('2026-03-09T14:00:00Z') }];
    expect(loadHours(monday, 'America/New_York', WORKING, 'none')).toMatchObject({ business: 1, off_hours: 1 });
  });

  it("gives the working hours of a range's workdays as instants, cut to the range, on either side of a change of clocks", () => {
    // Friday 6 March to Tuesday 10 March 2026 in New York, from Friday 10:00 EST; the clocks go forward on Sunday.
    const calendar = workingCalendar('America/New_York', WORKING, 'none');
    expect(workingWindows(calendar, at('2026-03-06T15:00:00Z'), at('2026-03-10T05:00:00Z'))).toEqual([
      ['2026-03-06T15:00:00.000Z', '2026-03-06T23:00:00.000Z'],
      ['2026-03-09T13:00:00.000Z', '2026-03-09T22:00:00.000Z'],
    ]);
    // In Seoul, 2 March 2026 (삼일절's substitute day) is no workday with the Korean calendar.
    const week = [at('2026-03-01T15:00:00Z'), at('2026-03-03T15:00:00Z')] as const;
    expect(workingWindows(workingCalendar('Asia/Seoul', WORKING, 'KR'), ...week)).toEqual([
      ['2026-03-03T00:00:00.000Z', '2026-03-03T09:00:00.000Z'],
    ]);
    expect(workingWindows(workingCalendar('Asia/Seoul', WORKING, 'none'), ...week)).toHaveLength(2);
  });
});
