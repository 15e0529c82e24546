// Signing in to the console: email and password for an HttpOnly session cookie (Secure outside local
// mode, SameSite=Lax), signing out here or everywhere, and who is signed in. Failed attempts are
// limited per account and per address. In local mode the organisation's owner signs in with
// TOCSIN_ADMIN_PASSWORD until they set a password of their own.
import { z } from '@hono/zod-openapi';
import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { loadConfig } from '../config/store';
import { credentials, sessions, signInFailures, users } from '../db/schema';
import { HttpError } from '../http';
import { hashPassword, passwordMatches, weakPassword } from '../users/password';
import { DAY, MINUTE } from '../vocabulary';
import { audit, auditorOf } from './audit';
import { newToken, sameSecret, SESSION_COOKIE, sha256Hex, type ApiEnv } from './auth';
import { apiApp, apiRoute, json, openapi } from './route';

export const SESSION_DAYS = 30;
/** Failed sign-ins allowed per window: for one account, and from one address. */
export const FAILURES_PER_ACCOUNT = 5;
export const FAILURES_PER_ADDRESS = 20;
const WINDOW_MS = 15 * MINUTE;

const signInSchema = z
  .object({ email: z.email().max(320), password: z.string().min(1).max(1024) })
  .strict()
  .meta({ id: 'SignIn' });

export const sessionSchema = z
  .object({ user: z.string(), name: z.string(), role: z.string(), expires_at: z.string().nullable() })
  .meta({ id: 'Session' });

const windowOf = (now: Date) => new Date(Math.floor(now.getTime() / WINDOW_MS) * WINDOW_MS).toISOString();
const addressOf = (c: Context<ApiEnv>) => c.req.header('cf-connecting-ip') ?? 'local';

/** A count of attempts in the current window, and how many it may reach. */
export interface Limit {
  key: string;
  most: number;
}

/** The limits of attempts on one account (by its email) and from this address; `what` keeps each act's counts apart. */
export const attemptLimits = (c: Context<ApiEnv>, email: string, what = ''): Limit[] => [
  { key: `${what}account:${email.toLowerCase()}`, most: FAILURES_PER_ACCOUNT },
  { key: `${what}address:${addressOf(c)}`, most: FAILURES_PER_ADDRESS },
];

async function attemptsOf(d1: D1Database, key: string, now: Date): Promise<number> {
  const row = await drizzle(d1)
    .select({ count: signInFailures.count })
    .from(signInFailures)
    .where(and(eq(signInFailures.key, key), eq(signInFailures.windowStart, windowOf(now))))
    .get();
  return row?.count ?? 0;
}

/** 429, with Retry-After, once any of these limits is reached in this window. */
export async function refuseOverLimit(c: Context<ApiEnv>, limits: Limit[], now: Date, message: string) {
  const counts = await Promise.all(limits.map(({ key }) => attemptsOf(c.env.DB, key, now)));
  if (limits.some(({ most }, i) => counts[i]! >= most)) {
    c.header('Retry-After', String(Math.ceil((Date.parse(windowOf(now)) + WINDOW_MS - now.getTime()) / 1000)));
    throw new HttpError(429, 'too_many_attempts', message);
  }
}

export async function countAttempt(d1: D1Database, limits: Limit[], now: Date): Promise<void> {
  const db = drizzle(d1);
  const windowStart = windowOf(now);
  const [first, ...rest] = limits.flatMap(({ key }) => [
    db
      .insert(signInFailures)
      .values({ key, windowStart, count: 1 })
      .onConflictDoUpdate({ target: [signInFailures.key, signInFailures.windowStart], set: { count: sql`count + 1` } }),
    // Past windows count for nothing.
    db.delete(signInFailures).where(and(eq(signInFailures.key, key), lt(signInFailures.windowStart, windowStart))),
  ]);
  await db.batch([first!, ...rest]);
}

/** The user this email and password sign in, or null. */
async function userSignedIn(env: Env, email: string, password: string) {
  const db = drizzle(env.DB);
  const { config, ids } = await loadConfig(env.DB);
  const user = config.users.find((u) => u.email?.toLowerCase() === email.toLowerCase());
  const id = user && ids.users.get(user.id);
  if (!user || !id) {
    // As long as a wrong password, so that timing tells nobody which addresses have accounts.
    await hashPassword(password);
    return null;
  }
  const stored = await db.select().from(credentials).where(eq(credentials.userId, id)).get();
  if (stored) return (await passwordMatches(password, stored)) ? { id, user } : null;
  // Local mode and first sign-in: an owner without a password of their own uses the bootstrap one.
  const bootstrap = env.TOCSIN_ADMIN_PASSWORD;
  if (user.role === 'owner' && bootstrap && sameSecret(password, bootstrap)) return { id, user };
  await hashPassword(password);
  return null;
}

const isLocal = (c: Context<ApiEnv>) => /^http:\/\/(127\.0\.0\.1|localhost)(:|\/|$)/.test(c.req.url);

export const sessionRoutes = apiApp();

