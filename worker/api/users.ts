// /api/v1/users: users one at a time, the same objects as the configuration document's `users`
// section, through the same plan. Owners and admins change users; only an owner makes, changes the
// role of or removes owners and admins; anyone changes their own profile. Observers never see an address; a user's calendar feed URL
// (a secret) is shown to the user and to those who configure.
import { z } from '@hono/zod-openapi';
import { and, desc, eq, isNull, lt, or } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import type { Context } from 'hono';
import { userConfigSchema, type UserConfig } from '../config/document';
import { canonicalJson } from '../config/plan';
import { loadConfig, newCalendarSecret } from '../config/store';
import { notifications, users } from '../db/schema';
import { HttpError } from '../http';
import { configures, ownerOnlyUserChanges } from '../permissions';
import { audit } from './audit';
import type { ApiEnv, Principal } from './auth';
import { forbidOwnerOnly } from './config';
import {
  cursorOf,
  notificationJson,
  notificationListSchema,
  pageQuerySchema,
  startOf,
  verifiedOf,
} from './notifications';
import { changeOne, currentOne, patched, patchSchema, tagged, type Authorize } from './objects';
import { apiApp, apiRoute, idParams, json, openapi } from './route';

export const userCreateSchema = userConfigSchema.meta({ id: 'UserCreate' });
/** A partial change; a new `id` renames the user, keeping their internal id (and API tokens). */
export const userUpdateSchema = patchSchema(userConfigSchema).meta({ id: 'UserUpdate' });

/** A user as the API shows them: the document's fields, with the internal id and the handle. */
export const userSchema = z
  .looseObject({
    id: z.string().describe('internal id'),
    handle: z.string(),
    name: z.string(),
    role: z.string(),
    calendar_url: z
      .string()
      .optional()
      .describe("the secret iCalendar feed: only the user's own, or for those who configure"),
  })
  .describe("the configuration document's user fields; observers see no email, phone or addresses")
  .meta({ id: 'User' });

export const userListSchema = z.object({ users: z.array(userSchema) }).meta({ id: 'UserList' });

export const calendarUrlSchema = z.object({ calendar_url: z.string() }).meta({ id: 'CalendarUrl' });

type UserRow = typeof users.$inferSelect;

/** What an observer may not see of a user: how to reach them. */
export function withoutAddresses(user: Record<string, unknown>): Record<string, unknown> {
  const { email: _email, phone: _phone, ...rest } = user;
  const methods = (rest.contact_methods as UserConfig['contact_methods'] | undefined) ?? [];
  return { ...rest, contact_methods: methods.map(({ address: _address, ...method }) => method) };
}

export function userJson(row: UserRow, principal: Principal, origin: string) {
  const user = { ...row.definition, id: row.id, handle: row.handle };
  const visible = principal.role === 'observer' ? withoutAddresses(user) : user;
  const seesFeed = configures(principal) || principal.handle === row.handle;
  return { ...visible, ...(seesFeed ? { calendar_url: `${origin}/calendar/users/${row.calendarSecret}.ics` } : {}) };
}

async function userRow(d1: D1Database, handle: string): Promise<UserRow> {
  const row = await drizzle(d1)
    .select()
    .from(users)
    .where(and(eq(users.handle, handle), isNull(users.deletedAt)))
    .get();
  if (!row) throw new HttpError(404, 'not_found', `no user is named ${handle}`);
  return row;
}

/** Owners and admins change users, with the owner rule for owners and admins. */
const authorizeUser: Authorize<'users'> = (principal, config, before, after) => {
  if (!configures(principal)) throw new HttpError(403, 'forbidden', 'only an owner or admin may change users');
  const others = config.users.filter((u) => u.id !== before?.id);
  const desired = after === null ? others : [...others, after];
  const renames = before && after && before.id !== after.id ? new Map([[before.id, after.id]]) : undefined;
  forbidOwnerOnly(ownerOnlyUserChanges(principal, config.users, desired, renames));
};

/** What a user who does not configure may change of themselves. */
export const SELF_SERVICE_FIELDS = [
  'name',
  'time_zone',
  'locale',
  'contact_methods',
  'notification_rules',
  'handoff_notices',
] as const;

/**
 * A user changes their own profile; the rest (id, role, email, phone) is for those who configure.
 * A field sent as it already is changes nothing and is let through.
 */
const authorizeSelf: Authorize<'users'> = (principal, _config, before, after) => {
  if (!before || !after || before.id !== principal.handle)
    throw new HttpError(403, 'forbidden', 'only an owner or admin may change other users');
  const allowed = new Set<string>(SELF_SERVICE_FIELDS);
  const fields = Object.keys({ ...before, ...after })
    .filter((key) => !allowed.has(key))
    .filter((key) => canonicalJson(before[key as keyof UserConfig]) !== canonicalJson(after[key as keyof UserConfig]))
    .map((field) => ({ field, message: 'only an owner or admin may change this' }));
  if (fields.length > 0)
    throw new HttpError(
      403,
      'forbidden',
      `you may change your own ${SELF_SERVICE_FIELDS.join(', ')}; not ${fields.map((f) => f.field).join(', ')}`,
      fields,
    );
};

/** The user as the configuration holds them now, tagged, as the API shows them. */
async function answerUser(c: Context<ApiEnv>, idOrHandle: string) {
  const user = currentOne(await loadConfig(c.env.DB), 'users', idOrHandle);
  await tagged(c, user);
  return userJson(await userRow(c.env.DB, user.id), c.get('principal'), new URL(c.req.url).origin);
}

export const userRoutes = apiApp();

