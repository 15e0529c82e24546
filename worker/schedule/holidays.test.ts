import KoreanLunarCalendar from 'korean-lunar-calendar';
import { describe, expect, it } from 'vitest';
import { holidayCalendarSchema, holidaysIn, isHoliday, KR_LUNAR_YEARS } from './holidays';

const dates = (year: number) => holidaysIn('KR', year).map((h) => h.date);
const nameOn = (date: string) => isHoliday('KR', date)?.name ?? null;

// The official lists: 우주항공청's 월력요항 as reported for 2025 and 2026, the designations of each
// 임시공휴일 and election, and KASI's lunar calendar for 2027 (see the report that came with this file).
describe('Korean public holidays, every day of a year', () => {
  it('2024: 설날 with its Sunday substitute, the general election, 어린이날 made up on Monday, 국군의 날', () => {
    expect(dates(2024)).toEqual([
      '2024-01-01',
      '2024-02-09',
      '2024-02-10',
      '2024-02-11',
      '2024-02-12',
      '2024-03-01',
      '2024-04-10',
      '2024-05-05',
      '2024-05-06',
      '2024-05-15',
      '2024-06-06',
      '2024-08-15',
      '2024-09-16',
      '2024-09-17',
      '2024-09-18',
      '2024-10-01',
      '2024-10-03',
      '2024-10-09',
      '2024-12-25',
    ]);
  });

  it('2025: the 27 January holiday, 삼일절 on Saturday, 어린이날 and 부처님오신날 on one day, the election, 추석 on Sunday', () => {
    expect(dates(2025)).toEqual([
      '2025-01-01',
      '2025-01-27',
      '2025-01-28',
      '2025-01-29',
      '2025-01-30',
      '2025-03-01',
      '2025-03-03',
      '2025-05-05',
      '2025-05-06',
      '2025-06-03',
      '2025-06-06',
      '2025-08-15',
      '2025-10-03',
      '2025-10-05',
      '2025-10-06',
      '2025-10-07',
      '2025-10-08',
      '2025-10-09',
      '2025-12-25',
    ]);
  });

  it('2026: four Monday substitutes, the local elections and 제헌절 back; 추석 on Saturday brings none', () => {
    expect(dates(2026)).toEqual([
      '2026-01-01',
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-03-01',
      '2026-03-02',
      '2026-05-05',
      '2026-05-24',
      '2026-05-25',
      '2026-06-03',
      '2026-06-06',
      '2026-07-17',
      '2026-08-15',
      '2026-08-17',
      '2026-09-24',
      '2026-09-25',
      '2026-09-26',
      '2026-10-03',
      '2026-10-05',
      '2026-10-09',
      '2026-12-25',
    ]);
  });

  it('2027: 설날 on Sunday, then national days and Christmas on weekends, each made up on the next weekday', () => {
    expect(dates(2027)).toEqual([
      '2027-01-01',
      '2027-02-06',
      '2027-02-07',
      '2027-02-08',
      '2027-02-09',
      '2027-03-01',
      '2027-05-05',
      '2027-05-13',
      '2027-06-06',
      '2027-07-17',
      '2027-07-19',
      '2027-08-15',
      '2027-08-16',
      '2027-09-14',
      '2027-09-15',
      '2027-09-16',
      '2027-10-03',
      '2027-10-04',
      '2027-10-09',
      '2027-10-11',
      '2027-12-25',
      '2027-12-27',
    ]);
  });
});

describe('what the holidays are called', () => {
  it.each([
    ['2026-01-01', '신정'],
    ['2026-02-16', '설날 전날'],
    ['2026-02-17', '설날'],
    ['2026-02-18', '설날 다음 날'],
    ['2026-03-02', '대체공휴일(삼일절)'],
    ['2026-05-25', '대체공휴일(부처님오신날)'],
    ['2026-06-03', '전국동시지방선거일'],
    ['2026-09-25', '추석'],
    ['2026-12-25', '기독탄신일'],
    ['2024-02-12', '대체공휴일(설날)'],
    ['2025-10-08', '대체공휴일(추석)'],
    ['2024-10-01', '임시공휴일(국군의 날)'],
  ])('%s is %s', (date, name) => {
    expect(nameOn(date)).toBe(name);
  });

  it('names both holidays of a shared day, and that day brings one substitute, not two', () => {
    expect(nameOn('2025-05-05')).toBe('어린이날, 부처님오신날');
    expect(nameOn('2025-05-06')).toMatch(/^대체공휴일/);
    expect(nameOn('2025-05-07')).toBeNull();
  });

  it('an ordinary day, a Saturday and a Sunday are not holidays', () => {
    expect(nameOn('2026-03-03')).toBeNull();
    expect(nameOn('2026-03-07')).toBeNull();
    expect(nameOn('2026-03-08')).toBeNull();
  });
});

