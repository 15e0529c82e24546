// /reports/{system|incidents|notifications|oncall}: how fast incidents are acknowledged and resolved,
// where the noise comes from, how pages went, and who carries the on-call load, over a half-open range
// of creation (pages: of due time; on-call: of shift time), grouped by the viewer's zone. Each answers
// JSON, or CSV with `Accept: text/csv` or `?format=csv`; /reports/{name}/rows lists what is behind it.
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Configuration } from '../config/document';
import { deletedHandles, loadConfig, type StoredConfig } from '../config/store';
import { HttpError } from '../http';
import { csv, csvLine, BOM, type Cell } from '../reports/csv';
import {
  DEFAULT_WORKING_HOURS,
  loadHours,
  onCallByUser,
  workingCalendar,
  workingWindows,
  type WorkingHours,
} from '../reports/load';
import {
  incidentCounts,
  incidentLines,
  pageCounts,
  pageLines,
  responderCounts,
  ROWS_PAGE,
  systemGroups,
  type Scope,
} from '../reports/queries';
import {
  INCIDENT_LINE_HEADER,
  incidentCsv,
  incidentLine,
  incidentReport,
  notificationCsv,
  notificationReport,
  onCallCsv,
  onCallReport,
  PAGE_LINE_HEADER,
  pageLine,
  systemCsv,
  systemReport,
  type Names,
} from '../reports/reports';
import { localDates, offsetSpans } from '../reports/zone';
import { holidayCountries } from '../schedule/holidays';
import { shiftsBetween, timeZoneSchema } from '../schedule/schedule';
import { DAY, isoInstantSchema } from '../vocabulary';
import type { ApiEnv } from './auth';
import { apiApp, apiRoute, openapi } from './route';

/** The longest range a report covers: two years of days, hours and shifts. */
const MAX_RANGE_DAYS = 732;
const DEFAULT_RANGE_DAYS = 30;

const hhmm = /^(?:[01]\d|2[0-3]):[0-5]\d$/;

export const reportQuerySchema = z.object({
  from: isoInstantSchema.optional().openapi({ description: `default: ${DEFAULT_RANGE_DAYS} days before to` }),
  to: isoInstantSchema.optional().openapi({ description: 'default: now; the range is [from, to)' }),
  tz: timeZoneSchema.default('UTC').openapi({ description: 'IANA zone for days, hours and weekdays' }),
  service: z.string().max(200).optional().openapi({ description: 'a service, by handle or id' }),
  team: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: 'a team, by handle or id: its services (on-call: its members)' }),
  business_hours: z
    .string()
    .refine((v) => {
      const [start, end, ...rest] = v.split('-');
      return rest.length === 0 && hhmm.test(start ?? '') && hhmm.test(end ?? '') && end! > start!;
    }, 'HH:mm-HH:mm, the end after the start')
    .optional()
    .openapi({ description: 'Monday to Friday, in tz (default 09:00-18:00)' }),
  holidays: z
    .enum([...holidayCountries, 'none'])
    .default('none')
    .openapi({ description: 'the public holidays that count as holiday time (ISO country code)' }),
  format: z.enum(['json', 'csv']).optional(),
});
type ReportQuery = z.infer<typeof reportQuerySchema>;

const rowsQuerySchema = reportQuerySchema.extend({
  cursor: z.string().max(300).optional(),
  limit: z.coerce.number().int().min(1).max(ROWS_PAGE).default(500),
});

// ---- answer shapes ----

const summarySchema = z.object({
  mean: z.number().nullable(),
  median: z.number().nullable(),
  p90: z.number().nullable(),
});
const systemRowSchema = z.object({
  service: z.string().nullable(),
  escalation_policy: z.string().nullable(),
  team: z.string().nullable(),
  opened: z.number(),
  acknowledged: z.number(),
  resolved: z.number(),
  resolved_without_acknowledgement: z.number(),
  escalated_beyond_first_step: z.number(),
  mtta_seconds: summarySchema,
  mttr_seconds: summarySchema,
});
const rangeFields = { from: z.string(), to: z.string(), tz: z.string() };
const keyedSchema = z.array(z.object({ key: z.string(), count: z.number() }));

export const systemReportSchema = z
  .object({ ...rangeFields, rows: z.array(systemRowSchema), total: systemRowSchema })
  .meta({ id: 'SystemReport' });
