// The reports as the API answers them (worker/api/reports.ts), the query a set of filters asks for,
// and the durations, rates and hours they show, in words.
export const reportNames = ['system', 'incidents', 'notifications', 'oncall'] as const;
export type ReportName = (typeof reportNames)[number];

export interface Summary {
  mean: number | null;
  median: number | null;
  p90: number | null;
}

export interface SystemRow {
  service: string | null;
  escalation_policy: string | null;
  team: string | null;
  opened: number;
  acknowledged: number;
  resolved: number;
  resolved_without_acknowledgement: number;
  escalated_beyond_first_step: number;
  mtta_seconds: Summary;
  mttr_seconds: Summary;
}

interface Range {
  from: string;
  to: string;
  tz: string;
}

export interface SystemReport extends Range {
  rows: SystemRow[];
  total: SystemRow;
}

export type Keyed = { key: string; count: number }[];

export interface IncidentReport extends Range {
  heatmap: number[][];
  by_day: { date: string; created: number; acknowledged: number }[];
  by_service: Keyed;
  by_urgency: Keyed;
  by_integration: Keyed;
  noisiest: { event_id: string; summary: string; events: number; incidents: number }[];
  funnel: { events: number; incidents: number; pages: number };
}

export interface NotificationReport extends Range {
  by_channel: Record<string, number>;
  by_day: { date: string; pages: number }[];
  by_hour: { hour: number; pages: number }[];
  success_rate: Record<string, number | null>;
  success_rate_by_provider: Record<string, number | null>;
  per_responder: { user: string; pages: number; off_hours_pages: number }[];
}

export interface OnCallReport extends Range {
  rows: {
    user: string;
    hours: { total: number; business: number; off_hours: number; weekend: number; holiday: number };
    pages: number;
    acknowledged: number;
    mtta_seconds: number | null;
  }[];
}

export interface Reports {
  system: SystemReport;
  incidents: IncidentReport;
  notifications: NotificationReport;
  oncall: OnCallReport;
}

export const presets = ['7', '30', '90', 'custom'] as const;

export interface Filters {
  range: (typeof presets)[number];
  /** Custom range: first and last day (inclusive), YYYY-MM-DD in tz. */
  from: string;
  to: string;
  tz: string;
  service: string;
  team: string;
  start: string;
  end: string;
  holidays: 'none' | 'KR';
}

const DAY = 86_400_000;

/** What a wall-clock time in a zone shows, less the instant: the zone's offset then, in ms. */
function offsetAt(tz: string, at: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(at);
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return wall - Math.floor(at / 1000) * 1000;
}

/** The instant a day starts in a zone (YYYY-MM-DD); twice round, for days a clock change starts. */
export function startOfDay(date: string, tz: string): Date {
  const wall = Date.parse(`${date}T00:00:00Z`);
  const guess = wall - offsetAt(tz, wall);
  return new Date(wall - offsetAt(tz, guess));
}

/** A day in a zone, as YYYY-MM-DD. */
export const dateIn = (at: Date, tz: string) => new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(at);

/** The range asked for: the last N days up to now, or whole days in tz from the first to the last. */
export function rangeOf(f: Filters, now: Date): { from: Date; to: Date } {
  if (f.range === 'custom' && f.from && f.to) {
    const next = new Date(Date.parse(`${f.to}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
    return { from: startOfDay(f.from, f.tz), to: startOfDay(next, f.tz) };
  }
  const days = f.range === 'custom' ? 30 : Number(f.range);
  return { from: new Date(now.getTime() - days * DAY), to: now };
}

/** The query of a report; working hours and holidays only where they count (on-call, notifications). */
export function reportQuery(name: ReportName, f: Filters, now: Date): string {
  const { from, to } = rangeOf(f, now);
  const q = new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), tz: f.tz });
  if (f.service) q.set('service', f.service);
  if (f.team) q.set('team', f.team);
  if (name === 'oncall' || name === 'notifications') {
    q.set('business_hours', `${f.start}-${f.end}`);
    q.set('holidays', f.holidays);
  }
  return q.toString();
}

export interface Units {
  d: string;
  h: string;
  m: string;
  s: string;
}

/** A duration in its two largest units: 90 → "1m 30s", 7260 → "2h 1m"; nothing measured → "—". */
export function duration(seconds: number | null, units: Units = { d: 'd', h: 'h', m: 'm', s: 's' }): string {
  if (seconds === null) return '—';
  const s = Math.round(seconds);
  const parts: [number, string][] = [
    [Math.floor(s / 86_400), units.d],
    [Math.floor((s % 86_400) / 3600), units.h],
    [Math.floor((s % 3600) / 60), units.m],
    [s % 60, units.s],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  if (first === -1) return `0${units.s}`;
  return parts
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join(' ');
}

/** Ticks for an axis of durations: round seconds, minutes, hours and days. */
export const durationSteps = [
  1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400, 21_600, 43_200, 86_400, 172_800, 604_800,
];

/** A delivery rate as a percentage; no attempts → "—". */
export const percent = (rate: number | null, locale: string) =>
  rate === null ? '—' : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(rate);

export const hours = (h: number, locale: string) =>
  new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(h);

/** Weekday names in the locale, Monday first, as the heatmap's rows are. */
export const weekdays = (locale: string) =>
  Array.from({ length: 7 }, (_, i) =>
    new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' }).format(Date.UTC(2024, 0, 1 + i)),
  );
