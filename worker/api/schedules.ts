// /api/v1/schedules: who is on call, shifts and gaps over a range; /api/v1/on-call; and the secret
// iCalendar feeds (no token: the secret in the URL is the credential).
import { z } from '@hono/zod-openapi';
import { and, eq, isNull } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { Hono } from 'hono';
import { schedules, users } from '../db/schema';
import { HttpError } from '../http';
import { isoInstantSchema } from '../vocabulary';
import { calendar, type CalendarShift } from '../schedule/ical';
import { gapsBetween, shiftsBetween, type Schedule, type Shift } from '../schedule/schedule';
import type { Configuration } from '../config/document';
import { loadConfig, newCalendarSecret } from '../config/store';
import { configures } from '../permissions';
import { audit } from './audit';
import { apiApp, apiRoute, idParams, json, openapi } from './route';
import { calendarUrlSchema } from './users';
import { escalationPolicySchema } from '../escalation/policy';

const DAY = 24 * 60 * 60 * 1000;
const MAX_RANGE_DAYS = 366;
/** What a calendar subscription shows: a week back, three months ahead. */
const FEED_PAST_DAYS = 7;
const FEED_FUTURE_DAYS = 92;
/** Policies are flagged when a schedule they page has a gap this soon. */
export const GAP_HORIZON_DAYS = 28;

export const rangeQuerySchema = z
  .object({ from: isoInstantSchema, to: isoInstantSchema })
  .refine((q) => new Date(q.to) > new Date(q.from), { path: ['to'], message: 'to must be after from' })
  .refine((q) => new Date(q.to).getTime() - new Date(q.from).getTime() <= MAX_RANGE_DAYS * DAY, {
    path: ['to'],
    message: `a range is at most ${MAX_RANGE_DAYS} days`,
  });
export const instantQuerySchema = z.object({ at: isoInstantSchema.optional().describe('default now') });

/** A schedule as listed: its document fields, its internal id and handle, and its feed URL for those who configure. */
export const scheduleSchema = z
  .looseObject({
    id: z.string().describe('internal id'),
    handle: z.string(),
    calendar_url: z.string().optional().describe('the secret iCalendar feed, only for owners and admins'),
  })
  .meta({ id: 'Schedule' });
export const scheduleListSchema = z.object({ schedules: z.array(scheduleSchema) }).meta({ id: 'ScheduleList' });

export const policyWithGapsSchema = escalationPolicySchema
  .and(
    z.object({
      schedules_with_gaps: z.array(z.string()).describe(`schedules with a gap in the next ${GAP_HORIZON_DAYS} days`),
    }),
  )
  .meta({ id: 'EscalationPolicyWithGaps' });
export const policyListSchema = z
  .object({ escalation_policies: z.array(policyWithGapsSchema) })
  .meta({ id: 'EscalationPolicyList' });

const onCallEntry = z.object({ user: z.string(), name: z.string().nullable(), layer: z.string() });
export const scheduleOnCallSchema = z
  .object({ schedule: z.string(), at: z.string(), on_call: z.array(onCallEntry) })
  .meta({ id: 'ScheduleOnCall' });
const rangeAnswer = { schedule: z.string(), from: z.string(), to: z.string() };
const span = z.object({ start: z.string(), end: z.string() });
export const shiftsSchema = z
  .object({ ...rangeAnswer, shifts: z.array(span.extend({ user: z.string(), layer: z.string() })) })
  .meta({ id: 'Shifts' });
