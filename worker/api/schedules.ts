// /api/v1/schedules: who is on call, shifts and gaps over a range; /api/v1/on-call; and the secret
// iCalendar feeds (no token: the secret in the URL is the credential).
import { and, eq, isNull } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { Hono } from 'hono';
import { z } from 'zod';
import { schedules, users } from '../db/schema';
import { HttpError, validate } from '../http';
import { isoInstantSchema } from '../vocabulary';
import { calendar, type CalendarShift } from '../schedule/ical';
import { gapsBetween, shiftsBetween, type Schedule, type Shift } from '../schedule/schedule';
import { allow, type ApiEnv } from './auth';
import type { Configuration } from '../config/document';
import { loadConfig, newCalendarSecret } from '../config/store';
import { configures } from '../permissions';

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
export const instantQuerySchema = z.object({ at: isoInstantSchema.optional() });

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
async function scheduleRange(env: Env, idOrHandle: string, query: Record<string, string>) {
  const parsed = validate(rangeQuerySchema, query, 'query');
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

export const scheduleRoutes = new Hono<ApiEnv>()
  .get('/schedules', allow('read'), async (c) => {
    const db = drizzle(c.env.DB);
    const rows = await db.select().from(schedules).where(isNull(schedules.deletedAt)).orderBy(schedules.handle);
    const origin = new URL(c.req.url).origin;
    const showSecret = configures(c.get('principal'));
    return c.json({ schedules: rows.map((row) => scheduleRowJson(row, origin, showSecret)) });
  })
  // A new feed secret: the old URL answers 404 from now on.
  .post('/schedules/:id/calendar/rotate', allow('configure'), async (c) => {
    const { config, ids } = await loadConfig(c.env.DB);
    const schedule = findSchedule(config, c.req.param('id'), ids.schedules);
    const secret = newCalendarSecret();
    const rotated = await drizzle(c.env.DB)
      .update(schedules)
      .set({ calendarSecret: secret })
      .where(and(eq(schedules.handle, schedule.id), isNull(schedules.deletedAt)))
      .returning({ id: schedules.id });
    if (rotated.length === 0) throw new HttpError(404, 'not_found', `no schedule is named ${schedule.id}`);
    return c.json({ calendar_url: `${new URL(c.req.url).origin}/calendar/schedules/${secret}.ics` });
  })
  .get('/schedules/:id/on-call', allow('read'), async (c) => {
    const { at } = validate(instantQuerySchema, c.req.query(), 'query');
    const { config, ids } = await loadConfig(c.env.DB);
    const schedule = findSchedule(config, c.req.param('id'), ids.schedules);
    const instant = at ? new Date(at) : new Date();
    return c.json({ schedule: schedule.id, at: instant.toISOString(), on_call: onCallJson(schedule, instant, config) });
  })
  .get('/schedules/:id/shifts', allow('read'), async (c) => {
    const { schedule, from, to, range } = await scheduleRange(c.env, c.req.param('id'), c.req.query());
    return c.json({ ...range, shifts: shiftsBetween(schedule, from, to).map(shiftJson) });
  })
  .get('/schedules/:id/gaps', allow('read'), async (c) => {
    const { schedule, from, to, range } = await scheduleRange(c.env, c.req.param('id'), c.req.query());
    const gaps = gapsBetween(schedule, from, to);
    return c.json({ ...range, gaps: gaps.map((g) => ({ start: g.start.toISOString(), end: g.end.toISOString() })) });
  })
  .get('/escalation-policies', allow('read'), async (c) => {
    const { config } = await loadConfig(c.env.DB);
    const gaps = policiesWithGaps(config, new Date());
    return c.json({
      escalation_policies: config.escalation_policies.map((p) => ({
        ...p,
        schedules_with_gaps: gaps.get(p.id) ?? [],
      })),
    });
  })
  .get('/on-call', allow('read'), async (c) => {
    const { at } = validate(instantQuerySchema, c.req.query(), 'query');
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
  });

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