describe('substitute holidays follow the rule in force on the day', () => {
  it('national days on a weekend were made up from August 2021, not before', () => {
    expect(nameOn('2020-10-05')).toBeNull(); // 개천절 2020 was a Saturday
    expect(nameOn('2021-08-16')).toBe('대체공휴일(광복절)');
    expect(nameOn('2021-10-04')).toBe('대체공휴일(개천절)');
    expect(nameOn('2021-10-11')).toBe('대체공휴일(한글날)');
  });

  it('부처님오신날 and Christmas on a weekend were made up from May 2023, not before', () => {
    expect(nameOn('2022-12-26')).toBeNull(); // Christmas 2022 was a Sunday
    expect(nameOn('2023-05-29')).toBe('대체공휴일(부처님오신날)');
    expect(nameOn('2027-12-27')).toBe('대체공휴일(기독탄신일)');
  });

  it('설날 and 추석 are made up for a Sunday but not for a Saturday', () => {
    expect(nameOn('2023-01-24')).toBe('대체공휴일(설날)'); // 설날 2023 was a Sunday
    expect(dates(2026).filter((d) => d >= '2026-09-27' && d <= '2026-10-02')).toEqual([]);
  });

  it('추석 on 개천절 brings a substitute after the festival', () => {
    expect(nameOn('2028-10-03')).toBe('개천절, 추석');
    expect(nameOn('2028-10-05')).toMatch(/^대체공휴일/);
    expect(nameOn('2028-10-06')).toBeNull();
  });

  it('a substitute skips the days that are holidays already', () => {
    // 추석 2025 began on Sunday 5 October; the 6th and 7th were 추석 too, so the 8th made up for it.
    expect(nameOn('2025-10-08')).toBe('대체공휴일(추석)');
  });

  it('신정 and 현충일 are never made up', () => {
    expect(nameOn('2023-01-02')).toBeNull(); // 신정 2023 was a Sunday
    expect(nameOn('2027-06-07')).toBeNull(); // 현충일 2027 is a Sunday
  });
});

describe('the lunar table', () => {
  const lunar = new KoreanLunarCalendar();
  const solarOf = (year: number, month: number, day: number) => {
    expect(lunar.setLunarDate(year, month, day, false)).toBe(true);
    const { year: y, month: m, day: d } = lunar.getSolarCalendar();
    return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  };
  const years = Array.from(
    { length: KR_LUNAR_YEARS.last - KR_LUNAR_YEARS.first + 1 },
    (_, i) => KR_LUNAR_YEARS.first + i,
  );

  it.each(years)('%i: 설날, 부처님오신날 and 추석 fall where the KASI-based converter puts them', (year) => {
    const names = new Map(holidaysIn('KR', year).map((h) => [h.date, h.name]));
    expect(names.get(solarOf(year, 1, 1))).toMatch(/(^|, )설날(,|$)/);
    expect(names.get(solarOf(year, 4, 8))).toMatch(/부처님오신날/);
    expect(names.get(solarOf(year, 8, 15))).toMatch(/(^|, )추석(,|$)/);
    expect(names.get(solarOf(year, 8, 14))).toMatch(/추석 전날/);
    expect(names.get(solarOf(year, 8, 16))).toMatch(/추석 다음 날/);
  });

  it('past 2050 only the solar-calendar holidays are known', () => {
    const names = holidaysIn('KR', 2051).map((h) => h.name);
    expect(names).toContain('신정');
    expect(names).toContain('광복절');
    expect(names.filter((n) => /설날|추석|부처님/.test(n))).toEqual([]);
  });
});

describe('calendars', () => {
  it('none has no holidays', () => {
    expect(holidaysIn('none', 2026)).toEqual([]);
    expect(isHoliday('none', '2026-01-01')).toBeNull();
  });

  it('a list of dates is those days alone, or those on top of a country', () => {
    const own = holidayCalendarSchema.parse({ dates: ['2026-12-31', '2027-01-04'] });
    expect(holidaysIn(own, 2026)).toEqual([{ date: '2026-12-31', name: 'extra day off' }]);
    expect(isHoliday(own, '2026-01-01')).toBeNull();

    const both = holidayCalendarSchema.parse({ country: 'KR', dates: ['2026-12-31', '2026-01-01'] });
    expect(isHoliday(both, '2026-12-31')).toEqual({ name: 'extra day off' });
    expect(isHoliday(both, '2026-01-01')).toEqual({ name: '신정, extra day off' });
    expect(holidaysIn(both, 2026)).toHaveLength(holidaysIn('KR', 2026).length + 1);
  });

  it('refuses an unknown country, an impossible date and an unknown key', () => {
    expect(holidayCalendarSchema.safeParse('JP').success).toBe(false);
    expect(holidayCalendarSchema.safeParse({ dates: ['2026-02-30'] }).success).toBe(false);
    expect(holidayCalendarSchema.safeParse({ dates: ['2026-12-31'], region: 'Seoul' }).success).toBe(false);
    expect(holidayCalendarSchema.safeParse({ dates: [] }).success).toBe(false);
  });
});
