// Dates and times in the console's language and the signed-in user's time zone.
import { getLocale } from './paraglide/runtime';
import { zone } from './me';

const format = (options: Intl.DateTimeFormatOptions) => (iso: string | Date) =>
  new Intl.DateTimeFormat(getLocale(), { timeZone: zone.current, ...options }).format(new Date(iso));

export const dateTime = format({ dateStyle: 'medium', timeStyle: 'short' });
export const day = format({ weekday: 'short', month: 'short', day: 'numeric' });
export const time = format({ hour: '2-digit', minute: '2-digit' });
const weekday = format({ weekday: 'short', day: 'numeric' });
const date = format({ month: 'numeric', day: 'numeric' });
/** A tick on the timeline's axis, short enough to fit a phone: the hour, the weekday or the date. */
export const tick = (at: Date, view: string) => (view === '1d' ? time(at) : view === '1w' ? weekday(at) : date(at));