export const incidentReportSchema = z
  .object({
    ...rangeFields,
    heatmap: z.array(z.array(z.number())).describe('7 rows, Monday first; 24 columns, hours 0–23 in tz'),
    by_day: z.array(z.object({ date: z.string(), created: z.number(), acknowledged: z.number() })),
    by_service: keyedSchema,
    by_urgency: keyedSchema,
    by_integration: keyedSchema,
    noisiest: z.array(
      z.object({ event_id: z.string(), summary: z.string(), events: z.number(), incidents: z.number() }),
    ),
    funnel: z.object({ events: z.number(), incidents: z.number(), pages: z.number() }),
  })
  .meta({ id: 'IncidentReport' });
export const notificationReportSchema = z
  .object({
    ...rangeFields,
    by_channel: z.record(z.string(), z.number()),
    by_day: z.array(z.object({ date: z.string(), pages: z.number() })),
    by_hour: z.array(z.object({ hour: z.number(), pages: z.number() })),
    success_rate: z.record(z.string(), z.number().nullable()),
    success_rate_by_provider: z.record(z.string(), z.number().nullable()).describe('keyed channel:provider'),
    per_responder: z.array(z.object({ user: z.string(), pages: z.number(), off_hours_pages: z.number() })),
  })
  .meta({ id: 'NotificationReport' });
const hoursSchema = z.object({
  total: z.number(),
  business: z.number(),
  off_hours: z.number(),
  weekend: z.number(),
  holiday: z.number(),
});
export const onCallReportSchema = z
  .object({
    ...rangeFields,
    rows: z.array(
      z.object({
        user: z.string(),
        hours: hoursSchema,
        pages: z.number(),
        acknowledged: z.number(),
        mtta_seconds: z.number().nullable(),
      }),
    ),
  })
  .meta({ id: 'OnCallReport' });

// ---- scope ----

function badQuery(field: string, message: string): never {
  throw new HttpError(400, 'invalid_request', `${field}: ${message}`, [{ field, message }]);
}

function rangeOf(query: ReportQuery, now: Date): { from: Date; to: Date } {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - DEFAULT_RANGE_DAYS * DAY);
  if (to <= from) badQuery('to', 'the range ends after it starts');
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY)
    badQuery('from', `a range covers at most ${MAX_RANGE_DAYS} days`);
  return { from, to };
}

/** A configured object by handle or internal id. */
function handleOf(stored: StoredConfig, kind: 'services' | 'teams', value: string, field: string): string {
  const items = stored.config[kind] as { id: string }[];
  if (items.some((item) => item.id === value)) return value;
  const byId = [...stored.ids[kind]].find(([, id]) => id === value);
  if (byId) return byId[0];
  return badQuery(field, `no ${kind === 'services' ? 'service' : 'team'} is named ${value}`);
}

/** A deleted object's history goes under the handle it last had. */
const deleted = (handles: Map<string, string>, id: string) => {
  const handle = handles.get(id);
  return handle === undefined ? id : `${handle} (deleted)`;
};

interface Asked {
  scope: Scope;
  stored: StoredConfig;
  names: Names;
  team: string | null;
  service: string | null;
}

async function asked(c: Context<ApiEnv>, query: ReportQuery): Promise<Asked> {
  const { from, to } = rangeOf(query, new Date());
  const [stored, deletedServices, deletedIntegrations] = await Promise.all([
    loadConfig(c.env.DB),
    deletedHandles(c.env.DB, 'services'),
    deletedHandles(c.env.DB, 'integrations'),
  ]);
  const { config, ids } = stored;
  const service = query.service ? handleOf(stored, 'services', query.service, 'service') : null;
  const team = query.team ? handleOf(stored, 'teams', query.team, 'team') : null;
  const covered = config.services.filter((s) => (!service || s.id === service) && (!team || s.team === team));
  const services = service || team ? covered.map((s) => ids.services.get(s.id)!).filter(Boolean) : null;
  const handles = (kind: 'services' | 'integrations') => new Map([...ids[kind]].map(([handle, id]) => [id, handle]));
  const [serviceHandles, integrationHandles] = [handles('services'), handles('integrations')];
  const teams = new Map(config.services.map((s) => [ids.services.get(s.id), s.team ?? null]));
  return {
    scope: { from, to, spans: offsetSpans(query.tz, from, to), services },
    stored,
    service,
    team,
    names: {
      service: (id) => serviceHandles.get(id) ?? deleted(deletedServices, id),
      integration: (id) => integrationHandles.get(id) ?? deleted(deletedIntegrations, id),
      teamOf: (id) => teams.get(id) ?? null,
    },
  };
}