openapi(
  userRoutes,
  apiRoute({
    method: 'get',
    path: '/users',
    summary: 'List users (observers see no addresses; the feed URL only for oneself, owners and admins)',
    permission: 'read',
    responses: { 200: json(userListSchema, 'Every user, by handle') },
  }),
  async (c) => {
    const rows = await drizzle(c.env.DB).select().from(users).where(isNull(users.deletedAt)).orderBy(users.handle);
    const origin = new URL(c.req.url).origin;
    return c.json({ users: rows.map((row) => userJson(row, c.get('principal'), origin)) });
  },
);

openapi(
  userRoutes,
  apiRoute({
    method: 'post',
    path: '/users',
    summary: 'Create a user',
    permission: 'configure',
    request: { body: { required: true, content: { 'application/json': { schema: userCreateSchema } } } },
    responses: { 201: json(userSchema, 'The user, with an ETag') },
  }),
  async (c) => {
    const user = c.req.valid('json');
    await changeOne(c, { kind: 'users', target: null, edit: () => user, authorize: authorizeUser });
    return c.json(await answerUser(c, user.id), 201);
  },
);

openapi(
  userRoutes,
  apiRoute({
    method: 'get',
    path: '/users/{id}',
    summary: 'A user, by id or handle (with an ETag)',
    permission: 'read',
    request: { params: idParams },
    responses: { 200: json(userSchema, 'The user, with an ETag for If-Match') },
  }),
  async (c) => c.json(await answerUser(c, c.req.valid('param').id)),
);

openapi(
  userRoutes,
  apiRoute({
    method: 'patch',
    path: '/users/{id}',
    summary:
      'Change a user (a new id renames them, keeping their internal id; references follow). Anyone may change their own name, time zone, locale, contact methods, notification rules and handoff notices',
    permission: 'read',
    request: {
      params: idParams,
      body: { required: true, content: { 'application/json': { schema: userUpdateSchema } } },
    },
    responses: { 200: json(userSchema, 'The user as changed, with an ETag') },
  }),
  async (c) => {
    const update = c.req.valid('json');
    const user = await changeOne(c, {
      kind: 'users',
      target: c.req.valid('param').id,
      edit: (before) => patched(userConfigSchema, before!, update),
      authorize: configures(c.get('principal')) ? authorizeUser : authorizeSelf,
    });
    return c.json(await answerUser(c, user!.id));
  },
);

openapi(
  userRoutes,
  apiRoute({
    method: 'delete',
    path: '/users/{id}',
    summary: 'Delete a user',
    permission: 'configure',
    request: { params: idParams },
    responses: { 204: { description: 'Deleted' } },
  }),
  async (c) => {
    await changeOne(c, { kind: 'users', target: c.req.valid('param').id, edit: () => null, authorize: authorizeUser });
    return c.body(null, 204);
  },
);

// A new feed secret: the old URL answers 404 from now on.
openapi(
  userRoutes,
  apiRoute({
    method: 'post',
    path: '/users/{id}/calendar/rotate',
    summary: "Give a user's iCalendar feed a new secret URL (the old one stops working)",
    permission: 'read',
    request: { params: idParams },
    responses: { 200: json(calendarUrlSchema, 'The new feed URL') },
  }),
  async (c) => {
    const user = currentOne(await loadConfig(c.env.DB), 'users', c.req.valid('param').id);
    const principal = c.get('principal');
    if (!configures(principal) && principal.handle !== user.id)
      throw new HttpError(403, 'forbidden', 'only the user, an owner or an admin may rotate their calendar feed');
    const secret = newCalendarSecret();
    const rotated = await drizzle(c.env.DB)
      .update(users)
      .set({ calendarSecret: secret })
      .where(and(eq(users.handle, user.id), isNull(users.deletedAt)))
      .returning({ id: users.id });
    if (rotated.length === 0) throw new HttpError(404, 'not_found', `no user is named ${user.id}`);
    await audit(c, { action: 'rotate_calendar', kind: 'user', target: user.id });
    return c.json({ calendar_url: `${new URL(c.req.url).origin}/calendar/users/${secret}.ics` });
  },
);

openapi(
  userRoutes,
  apiRoute({
    method: 'get',
    path: '/users/{id}/notifications',
    summary: "A user's pages, newest first",
    permission: 'read',
    request: {
      params: idParams,
      query: pageQuerySchema,
    },
    responses: { 200: json(notificationListSchema, 'Notifications, newest first (observers see no addresses)') },
  }),
  async (c) => {
    const db = drizzle(c.env.DB);
    const { id } = c.req.valid('param');
    const { limit, cursor } = c.req.valid('query');
    const after = startOf(cursor);
    const user = await db
      .select({ handle: users.handle })
      .from(users)
      .where(and(or(eq(users.id, id), eq(users.handle, id)), isNull(users.deletedAt)))
      .get();
    if (!user) throw new HttpError(404, 'not_found', `no user is named ${id}`);
    const older = after
      ? or(
          lt(notifications.dueAt, after.dueAt),
          and(eq(notifications.dueAt, after.dueAt), lt(notifications.id, after.id)),
        )
      : undefined;
    const rows = await db
      .select()
      .from(notifications)
      .where(and(eq(notifications.user, user.handle), older))
      .orderBy(desc(notifications.dueAt), desc(notifications.id))
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    const verified = await verifiedOf(c.env.DB, page);
    return c.json({
      notifications: page.map((n) => notificationJson(n, c.get('principal'), verified(n))),
      next_cursor: rows.length > limit ? cursorOf(page.at(-1)!) : null,
    });
  },
);
