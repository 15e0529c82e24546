// /api/v1/users: users one at a time, the same objects as the configuration document's `users`
// section, through the same plan. Owners and admins change users; only an owner makes, changes the
// role of or removes owners and admins. Observers never see an address; a user's calendar feed URL
// (a secret) is shown to the user and to those who configure.
import { and, eq, isNull } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { Hono, type Context } from 'hono';
import { userConfigSchema, type UserConfig } from '../config/document';
import { loadConfig, newCalendarSecret } from '../config/store';
import { users } from '../db/schema';
import { HttpError, readJson } from '../http';
import { configures, ownerOnlyUserChanges } from '../permissions';
import { allow, type ApiEnv, type Principal } from './auth';
import { forbidOwnerOnly } from './config';
import { changeOne, currentOne, patchSchema, tagged, type Authorize } from './objects';

export const userCreateSchema = userConfigSchema.meta({ id: 'UserCreate' });
/** A partial change; a new `id` renames the user, keeping their internal id (and API tokens). */
export const userUpdateSchema = patchSchema(userConfigSchema).meta({ id: 'UserUpdate' });

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

/** The user as the configuration holds them now, tagged, as the API shows them. */
async function answerUser(c: Context<ApiEnv>, idOrHandle: string) {
  const user = currentOne(await loadConfig(c.env.DB), 'users', idOrHandle);
  await tagged(c, user);
  return userJson(await userRow(c.env.DB, user.id), c.get('principal'), new URL(c.req.url).origin);
}

export const userRoutes = new Hono<ApiEnv>()
  .get('/users', allow('read'), async (c) => {
    const rows = await drizzle(c.env.DB).select().from(users).where(isNull(users.deletedAt)).orderBy(users.handle);
    const origin = new URL(c.req.url).origin;
    return c.json({ users: rows.map((row) => userJson(row, c.get('principal'), origin)) });
  })
  .post('/users', allow('configure'), async (c) => {
    const user = await readJson(c.req.raw, userCreateSchema);
    await changeOne(c, { kind: 'users', target: null, edit: () => user, authorize: authorizeUser });
    return c.json(await answerUser(c, user.id), 201);
  })
  .get('/users/:id', allow('read'), async (c) => c.json(await answerUser(c, c.req.param('id'))))
  .patch('/users/:id', allow('configure'), async (c) => {
    const update = await readJson(c.req.raw, userUpdateSchema);
    const user = await changeOne(c, {
      kind: 'users',
      target: c.req.param('id'),
      edit: (before) => ({ ...before!, ...update }),
      authorize: authorizeUser,
    });
    return c.json(await answerUser(c, user!.id));
  })
  .delete('/users/:id', allow('configure'), async (c) => {
    await changeOne(c, { kind: 'users', target: c.req.param('id'), edit: () => null, authorize: authorizeUser });
    return c.body(null, 204);
  })
  // A new feed secret: the old URL answers 404 from now on.
  .post('/users/:id/calendar/rotate', allow('read'), async (c) => {
    const user = currentOne(await loadConfig(c.env.DB), 'users', c.req.param('id'));
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
    return c.json({ calendar_url: `${new URL(c.req.url).origin}/calendar/users/${secret}.ics` });
  });
