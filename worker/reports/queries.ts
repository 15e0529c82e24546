// What the reports read from D1: aggregates over the incidents created in a range (through the
// created_at index) and over the pages due in it (through the kind-and-due index), grouped in SQL so
// that a year of incidents comes back as a few thousand rows at most: counts per local hour, which
// the reports turn into days, hours and weekdays. Local time is the viewer's offsets over the range (zone.ts).
import type { Window } from './load';
import type { OffsetSpan } from './zone';

/** A report's reach: a half-open range, the zone's offsets over it, and the services it covers (all when null). */
export interface Scope {
  from: Date;
  to: Date;
  spans: OffsetSpan[];
  services: string[] | null;
}

/**
 * An instant column as seconds since the epoch on the viewer's wall clock: UTC seconds plus the
 * offset in effect then. Grouped by `/ 3600`, it gives local hours whatever the offset (+05:45 too).
 * The spans come from the time zone database (ISO instants, whole minutes), never from input, so
 * they are written inline.
 */
export function localSeconds(column: string, spans: readonly OffsetSpan[]): string {
  const last = spans.at(-1)!;
  const offset =
    spans.length === 1
      ? String(last.offsetMinutes * 60)
      : `CASE ${spans
          .slice(0, -1)
          .map((s) => `WHEN ${column} < '${new Date(s.until!).toISOString()}' THEN ${s.offsetMinutes * 60}`)
          .join(' ')} ELSE ${last.offsetMinutes * 60} END`;
  return `(unixepoch(${column}) + ${offset})`;
}

const localHour = (column: string, spans: readonly OffsetSpan[]) => `${localSeconds(column, spans)} / 3600`;

/** Milliseconds between two instant columns, exact to the millisecond. */
const millisBetween = (from: string, to: string) =>
  `CAST(round((julianday(${to}) - julianday(${from})) * 86400000) AS INTEGER)`;

/** The first acknowledgement, for rows copied before it was kept apart from the current one. */
export const FIRST_ACK = 'coalesce(i.first_acknowledged_at, i.acknowledged_at)';
export const TIME_TO_ACK = millisBetween('i.created_at', FIRST_ACK);
export const TIME_TO_RESOLVE = millisBetween('i.created_at', 'i.resolved_at');

/** The incidents in scope, as `i`: created in the range, of the services covered. */
function incidentsIn(scope: Scope): { where: string; params: unknown[] } {
  const params: unknown[] = [scope.from.toISOString(), scope.to.toISOString()];
  let where = 'i.created_at >= ? AND i.created_at < ?';
  if (scope.services) {
    where += ' AND i.service_id IN (SELECT value FROM json_each(?))';
    params.push(JSON.stringify(scope.services));
  }
  return { where, params };
}

/** The pages in scope, as `n`: due in the range, for incidents of the services covered. */
function pagesIn(scope: Scope, due = 'n.due_at'): { from: string; where: string; params: unknown[] } {
  const services = pagesOf(scope);
  return {
    from: services.from,
    where: `n.kind = 'page' AND ${due} >= ? AND ${due} < ?${services.where}`,
    params: [scope.from.toISOString(), scope.to.toISOString(), ...services.params],
  };
}

/** The pages of the services covered, as `n` (the kinds and range left to the caller). */
function pagesOf(scope: Scope): { from: string; where: string; params: unknown[] } {
  if (!scope.services) return { from: 'notifications n', where: '', params: [] };
  return {
    from: 'notifications n JOIN incidents i ON i.id = n.incident_id',
    where: ' AND i.service_id IN (SELECT value FROM json_each(?))',
    params: [JSON.stringify(scope.services)],
  };
}

/**
 * The pages in scope read in the order of the kind-and-outcome index, which is the grouping by
 * responder, channel, provider and status: nothing to sort. The range is kept from the index (`+`),
 * since with ANALYZE's statistics SQLite would rather skip through the user index for it and then
 * sort every page: a year of them took ten times as long.
 */
const pagesGrouped = (scope: Scope) => pagesIn(scope, '+n.due_at');

async function all<T>(d1: D1Database, query: string, params: unknown[]): Promise<T[]> {
  return (
    await d1
      .prepare(query)
      .bind(...params)
      .all<T>()
  ).results;
}

export interface SystemGroup {
  service: string;
  policy: string | null;
  opened: number;
  acknowledged: number;
  resolved: number;
  resolved_without_acknowledgement: number;
  escalated: number;
  /** Milliseconds from creation to the first acknowledgement, and to resolution. */
  tta: number[];
  ttr: number[];
}

