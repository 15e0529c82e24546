import { describe, expect, it } from 'vitest';
import { supportHoursDecision, supportHoursSchema, withinHours } from './hours';

/** Support hours as a service's configuration would give them: Seoul office hours unless told otherwise. */
const hours = (overrides: Record<string, unknown> = {}) =>
  supportHoursSchema.parse({
    time_zone: 'Asia/Seoul',
    days: ['mon', 'tue', 'wed', 'thu', 'fri'],
    start: '09:00',
    end: '18:00',
    holidays: 'KR',
    inside: { page: true },
    outside: { urgency: 'low' },
    ...overrides,
  });

const at = (instant: string) => new Date(instant);
const everyDay = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

describe('office hours in Seoul', () => {
  const seoul = hours();

  it('open at exactly the start and closed at exactly the end', () => {
    expect(withinHours(seoul, at('2026-03-03T08:59:59.999+09:00'))).toBe(false);
    expect(withinHours(seoul, at('2026-03-03T09:00:00+09:00'))).toBe(true);
    expect(withinHours(seoul, at('2026-03-03T17:59:59.999+09:00'))).toBe(true);
    expect(withinHours(seoul, at('2026-03-03T18:00:00+09:00'))).toBe(false);
  });

  it('read on the Seoul clock, not UTC: 01:00Z on a Tuesday is 10:00 there', () => {
    expect(withinHours(seoul, at('2026-03-03T01:00:00Z'))).toBe(true);
    // Monday 23:30 UTC is already Tuesday 08:30 in Seoul: not yet open.
    expect(withinHours(seoul, at('2026-03-02T23:30:00Z'))).toBe(false);
  });

  it('closed on a weekend', () => {
    expect(withinHours(seoul, at('2026-03-07T10:00:00+09:00'))).toBe(false);
    expect(withinHours(seoul, at('2026-03-08T10:00:00+09:00'))).toBe(false);
  });

  it('closed on a Korean holiday and on its substitute day', () => {
    expect(withinHours(seoul, at('2026-02-17T10:00:00+09:00'))).toBe(false); // 설날, a Tuesday
    expect(withinHours(seoul, at('2026-03-02T10:00:00+09:00'))).toBe(false); // 대체공휴일(삼일절), a Monday
    expect(withinHours(seoul, at('2026-06-03T10:00:00+09:00'))).toBe(false); // local elections
  });

  it('open on those days when the hours keep no holidays', () => {
    const noHolidays = hours({ holidays: 'none' });
    expect(withinHours(noHolidays, at('2026-02-17T10:00:00+09:00'))).toBe(true);
    expect(withinHours(noHolidays, at('2026-03-02T10:00:00+09:00'))).toBe(true);
  });

  it('closed on a day of its own list, on top of the Korean ones', () => {
    const ownDays = hours({ holidays: { country: 'KR', dates: ['2026-12-31'] } });
    expect(withinHours(ownDays, at('2026-12-31T10:00:00+09:00'))).toBe(false);
    expect(withinHours(ownDays, at('2026-12-25T10:00:00+09:00'))).toBe(false);
    expect(withinHours(ownDays, at('2026-12-30T10:00:00+09:00'))).toBe(true);
  });

  it('a holiday is a date on the Seoul clock: 설날 다음 날 ends at 15:00 UTC', () => {
    const allDay = hours({ days: everyDay, start: '00:00', end: '24:00' });
    expect(withinHours(allDay, at('2026-02-18T14:30:00Z'))).toBe(false); // 23:30 on 설날 다음 날
    expect(withinHours(allDay, at('2026-02-18T15:00:00Z'))).toBe(true); // 00:00 on the 19th
  });
});

