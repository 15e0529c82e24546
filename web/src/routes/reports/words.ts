// Durations, rates and hours in the console's language, for every report.
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import { duration, hours, percent } from '$lib/reports';

export const dur = (seconds: number | null) =>
  duration(seconds, { d: m.rep_unit_d(), h: m.rep_unit_h(), m: m.rep_unit_m(), s: m.rep_unit_s() });
export const pct = (rate: number | null) => percent(rate, getLocale());
export const hrs = (h: number) => hours(h, getLocale());