export const gapsSchema = z.object({ ...rangeAnswer, gaps: z.array(span) }).meta({ id: 'Gaps' });
export const onCallSchema = z
  .object({
    at: z.string(),
    schedules: z.array(z.object({ schedule: z.string(), name: z.string(), on_call: z.array(onCallEntry) })),
    escalation_policies: z.array(
      z.object({
        escalation_policy: z.string(),
        name: z.string(),
        steps: z.array(
          z.object({
            step: z.number().int(),
            on_call: z.array(
              z.object({
                user: z.string(),
                name: z.string().nullable().optional(),
                layer: z.string().optional(),
                via: z.string(),
              }),
            ),
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'OnCall' });

const shiftJson = (shift: Shift) => ({
  user: shift.user,
  layer: shift.layer,
  start: shift.start.toISOString(),
  end: shift.end.toISOString(),
});

function findSchedule(config: Configuration, idOrHandle: string, ids: Map<string, string>): Schedule {
  const schedule = config.schedules.find((s) => s.id === idOrHandle || ids.get(s.id) === idOrHandle);
  if (!schedule) throw new HttpError(404, 'not_found', `no schedule is named ${idOrHandle}`);
  return schedule;
}

/** A schedule and the range a shifts or gaps query asks about (400 for a bad range, 404 for no schedule). */
async function scheduleRange(env: Env, idOrHandle: string, parsed: z.infer<typeof rangeQuerySchema>) {
  const { config, ids } = await loadConfig(env.DB);
  const schedule = findSchedule(config, idOrHandle, ids.schedules);
  const [from, to] = [new Date(parsed.from), new Date(parsed.to)];
  return { schedule, from, to, range: { schedule: schedule.id, from: from.toISOString(), to: to.toISOString() } };
}

function onCallJson(schedule: Schedule, at: Date, config: Configuration) {
  const names = new Map(config.users.map((u) => [u.id, u.name]));
  return shiftsBetween(schedule, at, new Date(at.getTime() + 1)).map((shift) => ({
    user: shift.user,
    name: names.get(shift.user) ?? null,
    layer: shift.layer,
  }));
}

/** Schedules a policy pages through, directly or by routing. */
function schedulesOfPolicy(policy: Configuration['escalation_policies'][number]): string[] {
  return [
    ...new Set(policy.steps.flatMap((step) => step.responders.flatMap((r) => ('schedule' in r ? [r.schedule] : [])))),
  ];
}

export function policiesWithGaps(config: Configuration, now: Date): Map<string, string[]> {
  const until = new Date(now.getTime() + GAP_HORIZON_DAYS * DAY);
  const gappy = new Set(config.schedules.filter((s) => gapsBetween(s, now, until).length > 0).map((s) => s.id));
  return new Map(config.escalation_policies.map((p) => [p.id, schedulesOfPolicy(p).filter((s) => gappy.has(s))]));
}

/** A schedule as the API shows it; the feed URL (a secret) only to those who configure. */
export function scheduleRowJson(row: typeof schedules.$inferSelect, origin: string, showSecret: boolean) {
  return {
    ...row.definition,
    id: row.id,
    handle: row.handle,
    ...(showSecret ? { calendar_url: `${origin}/calendar/schedules/${row.calendarSecret}.ics` } : {}),
  };
}

export const scheduleRoutes = apiApp();

openapi(
  scheduleRoutes,
  apiRoute({
    method: 'get',
    path: '/schedules',
    summary: 'List schedules (with their iCalendar feed URL for owners and admins)',
    permission: 'read',
    responses: { 200: json(scheduleListSchema, 'Every schedule, by handle') },
  }),
  async (c) => {
    const db = drizzle(c.env.DB);
    const rows = await db.select().from(schedules).where(isNull(schedules.deletedAt)).orderBy(schedules.handle);
    const origin = new URL(c.req.url).origin;
    const showSecret = configures(c.get('principal'));
    return c.json({ schedules: rows.map((row) => scheduleRowJson(row, origin, showSecret)) });
  },
);

// A new feed secret: the old URL answers 404 from now on.
openapi(
  scheduleRoutes,
  apiRoute({
    method: 'post',
    path: '/schedules/{id}/calendar/rotate',
    summary: "Give a schedule's iCalendar feed a new secret URL (the old one stops working)",
    permission: 'configure',
    request: { params: idParams },
    responses: { 200: json(calendarUrlSchema, 'The new feed URL') },
  }),
  async (c) => {
    const { config, ids } = await loadConfig(c.env.DB);
    const schedule = findSchedule(config, c.req.valid('param').id, ids.schedules);
    const secret = newCalendarSecret();
    const rotated = await drizzle(c.env.DB)
      .update(schedules)
      .set({ calendarSecret: secret })
      .where(and(eq(schedules.handle, schedule.id), isNull(schedules.deletedAt)))
      .returning({ id: schedules.id });
    if (rotated.length === 0) throw new HttpError(404, 'not_found', `no schedule is named ${schedule.id}`);
    await audit(c, { action: 'rotate_calendar', kind: 'schedule', target: schedule.id });
    return c.json({ calendar_url: `${new URL(c.req.url).origin}/calendar/schedules/${secret}.ics` });
  },
);

openapi(
  scheduleRoutes,
  apiRoute({
    method: 'get',
    path: '/schedules/{id}/on-call',
    summary: 'Who is on call at an instant (default now)',
    permission: 'read',
    request: { params: idParams, query: instantQuerySchema },
    responses: { 200: json(scheduleOnCallSchema, 'Who is on call, by layer') },
  }),
  async (c) => {
    const { at } = c.req.valid('query');
    const { config, ids } = await loadConfig(c.env.DB);
    const schedule = findSchedule(config, c.req.valid('param').id, ids.schedules);
    const instant = at ? new Date(at) : new Date();
    return c.json({ schedule: schedule.id, at: instant.toISOString(), on_call: onCallJson(schedule, instant, config) });
  },
);

openapi(
  scheduleRoutes,
  apiRoute({
    method: 'get',
    path: '/schedules/{id}/shifts',
    summary: 'Shifts in a range',
    permission: 'read',
    request: { params: idParams, query: rangeQuerySchema },
    responses: { 200: json(shiftsSchema, 'The shifts that overlap the range') },
  }),
  async (c) => {
    const { schedule, from, to, range } = await scheduleRange(c.env, c.req.valid('param').id, c.req.valid('query'));
    return c.json({ ...range, shifts: shiftsBetween(schedule, from, to).map(shiftJson) });
  },
);

openapi(
  scheduleRoutes,
  apiRoute({
    method: 'get',
    path: '/schedules/{id}/gaps',
    summary: 'Stretches with nobody on call in a range',
    permission: 'read',
    request: { params: idParams, query: rangeQuerySchema },
    responses: { 200: json(gapsSchema, 'The gaps in the range') },
  }),
  async (c) => {
    const { schedule, from, to, range } = await scheduleRange(c.env, c.req.valid('param').id, c.req.valid('query'));
    const gaps = gapsBetween(schedule, from, to);
    return c.json({ ...range, gaps: gaps.map((g) => ({ start: g.start.toISOString(), end: g.end.toISOString() })) });
  },
);

openapi(
  scheduleRoutes,
  apiRoute({
    method: 'get',
    path: '/escalation-policies',
    summary: 'List policies, flagging schedules with gaps in the next four weeks',
    permission: 'read',
    responses: { 200: json(policyListSchema, 'Every escalation policy') },
  }),
  async (c) => {
    const { config } = await loadConfig(c.env.DB);
    const gaps = policiesWithGaps(config, new Date());
    return c.json({
      escalation_policies: config.escalation_policies.map((p) => ({
        ...p,
        schedules_with_gaps: gaps.get(p.id) ?? [],
      })),
    });
  },
);

openapi(
  scheduleRoutes,
  apiRoute({
    method: 'get',
    path: '/on-call',
    summary: 'Everyone on call now, by schedule and by policy',
    permission: 'read',
    request: { query: instantQuerySchema },
    responses: { 200: json(onCallSchema, 'Who is on call, by schedule and by policy step') },
  }),
  async (c) => {
    const { at } = c.req.valid('query');
    const instant = at ? new Date(at) : new Date();
    const { config } = await loadConfig(c.env.DB);
    const bySchedule = new Map(config.schedules.map((s) => [s.id, onCallJson(s, instant, config)]));
    return c.json({
      at: instant.toISOString(),
      schedules: config.schedules.map((s) => ({ schedule: s.id, name: s.name, on_call: bySchedule.get(s.id) ?? [] })),
      escalation_policies: config.escalation_policies.map((p) => ({
        escalation_policy: p.id,
        name: p.name,
        steps: p.steps.map((step, i) => ({
          step: i + 1,
          on_call: step.responders.flatMap((r) =>
            'schedule' in r
              ? (bySchedule.get(r.schedule) ?? []).map((o) => ({ ...o, via: `schedule:${r.schedule}` }))
              : 'user' in r
                ? [{ user: r.user, via: 'user' }]
                : [],
          ),
        })),
      })),
    });
  },
);

async function feed(env: Env, secret: string, kind: 'schedules' | 'users'): Promise<Response> {
  const db = drizzle(env.DB);
  const table = kind === 'schedules' ? schedules : users;
  const row = await db
    .select({ handle: table.handle, name: table.name })
    .from(table)
    .where(and(eq(table.calendarSecret, secret), isNull(table.deletedAt)))
    .get();
  if (!row) throw new HttpError(404, 'not_found', 'no calendar at this address');
  const { config } = await loadConfig(env.DB);
  const now = new Date();
  const [from, to] = [new Date(now.getTime() - FEED_PAST_DAYS * DAY), new Date(now.getTime() + FEED_FUTURE_DAYS * DAY)];
  const shifts: CalendarShift[] = config.schedules
    .filter((s) => kind === 'users' || s.id === row.handle)
    .flatMap((s) =>
      shiftsBetween(s, from, to)
        .filter((shift) => kind === 'schedules' || shift.user === row.handle)
        .map((shift) => ({ ...shift, schedule: { id: s.id, name: s.name } })),
    );
  const title = kind === 'schedules' ? `On call: ${row.name}` : `${row.name} on call`;
  return new Response(calendar(title, shifts, now), {
    headers: { 'content-type': 'text/calendar; charset=utf-8', 'cache-control': 'private, max-age=300' },
  });
}

export const calendarRoutes = new Hono<{ Bindings: Env }>()
  .get('/calendar/schedules/:file{[A-Za-z0-9]+\\.ics}', (c) =>
    feed(c.env, c.req.param('file').replace(/\.ics$/, ''), 'schedules'),
  )
  .get('/calendar/users/:file{[A-Za-z0-9]+\\.ics}', (c) =>
    feed(c.env, c.req.param('file').replace(/\.ics$/, ''), 'users'),
  );