export async function systemGroups(d1: D1Database, scope: Scope): Promise<SystemGroup[]> {
  const { where, params } = incidentsIn(scope);
  const rows = await all<Omit<SystemGroup, 'tta' | 'ttr'> & { tta: string; ttr: string }>(
    d1,
    `SELECT i.service_id AS service, i.escalation_policy AS policy, count(*) AS opened,
       count(${FIRST_ACK}) AS acknowledged, count(i.resolved_at) AS resolved,
       sum(i.resolved_at IS NOT NULL AND ${FIRST_ACK} IS NULL) AS resolved_without_acknowledgement,
       sum(i.escalated) AS escalated,
       json_group_array(${TIME_TO_ACK}) FILTER (WHERE ${FIRST_ACK} IS NOT NULL) AS tta,
       json_group_array(${TIME_TO_RESOLVE}) FILTER (WHERE i.resolved_at IS NOT NULL) AS ttr
     FROM incidents i WHERE ${where}
     GROUP BY i.service_id, i.escalation_policy`,
    params,
  );
  return rows.map((r) => ({ ...r, tta: JSON.parse(r.tta ?? '[]'), ttr: JSON.parse(r.ttr ?? '[]') }));
}

/** Counts per local hour: the hour as hours since the epoch on the viewer's wall clock. */
export interface HourCount {
  hour: number;
  count: number;
}

export interface IncidentCounts {
  created: HourCount[];
  acknowledged: HourCount[];
  /** Per service, integration and urgency: incidents, and the events they gathered. */
  dimensions: { service: string; integration: string; urgency: string; incidents: number; events: number }[];
  noisiest: { event_id: string; summary: string; events: number; incidents: number }[];
  /** Pages due in the range. */
  pages: number;
}

export const NOISIEST = 10;

export async function incidentCounts(d1: D1Database, scope: Scope): Promise<IncidentCounts> {
  const { where, params } = incidentsIn(scope);
  const pages = pagesIn(scope);
  const statement = (query: string) =>
    d1.prepare(query.replace('$IN', `FROM incidents i WHERE ${where}`)).bind(...params);
  const results = await d1.batch([
    statement(`SELECT ${localHour('i.created_at', scope.spans)} AS hour, count(*) AS count $IN GROUP BY 1`),
    statement(
      `SELECT ${localHour(FIRST_ACK, scope.spans)} AS hour, count(*) AS count $IN AND ${FIRST_ACK} IS NOT NULL GROUP BY 1`,
    ),
    statement(
      `SELECT i.service_id AS service, i.integration_id AS integration, i.urgency AS urgency, count(*) AS incidents,
         sum(i.alert_count) AS events $IN GROUP BY 1, 2, 3`,
    ),
    // With one max() aggregate, SQLite takes the bare summary from the row holding the max: the latest incident's.
    statement(
      `SELECT i.event_id AS event_id, i.summary AS summary, max(i.number) AS latest, sum(i.alert_count) AS events,
         count(*) AS incidents $IN GROUP BY i.event_id ORDER BY events DESC, latest DESC LIMIT ${NOISIEST}`,
    ),
    d1.prepare(`SELECT count(*) AS pages FROM ${pages.from} WHERE ${pages.where}`).bind(...pages.params),
  ]);
  const rows = <T>(i: number) => results[i]!.results as T[];
  return {
    created: rows(0),
    acknowledged: rows(1),
    dimensions: rows(2),
    noisiest: rows<IncidentCounts['noisiest'][number]>(3).map(({ event_id, summary, events, incidents }) => ({
      event_id,
      summary,
      events,
      incidents,
    })),
    pages: rows<{ pages: number }>(4)[0]!.pages,
  };
}

export interface PageCounts {
  hours: HourCount[];
  /** Per responder, channel, provider and status: pages, and those outside working time. */
  outcomes: {
    user: string;
    channel: string;
    provider: string | null;
    status: string;
    pages: number;
    off_hours: number;
  }[];
}

/**
 * `working`: the working hours inside the range, as ISO instants (see workingWindows); a page due
 * outside them is an off-hours page. Each group counts its working pages with a seek per window
 * in the kind-and-outcome index, where its pages lie in due order: telling off hours works out no
 * local time per page.
 */
