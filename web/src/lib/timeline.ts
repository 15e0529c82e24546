// The schedule timeline's arithmetic, free of the DOM: the window a view shows from `now`, where each
// shift and gap falls in it (in percent of its width), and the ticks along its axis.
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const views = ['1d', '1w', '2w', '1m'] as const;
export type View = (typeof views)[number];

const lengthOf: Record<View, number> = { '1d': DAY, '1w': 7 * DAY, '2w': 14 * DAY, '1m': 30 * DAY };
const tickOf: Record<View, number> = { '1d': 3 * HOUR, '1w': DAY, '2w': 2 * DAY, '1m': 5 * DAY };

export interface Window {
  from: Date;
  to: Date;
}

/** From the start of the current hour, so that what is on call now is at the left edge. */
export function windowOf(view: View, now: Date): Window {
  const from = new Date(Math.floor(now.getTime() / HOUR) * HOUR);
  return { from, to: new Date(from.getTime() + lengthOf[view]) };
}

export interface Placed {
  /** Percent of the window's width from its left edge, and the span's share of it. */
  left: number;
  width: number;
}

/** The spans that overlap the window, cut to it. */
export function place<T extends { start: string; end: string }>(spans: T[], window: Window): (T & Placed)[] {
  const from = window.from.getTime();
  const length = window.to.getTime() - from;
  return spans.flatMap((span) => {
    const start = Math.max(new Date(span.start).getTime(), from);
    const end = Math.min(new Date(span.end).getTime(), from + length);
    if (end <= start) return [];
    return [{ ...span, left: ((start - from) / length) * 100, width: ((end - start) / length) * 100 }];
  });
}

/** Shifts in one row per layer, in the order the layers first appear; whole-schedule overrides as layer null. */
export function rowsOf<T extends { layer: string | null }>(shifts: T[]): { layer: string | null; shifts: T[] }[] {
  const rows = new Map<string | null, T[]>();
  for (const shift of shifts) rows.set(shift.layer, [...(rows.get(shift.layer) ?? []), shift]);
  return [...rows].map(([layer, shifts]) => ({ layer, shifts }));
}

/** Evenly spaced instants along the axis, the first at the window's start. */
export function ticksOf(view: View, window: Window): (Placed & { at: Date })[] {
  const step = tickOf[view];
  const length = window.to.getTime() - window.from.getTime();
  return Array.from({ length: Math.round(length / step) }, (_, i) => ({
    at: new Date(window.from.getTime() + i * step),
    left: ((i * step) / length) * 100,
    width: (step / length) * 100,
  }));
}

/** Where `now` falls in the window, in percent, or null outside it. */
export function nowAt(window: Window, now: Date): number | null {
  const offset = (now.getTime() - window.from.getTime()) / (window.to.getTime() - window.from.getTime());
  return offset >= 0 && offset <= 1 ? offset * 100 : null;
}

/** A steady colour for each responder, so their bars look alike across rows and views. */
export function hueOf(user: string): number {
  let hash = 0;
  for (const char of user) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % 360;
}
