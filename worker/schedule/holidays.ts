// Public holidays: which days a calendar keeps off. Korea's (관공서의 공휴일에 관한 규정) is computed
// from its fixed days, lunar days read from a table, substitute days by rule, and a short list of
// elections and one-off holidays that no rule predicts. Dates are YYYY-MM-DD in the calendar's zone.
import { Temporal } from 'temporal-polyfill';
import { z } from 'zod';

/** The countries whose holidays Tocsin knows; a country is one entry here and one function below. */
export const holidayCountries = ['KR'] as const;
export type HolidayCountry = (typeof holidayCountries)[number];

export const MAX_EXTRA_DAYS = 366;

const countrySchema = z.enum([...holidayCountries, 'none']);

/** A country's holidays, none, or days of one's own: `{ dates }`, on top of a `country`'s if one is named. */
export const holidayCalendarSchema = z.union([
  countrySchema,
  z
    .object({
      country: countrySchema.optional(),
      dates: z.array(z.iso.date()).min(1).max(MAX_EXTRA_DAYS),
    })
    .strict(),
]);
export type HolidayCalendar = z.infer<typeof holidayCalendarSchema>;

export interface Holiday {
  date: string;
  /** Every holiday that falls on the date, joined: 2025-05-05 is both 어린이날 and 부처님오신날. */
  name: string;
}

/** The holiday on a date, or null on an ordinary day. */
export function isHoliday(calendar: HolidayCalendar, date: string): { name: string } | null {
  const year = Temporal.PlainDate.from(date).year;
  const holiday = holidaysIn(calendar, year).find((h) => h.date === date);
  return holiday ? { name: holiday.name } : null;
}

/** A year's holidays, one entry per date, in date order. */
export function holidaysIn(calendar: HolidayCalendar, year: number): Holiday[] {
  const country = typeof calendar === 'string' ? calendar : (calendar.country ?? 'none');
  const extra = typeof calendar === 'string' ? [] : calendar.dates.filter((d) => d.startsWith(`${year}-`));
  const days = [...(country === 'none' ? [] : countryHolidays(country, year)), ...extra.map(extraDay)];
  const names = new Map<string, string[]>();
  for (const { date, name } of days.toSorted((a, b) => a.date.localeCompare(b.date))) {
    const on = names.get(date) ?? [];
    if (!on.includes(name)) on.push(name);
    names.set(date, on);
  }
  return [...names].map(([date, on]) => ({ date, name: on.join(', ') }));
}

const extraDay = (date: string): Holiday => ({ date, name: 'extra day off' });

// Each year is computed once per isolate: the ingest pipeline asks about every event.
const computed = new Map<string, Holiday[]>();

function countryHolidays(country: HolidayCountry, year: number): Holiday[] {
  const key = `${country}:${year}`;
  let holidays = computed.get(key);
  if (!holidays) {
    holidays = byCountry[country](year);
    computed.set(key, holidays);
  }
  return holidays;
}

/**
 * Which days make up for a holiday lost to a weekend or to another holiday: 설날 and 추석 only make up
 * for a Sunday, the others for Saturday and Sunday alike.
 */
type MakeUp = 'sunday' | 'weekend';

interface DayOff {
  date: Temporal.PlainDate;
  name: string;
  /** null: lost when it falls on a weekend, as 신정, 현충일 and elections are. */
  makeUp: { when: MakeUp; for: string } | null;
}

/**
 * 설날 (lunar 1/1), 부처님오신날 (lunar 4/8) and 추석 (lunar 8/15) by the Korean lunar calendar, as
 * korean-lunar-calendar (KASI data) gives them; holidays.test.ts checks every row against it. Kept as
 * data so that the Worker carries 31 rows instead of a converter: the package's data ends at 2050.
 */
const KR_LUNAR: Record<number, readonly [seollal: string, buddha: string, chuseok: string]> = {
  2020: ['01-25', '04-30', '10-01'],
  2021: ['02-12', '05-19', '09-21'],
  2022: ['02-01', '05-08', '09-10'],
  2023: ['01-22', '05-27', '09-29'],
  2024: ['02-10', '05-15', '09-17'],
  2025: ['01-29', '05-05', '10-06'],
  2026: ['02-17', '05-24', '09-25'],
  2027: ['02-07', '05-13', '09-15'],
  2028: ['01-27', '05-02', '10-03'],
  2029: ['02-13', '05-20', '09-22'],
  2030: ['02-03', '05-09', '09-12'],
  2031: ['01-23', '05-28', '10-01'],
  2032: ['02-11', '05-16', '09-19'],
  2033: ['01-31', '05-06', '09-08'],
  2034: ['02-19', '05-25', '09-27'],
  2035: ['02-08', '05-15', '09-16'],
  2036: ['01-28', '05-03', '10-04'],
  2037: ['02-15', '05-22', '09-24'],
  2038: ['02-04', '05-11', '09-13'],
  2039: ['01-24', '04-30', '10-02'],
  2040: ['02-12', '05-18', '09-21'],
  2041: ['02-01', '05-07', '09-10'],
  2042: ['01-22', '05-26', '09-28'],
  2043: ['02-10', '05-16', '09-17'],
  2044: ['01-30', '05-05', '10-05'],
  2045: ['02-17', '05-24', '09-25'],
  2046: ['02-06', '05-13', '09-15'],
  2047: ['01-26', '05-02', '10-04'],
  2048: ['02-14', '05-20', '09-22'],
  2049: ['02-02', '05-09', '09-11'],
  2050: ['01-23', '05-28', '09-30'],
};
export const KR_LUNAR_YEARS = { first: 2020, last: 2050 } as const;

