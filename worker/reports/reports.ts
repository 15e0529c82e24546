// The four reports, shaped from what D1 counted: pure functions of the counts, the configuration's
// names and the range's local dates. Times are seconds; `null` where nothing was measured.
import type { Cell } from './csv';
import type { LoadHours } from './load';
import type {
  HourCount,
  IncidentCounts,
  IncidentLine,
  PageCounts,
  PageLine,
  ResponderAcks,
  SystemGroup,
} from './queries';
import { NOTHING_MEASURED, summarize, type Summary } from './stats';

/** Handles by internal id, and each service's team: what reports name things by. */
export interface Names {
  service: (id: string) => string;
  integration: (id: string) => string;
  teamOf: (serviceId: string) => string | null;
}

const seconds = (ms: readonly number[]) => ms.map((m) => m / 1000);
const inSeconds = (ms: readonly number[]): Summary => (ms.length ? summarize(seconds(ms)) : NOTHING_MEASURED);

// ---- system ----

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

type RowNames = Pick<SystemRow, 'service' | 'escalation_policy' | 'team'>;

function systemRow(groups: readonly SystemGroup[], named: RowNames): SystemRow {
  const sum = (f: (g: SystemGroup) => number) => groups.reduce((n, g) => n + Number(f(g) ?? 0), 0);
  return {
    ...named,
    opened: sum((g) => g.opened),
    acknowledged: sum((g) => g.acknowledged),
    resolved: sum((g) => g.resolved),
    resolved_without_acknowledgement: sum((g) => g.resolved_without_acknowledgement),
    escalated_beyond_first_step: sum((g) => g.escalated),
    mtta_seconds: inSeconds(groups.flatMap((g) => g.tta)),
    mttr_seconds: inSeconds(groups.flatMap((g) => g.ttr)),
  };
}

/** One row per service and escalation policy (with the service's team), and the total over them. */
export function systemReport(groups: readonly SystemGroup[], names: Names) {
  const rows = groups
    .map((g) =>
      systemRow([g], { service: names.service(g.service), escalation_policy: g.policy, team: names.teamOf(g.service) }),
    )
    .sort((a, b) => b.opened - a.opened || String(a.service).localeCompare(String(b.service)));
  return { rows, total: systemRow(groups, { service: null, escalation_policy: null, team: null }) };
}

const summaryHeader = (name: string) => [`${name}_mean`, `${name}_median`, `${name}_p90`];
const summaryCells = (s: Summary) => [s.mean, s.median, s.p90];

export function systemCsv(report: ReturnType<typeof systemReport>): [string[], Cell[][]] {
  const line = (r: SystemRow, label?: string): Cell[] => [
    label ?? r.service,
    r.escalation_policy,
    r.team,
    r.opened,
    r.acknowledged,
    r.resolved,
    r.resolved_without_acknowledgement,
    r.escalated_beyond_first_step,
    ...summaryCells(r.mtta_seconds),
    ...summaryCells(r.mttr_seconds),
  ];
  return [
    [
      'service',
      'escalation_policy',
      'team',
      'opened',
      'acknowledged',
      'resolved',
      'resolved_without_acknowledgement',
      'escalated_beyond_first_step',
      ...summaryHeader('mtta_seconds'),
      ...summaryHeader('mttr_seconds'),
    ],
    [...report.rows.map((r) => line(r)), line(report.total, 'total')],
  ];
}