const workingHoursOf = (query: ReportQuery): WorkingHours => {
  if (!query.business_hours) return DEFAULT_WORKING_HOURS;
  const [start, end] = query.business_hours.split('-') as [string, string];
  return { start, end };
};

/** The viewer's working calendar: what off hours, weekends and holidays are, for pages and on-call hours alike. */
const calendarOf = (query: ReportQuery) => workingCalendar(query.tz, workingHoursOf(query), query.holidays);

const wantsCsv = (c: Context<ApiEnv>, query: { format?: 'json' | 'csv' }) =>
  query.format === 'csv' || (query.format === undefined && /\btext\/csv\b/.test(c.req.header('accept') ?? ''));

function csvAnswer(c: Context<ApiEnv>, name: string, scope: Scope, body: string | ReadableStream) {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return c.body(body, 200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="tocsin-${name}-${day(scope.from)}-${day(scope.to)}.csv"`,
  });
}

/** A report answered as JSON, or as CSV from its table. */
function answer<R extends object>(
  c: Context<ApiEnv>,
  name: string,
  query: ReportQuery,
  scope: Scope,
  report: R,
  table: (report: R) => [string[], Cell[][]],
) {
  if (wantsCsv(c, query)) return csvAnswer(c, name, scope, csv(...table(report)));
  return c.json({ from: scope.from.toISOString(), to: scope.to.toISOString(), tz: query.tz, ...report });
}

// ---- on-call load ----

/** The schedules a scope's on-call load comes from: all, or those a service's routing reaches. */
function schedulesFor(config: Configuration, service: string | null) {
  if (!service) return config.schedules;
  const routing = config.services.find((s) => s.id === service)?.routing;
  const named = new Set<string>();
  if (routing && 'schedule' in routing) named.add(routing.schedule);
  if (routing && 'escalation_policy' in routing) {
    const policy = config.escalation_policies.find((p) => p.id === routing.escalation_policy);
    for (const step of policy?.steps ?? []) {
      for (const r of step.responders) if ('schedule' in r) named.add(r.schedule);
    }
  }
  return config.schedules.filter((s) => named.has(s.id));
}

async function onCall(c: Context<ApiEnv>, query: ReportQuery, a: Asked) {
  const { config } = a.stored;
  const { from, to } = a.scope;
  const shifts = schedulesFor(config, a.service).flatMap((schedule) =>
    // Only the part of each shift inside the range counts.
    shiftsBetween(schedule, from, to).map((s) => ({
      ...s,
      start: s.start < from ? from : s.start,
      end: s.end > to ? to : s.end,
    })),
  );
  const calendar = calendarOf(query);
  const hours = new Map([...onCallByUser(shifts)].map(([user, held]) => [user, loadHours(held, calendar)]));
  const { pages, acks } = await responderCounts(c.env.DB, a.scope);
  const members = a.team ? new Set(config.teams.find((t) => t.id === a.team)?.members ?? []) : null;
  return onCallReport(hours, pages, acks, (user) => !members || members.has(user));
}

// ---- routes ----

export const reportRoutes = apiApp();

const reportNames = ['system', 'incidents', 'notifications', 'oncall'] as const;
type ReportName = (typeof reportNames)[number];

const csvContent = { 'text/csv': { schema: z.string().describe('RFC 4180, UTF-8 with a byte-order mark') } };

const reports: Record<
  ReportName,
  { summary: string; schema: z.ZodType; run: (c: Context<ApiEnv>, q: ReportQuery) => Promise<Response> }
> = {
  system: {
    summary: 'MTTA, MTTR and counts per service and escalation policy (with its team), and in total',
    schema: systemReportSchema,
    run: async (c, query) => {
      const a = await asked(c, query);
      return answer(
        c,
        'system',
        query,
        a.scope,
        systemReport(await systemGroups(c.env.DB, a.scope), a.names),
        systemCsv,
      );
    },
  },
  incidents: {
    summary:
      'Incidents by hour and weekday, by day, service, urgency and integration; the noisiest alerts; the noise funnel',
    schema: incidentReportSchema,
    run: async (c, query) => {
      const a = await asked(c, query);
      const counts = await incidentCounts(c.env.DB, a.scope);
      const report = incidentReport(counts, localDates(query.tz, a.scope.from, a.scope.to), a.names);
      return answer(c, 'incidents', query, a.scope, report, incidentCsv);
    },
  },
  notifications: {
    summary:
      'Pages by channel, day and hour; delivery success per channel and provider; pages and off-hours pages per responder',
    schema: notificationReportSchema,
    run: async (c, query) => {
      const a = await asked(c, query);
      const working = workingWindows(calendarOf(query), a.scope.from, a.scope.to);
      const counts = await pageCounts(c.env.DB, a.scope, working);
      const report = notificationReport(counts, localDates(query.tz, a.scope.from, a.scope.to));
      return answer(c, 'notifications', query, a.scope, report, notificationCsv);
    },
  },
  oncall: {
    summary: 'Per responder: hours on call (business, off hours, weekend, holiday), pages, acknowledgements and MTTA',
    schema: onCallReportSchema,
    run: async (c, query) => {
      const a = await asked(c, query);
      return answer(c, 'oncall', query, a.scope, await onCall(c, query, a), onCallCsv);
    },
  },
};

for (const name of reportNames) {
  const { summary, schema, run } = reports[name];
  openapi(
    reportRoutes,
    apiRoute({
      method: 'get',
      path: `/reports/${name}`,
      summary,
      permission: 'read',
      request: { query: reportQuerySchema },
      responses: { 200: { description: 'The report', content: { 'application/json': { schema }, ...csvContent } } },
    }),
    (c) => run(c, c.req.valid('query')),
  );
}

// The rows behind a report: its incidents (or, for the notification report, its pages), oldest first.
openapi(
  reportRoutes,
  apiRoute({
    method: 'get',
    path: '/reports/{name}/rows',
    summary: 'The incidents (for notifications: the pages) behind a report, oldest first; CSV streams them all',
    permission: 'read',
    request: { params: z.object({ name: z.enum(reportNames) }), query: rowsQuerySchema },
    responses: {
      200: {
        description: 'A page of rows with the cursor of the next, or all of them as CSV',
        content: {
          'application/json': {
            schema: z.object({ rows: z.array(z.record(z.string(), z.unknown())), next_cursor: z.string().nullable() }),
          },
          ...csvContent,
        },
      },
    },
  }),
  async (c) => {
    const query = c.req.valid('query');
    const a = await asked(c, query);
    const pages = c.req.valid('param').name === 'notifications';
    type Line = { id: string; created_at?: string; due_at?: string };
    const lines = async (after: [string, string] | null): Promise<Line[]> =>
      pages
        ? (await pageLines(c.env.DB, a.scope, after)).map(pageLine)
        : (await incidentLines(c.env.DB, a.scope, after)).map((i) => incidentLine(i, a.names));
    // Keyset order: incidents by creation, pages by due time, then id.
    const cursorOf = (line: Line): [string, string] => [(line.created_at ?? line.due_at)!, line.id];
    const header = pages ? PAGE_LINE_HEADER : INCIDENT_LINE_HEADER;
    if (wantsCsv(c, query)) {
      // Streamed a page at a time: a year of incidents never sits in memory at once.
      const encoder = new TextEncoder();
      let after: [string, string] | null = null;
      let started = false;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (!started) {
            started = true;
            controller.enqueue(encoder.encode(BOM + csvLine(header)));
            return;
          }
          const rows = await lines(after);
          for (const row of rows) controller.enqueue(encoder.encode(csvLine(Object.values(row) as Cell[])));
          if (rows.length < ROWS_PAGE) controller.close();
          else after = cursorOf(rows.at(-1)!);
        },
      });
      return csvAnswer(c, `${c.req.valid('param').name}-rows`, a.scope, body);
    }
    const after = query.cursor ? (query.cursor.split('|', 2) as [string, string]) : null;
    if (after && after.length !== 2) badQuery('cursor', 'not a cursor this list gave');
    const rows = await lines(after);
    const page = rows.slice(0, query.limit);
    const more = rows.length > query.limit;
    return c.json({ rows: page, next_cursor: more ? cursorOf(page.at(-1)!).join('|') : null });
  },
);