/**
 * Days off that no rule predicts, listed once they are fixed: election days (공직선거법 제34조; the
 * dates move with terms of office, and a snap election's is set when it is called) and the days the
 * government designates (임시공휴일).
 */
const KR_ONE_OFF: Record<string, string> = {
  '2020-04-15': '국회의원 선거일',
  '2020-08-17': '임시공휴일',
  '2022-03-09': '대통령 선거일',
  '2022-06-01': '전국동시지방선거일',
  '2023-10-02': '임시공휴일',
  '2024-04-10': '국회의원 선거일',
  '2024-10-01': '임시공휴일(국군의 날)',
  '2025-01-27': '임시공휴일',
  '2025-06-03': '대통령 선거일',
  '2026-06-03': '전국동시지방선거일',
};

/** Since when each rule holds: 국경일 substitutes from 2021-08-04, 부처님오신날's and 성탄절's from 2023-05-04. */
const NATIONAL_DAYS_MAKE_UP_FROM = Temporal.PlainDate.from('2021-08-04');
const BUDDHA_CHRISTMAS_MAKE_UP_FROM = Temporal.PlainDate.from('2023-05-04');
/** 제헌절 is a holiday again from 2026 (공휴일에 관한 법률, amended 2026). */
const CONSTITUTION_DAY_FROM = 2026;

/**
 * Korea's holidays in a year: outside KR_LUNAR_YEARS the lunar ones are unknown and left out, so an
 * event on such a 설날 is treated as on a working day (which pages rather than stays quiet).
 */
function koreanHolidays(year: number): Holiday[] {
  const day = (monthDay: string) => Temporal.PlainDate.from(`${year}-${monthDay}`);
  const since = (from: Temporal.PlainDate) => (date: Temporal.PlainDate) => Temporal.PlainDate.compare(date, from) >= 0;
  const nationalMakesUp = since(NATIONAL_DAYS_MAKE_UP_FROM);
  const buddhaChristmasMakesUp = since(BUDDHA_CHRISTMAS_MAKE_UP_FROM);
  const fixed = (monthDay: string, name: string, makesUp: (date: Temporal.PlainDate) => boolean): DayOff => {
    const date = day(monthDay);
    return { date, name, makeUp: makesUp(date) ? { when: 'weekend', for: name } : null };
  };
  const never = () => false;
  const always = () => true; // 어린이날 has been made up since 2014, before the table begins

  const days: DayOff[] = [
    fixed('01-01', '신정', never),
    fixed('03-01', '삼일절', nationalMakesUp),
    fixed('05-05', '어린이날', always),
    fixed('06-06', '현충일', never),
    ...(year >= CONSTITUTION_DAY_FROM ? [fixed('07-17', '제헌절', nationalMakesUp)] : []),
    fixed('08-15', '광복절', nationalMakesUp),
    fixed('10-03', '개천절', nationalMakesUp),
    fixed('10-09', '한글날', nationalMakesUp),
    fixed('12-25', '기독탄신일', buddhaChristmasMakesUp),
  ];
  const lunar = KR_LUNAR[year];
  if (lunar) {
    const [seollal, buddha, chuseok] = lunar;
    const festival = (date: Temporal.PlainDate, name: string): DayOff[] =>
      [`${name} 전날`, name, `${name} 다음 날`].map((dayName, i) => ({
        date: date.add({ days: i - 1 }),
        name: dayName,
        makeUp: { when: 'sunday', for: name },
      }));
    days.push(
      ...festival(day(seollal), '설날'),
      fixed(buddha, '부처님오신날', buddhaChristmasMakesUp),
      ...festival(day(chuseok), '추석'),
    );
  }
  for (const [date, name] of Object.entries(KR_ONE_OFF)) {
    if (date.startsWith(`${year}-`)) days.push({ date: Temporal.PlainDate.from(date), name, makeUp: null });
  }
  return [...days, ...substitutes(days)].map(({ date, name }) => ({ date: date.toString(), name }));
}

const byCountry: Record<HolidayCountry, (year: number) => Holiday[]> = { KR: koreanHolidays };

/**
 * 대체공휴일: each holiday lost to a weekend its rule makes up for, or to another holiday on the same
 * day (a day off holds one holiday: 2025-05-05 brought one substitute, not two), brings the first
 * weekday after it that is not a holiday.
 */
function substitutes(days: readonly DayOff[]): DayOff[] {
  const byDate = new Map<string, DayOff[]>();
  for (const d of days) byDate.set(d.date.toString(), [...(byDate.get(d.date.toString()) ?? []), d]);

  const lost: DayOff[] = [];
  for (const onDay of [...byDate.values()].sort((a, b) => Temporal.PlainDate.compare(a[0]!.date, b[0]!.date))) {
    const weekday = onDay[0]!.date.dayOfWeek;
    const toWeekend = onDay.filter(
      (d) => d.makeUp && (weekday === 7 || (weekday === 6 && d.makeUp.when === 'weekend')),
    );
    const rest = onDay.filter((d) => !toWeekend.includes(d));
    // Of the holidays still sharing the day, one keeps it; the others are lost, those with a rule first.
    const madeUpOverlap = rest.filter((d) => d.makeUp).slice(0, Math.max(0, rest.length - 1));
    lost.push(...toWeekend, ...madeUpOverlap);
  }

  const taken = new Set(byDate.keys());
  return lost.map((holiday) => {
    let date = holiday.date.add({ days: 1 });
    while (date.dayOfWeek >= 6 || taken.has(date.toString())) date = date.add({ days: 1 });
    taken.add(date.toString());
    return { date, name: `대체공휴일(${holiday.makeUp!.for})`, makeUp: null };
  });
}