// ---- incidents ----

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** A local hour (hours since the epoch on the viewer's wall clock) as its date, weekday (Monday 0) and hour of day. */
function wallClock(hour: number) {
  const at = new Date(hour * 3_600_000);
  return { date: at.toISOString().slice(0, 10), weekday: (at.getUTCDay() + 6) % 7, hour: at.getUTCHours() };
}

/** Counts per local hour summed by local date. */
function perDate(hours: readonly HourCount[]): Map<string, number> {
  const byDate = new Map<string, number>();
  for (const h of hours) {
    const { date } = wallClock(h.hour);
    byDate.set(date, (byDate.get(date) ?? 0) + h.count);
  }
  return byDate;
}

/** Sums of `count` by a key, largest first. */
function keyed<T>(rows: readonly T[], keyOf: (row: T) => string, count: (row: T) => number) {
  const sums = new Map<string, number>();
  for (const row of rows) sums.set(keyOf(row), (sums.get(keyOf(row)) ?? 0) + count(row));
  return [...sums]
    .map(([key, n]) => ({ key, count: n }))
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

export function incidentReport(counts: IncidentCounts, dates: readonly string[], names: Names) {
  const heatmap = Array.from({ length: 7 }, () => Array<number>(24).fill(0));
  for (const h of counts.created) {
    const { weekday, hour } = wallClock(h.hour);
    heatmap[weekday]![hour]! += h.count;
  }
  const created = perDate(counts.created);
  const acknowledged = perDate(counts.acknowledged);
  const incidents = (d: IncidentCounts['dimensions'][number]) => d.incidents;
  const sum = (f: (d: IncidentCounts['dimensions'][number]) => number) =>
    counts.dimensions.reduce((n, d) => n + f(d), 0);
  return {
    heatmap,
    by_day: dates.map((date) => ({ date, created: created.get(date) ?? 0, acknowledged: acknowledged.get(date) ?? 0 })),
    by_service: keyed(counts.dimensions, (d) => names.service(d.service), incidents),
    by_urgency: keyed(counts.dimensions, (d) => d.urgency, incidents),
    by_integration: keyed(counts.dimensions, (d) => names.integration(d.integration), incidents),
    noisiest: counts.noisiest,
    funnel: { events: sum((d) => d.events), incidents: sum(incidents), pages: counts.pages },
  };
}

/** One line per figure, `section,key,value`: every part of the report in one sheet a pivot table reads. */
export function incidentCsv(report: ReturnType<typeof incidentReport>): [string[], Cell[][]] {
  const lines: Cell[][] = [];
  report.heatmap.forEach((hours, day) =>
    hours.forEach((count, hour) => lines.push(['heatmap', `${WEEKDAYS[day]} ${String(hour).padStart(2, '0')}`, count])),
  );
  for (const d of report.by_day) lines.push(['created', d.date, d.created], ['acknowledged', d.date, d.acknowledged]);
  for (const [section, list] of [
    ['service', report.by_service],
    ['urgency', report.by_urgency],
    ['integration', report.by_integration],
  ] as const) {
    for (const r of list) lines.push([section, r.key, r.count]);
  }
  for (const n of report.noisiest) lines.push(['noisiest', `${n.event_id} ${n.summary}`, n.events]);
  for (const [stage, count] of Object.entries(report.funnel)) lines.push(['funnel', stage, count]);
  return [['section', 'key', 'value'], lines];
}

// ---- notifications ----

type Outcome = PageCounts['outcomes'][number];

/** Pages sent or delivered, of those that went out or failed (not those waiting, or cancelled by an acknowledgement). */
function rate(outcomes: readonly Outcome[]): number | null {
  const ended = outcomes.filter((o) => ['sent', 'delivered', 'failed'].includes(o.status));
  const total = ended.reduce((n, o) => n + o.pages, 0);
  if (total === 0) return null;
  return ended.filter((o) => o.status !== 'failed').reduce((n, o) => n + o.pages, 0) / total;
}

function rates(outcomes: readonly Outcome[], keyOf: (o: Outcome) => string) {
  const by = new Map<string, Outcome[]>();
  for (const o of outcomes) by.set(keyOf(o), [...(by.get(keyOf(o)) ?? []), o]);
  return Object.fromEntries([...by].map(([key, list]) => [key, rate(list)]));
}

export function notificationReport(counts: PageCounts, dates: readonly string[]) {
  const byDay = perDate(counts.hours);
  const byHour = Array<number>(24).fill(0);
  for (const h of counts.hours) byHour[wallClock(h.hour).hour]! += h.count;
  const pages = (o: Outcome) => o.pages;
  const offHours = new Map(
    keyed(
      counts.outcomes,
      (o) => o.user,
      (o) => o.off_hours,
    ).map((r) => [r.key, r.count]),
  );
  return {
    by_channel: Object.fromEntries(keyed(counts.outcomes, (o) => o.channel, pages).map((r) => [r.key, r.count])),
    by_day: dates.map((date) => ({ date, pages: byDay.get(date) ?? 0 })),
    by_hour: byHour.map((n, hour) => ({ hour, pages: n })),
    success_rate: rates(counts.outcomes, (o) => o.channel),
    success_rate_by_provider: rates(counts.outcomes, (o) => `${o.channel}:${o.provider ?? 'none'}`),
    per_responder: keyed(counts.outcomes, (o) => o.user, pages).map((r) => ({
      user: r.key,
      pages: r.count,
      off_hours_pages: offHours.get(r.key) ?? 0,
    })),
  };
}

export function notificationCsv(report: ReturnType<typeof notificationReport>): [string[], Cell[][]] {
  const lines: Cell[][] = [];
  for (const [channel, count] of Object.entries(report.by_channel)) lines.push(['channel', channel, count]);
  for (const d of report.by_day) lines.push(['day', d.date, d.pages]);
  for (const h of report.by_hour) lines.push(['hour', String(h.hour).padStart(2, '0'), h.pages]);
  for (const [channel, r] of Object.entries(report.success_rate)) lines.push(['success_rate', channel, r]);
  for (const [via, r] of Object.entries(report.success_rate_by_provider)) lines.push(['provider_success_rate', via, r]);
  for (const r of report.per_responder) {
    lines.push(['responder_pages', r.user, r.pages], ['responder_off_hours_pages', r.user, r.off_hours_pages]);
  }
  return [['section', 'key', 'value'], lines];
}

// ---- on-call load ----

export interface OnCallRow {
  user: string;
  hours: LoadHours;
  pages: number;
  acknowledged: number;
  mtta_seconds: number | null;
}

const NO_HOURS: LoadHours = { total: 0, business: 0, off_hours: 0, weekend: 0, holiday: 0 };

/** Every responder who held a shift, was paged or acknowledged in the range (of those the scope admits). */
export function onCallReport(
  hours: ReadonlyMap<string, LoadHours>,
  pages: ReadonlyMap<string, number>,
  acks: readonly ResponderAcks[],
  admits: (user: string) => boolean,
): { rows: OnCallRow[] } {
  const acked = new Map(acks.map((a) => [a.user, a]));
  const users = new Set([...hours.keys(), ...pages.keys(), ...acked.keys()]);
  const rows = [...users].filter(admits).map((user) => ({
    user,
    hours: hours.get(user) ?? NO_HOURS,
    pages: pages.get(user) ?? 0,
    acknowledged: acked.get(user)?.acknowledged ?? 0,
    mtta_seconds: inSeconds(acked.get(user)?.tta ?? []).mean,
  }));
  return { rows: rows.sort((a, b) => b.hours.total - a.hours.total || a.user.localeCompare(b.user)) };
}

export function onCallCsv(report: ReturnType<typeof onCallReport>): [string[], Cell[][]] {
  return [
    [
      'user',
      'hours_total',
      'hours_business',
      'hours_off_hours',
      'hours_weekend',
      'hours_holiday',
      'pages',
      'acknowledged',
      'mtta_seconds',
    ],
    report.rows.map((r) => [
      r.user,
      r.hours.total,
      r.hours.business,
      r.hours.off_hours,
      r.hours.weekend,
      r.hours.holiday,
      r.pages,
      r.acknowledged,
      r.mtta_seconds,
    ]),
  ];
}

// ---- the rows behind them ----

export const INCIDENT_LINE_HEADER = [
  'id',
  'number',
  'service',
  'integration',
  'escalation_policy',
  'team',
  'status',
  'urgency',
  'summary',
  'event_id',
  'alert_count',
  'created_at',
  'first_acknowledged_at',
  'acknowledged_by',
  'resolved_at',
  'escalated_beyond_first_step',
  'seconds_to_acknowledge',
  'seconds_to_resolve',
];

export function incidentLine(i: IncidentLine, names: Names) {
  return {
    id: i.id,
    number: i.number,
    service: names.service(i.service_id),
    integration: names.integration(i.integration_id),
    escalation_policy: i.escalation_policy,
    team: names.teamOf(i.service_id),
    status: i.status,
    urgency: i.urgency,
    summary: i.summary,
    event_id: i.event_id,
    alert_count: i.alert_count,
    created_at: i.created_at,
    first_acknowledged_at: i.first_acknowledged_at,
    acknowledged_by: i.acknowledged_by,
    resolved_at: i.resolved_at,
    escalated_beyond_first_step: Boolean(i.escalated),
    seconds_to_acknowledge: i.tta === null ? null : i.tta / 1000,
    seconds_to_resolve: i.ttr === null ? null : i.ttr / 1000,
  };
}

export const PAGE_LINE_HEADER = [
  'id',
  'incident_id',
  'incident_number',
  'user',
  'channel',
  'provider',
  'status',
  'attempts',
  'due_at',
  'sent_at',
  'delivered_at',
  'error',
];

export const pageLine = (n: PageLine) => ({
  id: n.id,
  incident_id: n.incident_id,
  incident_number: n.incident_number,
  user: n.user,
  channel: n.channel,
  provider: n.provider,
  status: n.status,
  attempts: n.attempt,
  due_at: n.due_at,
  sent_at: n.sent_at,
  delivered_at: n.delivered_at,
  error: n.detail,
});