openapi(
  sessionRoutes,
  apiRoute({
    method: 'post',
    path: '/session',
    summary: 'Sign in: email and password for a session cookie',
    permission: 'public',
    security: [],
    request: { body: { required: true, content: { 'application/json': { schema: signInSchema } } } },
    responses: { 200: json(sessionSchema, 'Signed in; the cookie is set') },
  }),
  async (c) => {
    const { email, password } = c.req.valid('json');
    const now = new Date();
    const limits = attemptLimits(c, email);
    await refuseOverLimit(c, limits, now, 'too many failed sign-ins: wait a few minutes');
    const signedIn = await userSignedIn(c.env, email, password);
    if (!signedIn) {
      await countAttempt(c.env.DB, limits, now);
      // The address typed is kept as the target: an unknown one is the trace of someone guessing.
      await audit(
        c,
        { action: 'sign_in_failed', kind: 'session', target: email.slice(0, 200) },
        auditorOf(c, 'anonymous'),
      );
      throw new HttpError(401, 'unauthorized', 'the email or the password is wrong');
    }
    return c.json(await startSession(c, signedIn.id, signedIn.user, now));
  },
);

/** Signs the user in: a new session, its cookie on the answer, and the audit entry. */
export async function startSession(
  c: Context<ApiEnv>,
  id: string,
  user: { id: string; name: string; role: string },
  now: Date,
): Promise<z.infer<typeof sessionSchema>> {
  const token = newToken('ses', 32);
  const expiresAt = new Date(now.getTime() + SESSION_DAYS * DAY);
  await drizzle(c.env.DB)
    .insert(sessions)
    .values({
      tokenHash: await sha256Hex(token),
      userId: id,
      createdAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
    });
  await audit(c, { action: 'sign_in', kind: 'session', target: user.id }, auditorOf(c, user.id));
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    secure: !isLocal(c),
    sameSite: 'Lax',
    path: '/',
    expires: expiresAt,
  });
  return { user: user.id, name: user.name, role: user.role, expires_at: expiresAt.toISOString() };
}

export const sessionAccountRoutes = apiApp();

openapi(
  sessionAccountRoutes,
  apiRoute({
    method: 'get',
    path: '/session',
    summary: 'Who is signed in',
    permission: 'read',
    responses: { 200: json(sessionSchema, 'The signed-in user') },
  }),
  async (c) => {
    const principal = c.get('principal');
    const { config } = await loadConfig(c.env.DB);
    const user = config.users.find((u) => u.id === principal.handle);
    return c.json({
      user: principal.handle,
      name: user?.name ?? principal.handle,
      role: principal.role,
      expires_at: null,
    });
  },
);

openapi(
  sessionAccountRoutes,
  apiRoute({
    method: 'delete',
    path: '/session',
    summary: 'Sign out this browser (everywhere=true: every session of the user)',
    permission: 'read',
    request: { query: z.object({ everywhere: z.enum(['true', 'false']).default('false') }) },
    responses: { 204: { description: 'Signed out' } },
  }),
  async (c) => {
    const principal = c.get('principal');
    const db = drizzle(c.env.DB);
    const at = new Date().toISOString();
    if (c.req.valid('query').everywhere === 'true') {
      const user = await db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.handle, principal.handle), isNull(users.deletedAt)))
        .get();
      if (user)
        await db
          .update(sessions)
          .set({ revokedAt: at })
          .where(and(eq(sessions.userId, user.id), isNull(sessions.revokedAt)));
    } else if (principal.session) {
      await db.update(sessions).set({ revokedAt: at }).where(eq(sessions.tokenHash, principal.session));
    }
    const everywhere = c.req.valid('query').everywhere === 'true';
    await audit(c, {
      action: everywhere ? 'sign_out_everywhere' : 'sign_out',
      kind: 'session',
      target: principal.handle,
    });
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.body(null, 204);
  },
);

openapi(
  sessionAccountRoutes,
  apiRoute({
    method: 'put',
    path: '/session/password',
    summary: 'Set your own password (the current one, unless you have none yet)',
    permission: 'read',
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.object({ current: z.string().max(1024).optional(), password: z.string().max(1024) }).strict(),
          },
        },
      },
    },
    responses: { 204: { description: 'Set' } },
  }),
  async (c) => {
    const principal = c.get('principal');
    const { current, password } = c.req.valid('json');
    const { config, ids } = await loadConfig(c.env.DB);
    const user = config.users.find((u) => u.id === principal.handle);
    const id = user && ids.users.get(user.id);
    if (!user || !id) throw new HttpError(404, 'not_found', 'this account is not a user of the configuration');
    refuseWeak(password, user.email);
    const db = drizzle(c.env.DB);
    const stored = await db.select().from(credentials).where(eq(credentials.userId, id)).get();
    if (stored && !(current !== undefined && (await passwordMatches(current, stored)))) {
      throw new HttpError(403, 'forbidden', 'the current password is wrong', [{ field: 'current', message: 'wrong' }]);
    }
    await setPassword(c.env.DB, id, password, new Date());
    await audit(c, { action: stored ? 'update' : 'create', kind: 'password', target: user.id });
    return c.body(null, 204);
  },
);

/** 400 naming `password` when it is too weak for this user. */
export function refuseWeak(password: string, email: string | undefined): void {
  const weak = weakPassword(password, email);
  if (weak) throw new HttpError(400, 'invalid_request', weak, [{ field: 'password', message: weak }]);
}

/** Stores the user's new password, hashed. */
export async function setPassword(d1: D1Database, id: string, password: string, now: Date): Promise<void> {
  const row = { userId: id, ...(await hashPassword(password)), updatedAt: now.toISOString() };
  await drizzle(d1).insert(credentials).values(row).onConflictDoUpdate({ target: credentials.userId, set: row });
}