describe('across daylight-saving changes', () => {
  const newYork = hours({ time_zone: 'America/New_York', holidays: 'none' });

  it('New York opens at 09:00 local before and after the clocks go forward on 2026-03-08', () => {
    expect(withinHours(newYork, at('2026-03-06T13:59:00Z'))).toBe(false); // 08:59 EST
    expect(withinHours(newYork, at('2026-03-06T14:00:00Z'))).toBe(true); // 09:00 EST
    expect(withinHours(newYork, at('2026-03-09T12:59:00Z'))).toBe(false); // 08:59 EDT
    expect(withinHours(newYork, at('2026-03-09T13:00:00Z'))).toBe(true); // 09:00 EDT
    expect(withinHours(newYork, at('2026-03-09T21:59:00Z'))).toBe(true); // 17:59 EDT
    expect(withinHours(newYork, at('2026-03-09T22:00:00Z'))).toBe(false); // 18:00 EDT
  });

  it('a start the clock skips on 2026-03-08 moves on by the gap, as in schedules', () => {
    const night = hours({ time_zone: 'America/New_York', days: ['sun'], start: '02:30', end: '05:00' });
    expect(withinHours(night, at('2026-03-08T07:15:00Z'))).toBe(false); // 03:15 EDT
    expect(withinHours(night, at('2026-03-08T07:30:00Z'))).toBe(true); // 03:30 EDT
    expect(withinHours(night, at('2026-03-08T08:59:00Z'))).toBe(true); // 04:59 EDT
    expect(withinHours(night, at('2026-03-08T09:00:00Z'))).toBe(false); // 05:00 EDT
  });

  it('the hour repeated on 2026-11-01 does not open the hours a second time', () => {
    const early = hours({ time_zone: 'America/New_York', days: ['sun'], start: '00:00', end: '01:30' });
    expect(withinHours(early, at('2026-11-01T05:15:00Z'))).toBe(true); // 01:15 EDT
    expect(withinHours(early, at('2026-11-01T05:30:00Z'))).toBe(false); // 01:30 EDT
    expect(withinHours(early, at('2026-11-01T06:15:00Z'))).toBe(false); // 01:15 EST, the second time
  });

  it('a whole day ends at midnight even when the day has 25 hours', () => {
    const allSunday = hours({ time_zone: 'America/New_York', days: ['sun'], start: '00:00', end: '24:00' });
    expect(withinHours(allSunday, at('2026-11-01T04:00:00Z'))).toBe(true); // 00:00 EDT
    expect(withinHours(allSunday, at('2026-11-02T04:59:00Z'))).toBe(true); // 23:59 EST
    expect(withinHours(allSunday, at('2026-11-02T05:00:00Z'))).toBe(false); // Monday 00:00 EST
  });

  it('Berlin follows its own change on 2026-03-29, three weeks after New York', () => {
    const berlin = hours({ time_zone: 'Europe/Berlin', holidays: 'none' });
    expect(withinHours(berlin, at('2026-03-27T07:30:00Z'))).toBe(false); // 08:30 CET
    expect(withinHours(berlin, at('2026-03-27T08:00:00Z'))).toBe(true); // 09:00 CET
    expect(withinHours(berlin, at('2026-03-30T06:59:00Z'))).toBe(false); // 08:59 CEST
    expect(withinHours(berlin, at('2026-03-30T07:00:00Z'))).toBe(true); // 09:00 CEST
    expect(withinHours(berlin, at('2026-10-26T07:30:00Z'))).toBe(false); // 08:30 CET again
    expect(withinHours(berlin, at('2026-10-26T08:00:00Z'))).toBe(true);
  });
});

describe('what the decision says about paging', () => {
  it('inside the hours, the inside action; outside them, the outside action', () => {
    const seoul = hours();
    expect(supportHoursDecision(seoul, at('2026-03-03T10:00:00+09:00'))).toEqual({
      inside: true,
      action: { page: true },
    });
    expect(supportHoursDecision(seoul, at('2026-03-03T20:00:00+09:00'))).toEqual({
      inside: false,
      action: { urgency: 'low' },
    });
  });

  it('outside the hours an event can go quiet or to another escalation policy', () => {
    const quiet = hours({ outside: { page: false } });
    expect(supportHoursDecision(quiet, at('2026-03-07T10:00:00+09:00')).action).toEqual({ page: false });
    const night = hours({ outside: { escalation_policy: 'night-shift' } });
    expect(supportHoursDecision(night, at('2026-02-17T10:00:00+09:00')).action).toEqual({
      escalation_policy: 'night-shift',
    });
  });
});

describe('the support_hours schema', () => {
  const valid = {
    time_zone: 'Asia/Seoul',
    days: ['mon'],
    start: '09:00',
    end: '18:00',
    inside: { page: true },
    outside: { page: false },
  };
  const issues = (input: unknown) =>
    supportHoursSchema.safeParse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

  it('keeps no holidays unless told to', () => {
    expect(supportHoursSchema.parse(valid).holidays).toBe('none');
  });

  it('takes 24:00 as an end, and no other time past the day', () => {
    expect(issues({ ...valid, end: '24:00' })).toEqual([]);
    expect(issues({ ...valid, end: '24:30' })).not.toEqual([]);
  });

  it('refuses hours that end at or before they start, naming the end', () => {
    expect(issues({ ...valid, end: '09:00' })).toEqual(['end: support hours end after they start']);
    expect(issues({ ...valid, start: '22:00', end: '06:00' })).toEqual(['end: support hours end after they start']);
  });

  it('refuses an offset for a zone, an unknown day, an unknown action and an unknown key', () => {
    expect(issues({ ...valid, time_zone: '+09:00' }).map((i) => i.split(':')[0])).toEqual(['time_zone']);
    expect(issues({ ...valid, days: ['monday'] }).map((i) => i.split(':')[0])).toEqual(['days.0']);
    expect(issues({ ...valid, outside: { page: false, urgency: 'low' } })).not.toEqual([]);
    expect(issues({ ...valid, outside: { notify: 'slack' } })).not.toEqual([]);
    expect(issues({ ...valid, weekends: true })).not.toEqual([]);
  });

  it('refuses a holiday calendar it does not know', () => {
    expect(issues({ ...valid, holidays: 'JP' }).map((i) => i.split(':')[0])).toEqual(['holidays']);
  });
});
