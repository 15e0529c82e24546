// The viewer's time zone over a report's range: the UTC offsets in effect and where they change, so
// that D1 can group instants by local day, hour and weekday with plain offset arithmetic.
import { Temporal } from 'temporal-polyfill';

/** An offset in effect from the previous span's end up to `until` (epoch ms), or to the range's end. */
export interface OffsetSpan {
  until: number | null;
  offsetMinutes: number;
}

/** Zones change their offset a few times a year at most; a longer list means a range of centuries. */
const MAX_SPANS = 500;

export function offsetSpans(zone: string, from: Date, to: Date): OffsetSpan[] {
  let at = Temporal.Instant.fromEpochMilliseconds(from.getTime()).toZonedDateTimeISO(zone);
  const spans: OffsetSpan[] = [];
  for (;;) {
    const offsetMinutes = Math.round(at.offsetNanoseconds / 60e9);
    const next = spans.length < MAX_SPANS ? at.getTimeZoneTransition('next') : null;
    if (!next || next.epochMilliseconds >= to.getTime()) {
      spans.push({ until: null, offsetMinutes });
      return spans;
    }
    spans.push({ until: next.epochMilliseconds, offsetMinutes });
    at = next;
  }
}

/** The local dates of the range, first to last, as YYYY-MM-DD. */
export function localDates(zone: string, from: Date, to: Date): string[] {
  const last = Temporal.Instant.fromEpochMilliseconds(to.getTime() - 1)
    .toZonedDateTimeISO(zone)
    .toPlainDate();
  const dates: string[] = [];
  for (
    let day = Temporal.Instant.fromEpochMilliseconds(from.getTime()).toZonedDateTimeISO(zone).toPlainDate();
    Temporal.PlainDate.compare(day, last) <= 0;
    day = day.add({ days: 1 })
  ) {
    dates.push(day.toString());
  }
  return dates;
}