export async function pageCounts(d1: D1Database, scope: Scope, working: readonly Window[]): Promise<PageCounts> {
  const { from, where, params } = pagesIn(scope);
  const grouped = pagesGrouped(scope);
  const services = pagesOf(scope);
  const [hours, outcomes] = await d1.batch([
    d1
      .prepare(
        `SELECT ${localHour('n.due_at', scope.spans)} AS hour, count(*) AS count FROM ${from} WHERE ${where} GROUP BY 1`,
      )
      .bind(...params),
    d1
      .prepare(
        `WITH outcome AS MATERIALIZED (
           SELECT n.user AS user, n.channel AS channel, n.provider AS provider, n.status AS status, count(*) AS pages
           FROM ${grouped.from} WHERE ${grouped.where} GROUP BY n.user, n.channel, n.provider, n.status),
         working(start, end) AS (SELECT value ->> 0, value ->> 1 FROM json_each(?))
         SELECT o.user, o.channel, o.provider, o.status, o.pages,
           o.pages - (SELECT count(*) FROM working w CROSS JOIN ${services.from}
             WHERE n.kind = 'page' AND n.user = o.user AND n.channel = o.channel AND n.provider IS o.provider
               AND n.status = o.status AND n.due_at >= w.start AND n.due_at < w.end${services.where}) AS off_hours
         FROM outcome o`,
      )
      .bind(...grouped.params, JSON.stringify(working), ...services.params),
  ]);
  return { hours: hours!.results as HourCount[], outcomes: outcomes!.results as PageCounts['outcomes'] };
}

export interface ResponderAcks {
  user: string;
  acknowledged: number;
  tta: number[];
}

/** Per user: the pages they received in the range, and the incidents they acknowledged first. */
export async function responderCounts(
  d1: D1Database,
  scope: Scope,
): Promise<{ pages: Map<string, number>; acks: ResponderAcks[] }> {
  const pages = pagesGrouped(scope);
  const incidents = incidentsIn(scope);
  const [paged, acked] = await d1.batch([
    d1
      .prepare(`SELECT n.user AS user, count(*) AS pages FROM ${pages.from} WHERE ${pages.where} GROUP BY 1`)
      .bind(...pages.params),
    d1
      .prepare(
        `SELECT i.acknowledged_by AS user, count(*) AS acknowledged, json_group_array(${TIME_TO_ACK}) AS tta
         FROM incidents i WHERE ${incidents.where} AND i.acknowledged_by IS NOT NULL GROUP BY 1`,
      )
      .bind(...incidents.params),
  ]);
  return {
    pages: new Map((paged!.results as { user: string; pages: number }[]).map((r) => [r.user, r.pages])),
    acks: (acked!.results as { user: string; acknowledged: number; tta: string }[]).map((r) => ({
      ...r,
      tta: JSON.parse(r.tta),
    })),
  };
}

export const ROWS_PAGE = 2000;

export interface IncidentLine {
  id: string;
  number: number;
  service_id: string;
  integration_id: string;
  escalation_policy: string | null;
  status: string;
  urgency: string;
  summary: string;
  event_id: string;
  alert_count: number;
  created_at: string;
  first_acknowledged_at: string | null;
  acknowledged_by: string | null;
  resolved_at: string | null;
  escalated: number;
  tta: number | null;
  ttr: number | null;
}

/** The incidents behind a report, oldest first, a page at a time after the cursor (`created_at|id`). */
export async function incidentLines(d1: D1Database, scope: Scope, after: [string, string] | null) {
  const { where, params } = incidentsIn(scope);
  const cursor = after ? ' AND (i.created_at, i.id) > (?, ?)' : '';
  return all<IncidentLine>(
    d1,
    `SELECT i.id, i.number, i.service_id, i.integration_id, i.escalation_policy, i.status, i.urgency, i.summary,
       i.event_id, i.alert_count, i.created_at, ${FIRST_ACK} AS first_acknowledged_at, i.acknowledged_by,
       i.resolved_at, i.escalated,
       CASE WHEN ${FIRST_ACK} IS NOT NULL THEN ${TIME_TO_ACK} END AS tta,
       CASE WHEN i.resolved_at IS NOT NULL THEN ${TIME_TO_RESOLVE} END AS ttr
     FROM incidents i WHERE ${where}${cursor} ORDER BY i.created_at, i.id LIMIT ${ROWS_PAGE}`,
    [...params, ...(after ?? [])],
  );
}

export interface PageLine {
  id: string;
  incident_id: string | null;
  incident_number: number | null;
  user: string;
  channel: string;
  provider: string | null;
  status: string;
  attempt: number;
  due_at: string;
  sent_at: string | null;
  delivered_at: string | null;
  detail: string | null;
}

/** The pages behind the notification report, oldest first, a page at a time after the cursor (`due_at|id`). */
export async function pageLines(d1: D1Database, scope: Scope, after: [string, string] | null) {
  const { from, where, params } = pagesIn(scope);
  const cursor = after ? ' AND (n.due_at, n.id) > (?, ?)' : '';
  return all<PageLine>(
    d1,
    `SELECT n.id, n.incident_id, n.incident_number, n.user, n.channel, n.provider, n.status, n.attempt, n.due_at,
       n.sent_at, n.delivered_at, n.detail
     FROM ${from} WHERE ${where}${cursor} ORDER BY n.due_at, n.id LIMIT ${ROWS_PAGE}`,
    [...params, ...(after ?? [])],
  );
}
