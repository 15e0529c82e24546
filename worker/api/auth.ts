// Who is asking: a bearer API token, or the console's session cookie (whose state-changing requests
// must come from this origin); and what each role may do at all. Finer rules (teams, owners,
// overrides) are worker/permissions.ts.
import { and, eq, gt, isNull } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { apiTokens, sessions, users } from '../db/schema';
import { HttpError } from '../http';
import type { Role } from '../vocabulary';

/** `public`: anyone, signed in or not (signing in itself). */
export type Permission = 'public' | 'read' | 'respond' | 'configure';

export const SESSION_COOKIE = 'tocsin_session';

const permissions: Record<Role, readonly Permission[]> = {
  owner: ['read', 'respond', 'configure'],
  admin: ['read', 'respond', 'configure'],
  responder: ['read', 'respond'],
  observer: ['read'],
};

export interface Principal {
  /** The user's handle; the built-in owner is `admin`. */
  handle: string;
  role: Role;
  /** The hash of the session cookie, when the console's session is who asks. */
  session?: string;
}

export type ApiEnv = { Bindings: Env; Variables: { principal: Principal } };

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Two secrets compared in constant time. */
export function sameSecret(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a);
  const right = new TextEncoder().encode(b);
  return left.byteLength === right.byteLength && crypto.subtle.timingSafeEqual(left, right);
}

/** A random secret: `tok_` for API tokens, `ses_` for session cookies. */
export function newToken(prefix = 'tok', bytes = 24): string {
  const random = crypto.getRandomValues(new Uint8Array(bytes));
  return `${prefix}_${[...random].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

async function principalFor(env: Env, token: string): Promise<Principal | null> {
  if (env.TOCSIN_ADMIN_TOKEN && sameSecret(token, env.TOCSIN_ADMIN_TOKEN)) {
    return { handle: 'admin', role: 'owner' };
  }
  const row = await drizzle(env.DB)
    .select({ handle: users.handle, role: users.role })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, await sha256Hex(token)), isNull(apiTokens.revokedAt), isNull(users.deletedAt)))
    .get();
  return row ?? null;
}

async function sessionPrincipal(env: Env, token: string): Promise<Principal | null> {
  const hash = await sha256Hex(token);
  const row = await drizzle(env.DB)
    .select({ handle: users.handle, role: users.role })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.tokenHash, hash),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, new Date().toISOString()),
        isNull(users.deletedAt),
      ),
    )
    .get();
  return row ? { ...row, session: hash } : null;
}

const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];

export const authenticate = createMiddleware<ApiEnv>(async (c, next) => {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
  const cookie = match ? undefined : getCookie(c, SESSION_COOKIE);
  const principal = match?.[1]
    ? await principalFor(c.env, match[1])
    : cookie
      ? await sessionPrincipal(c.env, cookie)
      : null;
  if (!principal) {
    c.header('WWW-Authenticate', 'Bearer');
    throw new HttpError(401, 'unauthorized', 'sign in, or send a valid API token as Authorization: Bearer <token>');
  }
  // A cookie goes with every request the browser makes, whichever site asks: a change must come from here.
  if (principal.session && !SAFE_METHODS.includes(c.req.method)) {
    const from = c.req.header('origin');
    if (from !== new URL(c.req.url).origin) {
      throw new HttpError(403, 'forbidden', 'a change signed in by cookie must come from the console’s own origin');
    }
  }
  c.set('principal', principal);
  await next();
});

export function requirePermission(principal: Principal, permission: Permission): void {
  if (permission === 'public') return;
  if (!permissions[principal.role].includes(permission)) {
    throw new HttpError(403, 'forbidden', `the ${principal.role} role may not ${permission}`);
  }
}

export const allow = (permission: Permission) =>
  createMiddleware<ApiEnv>(async (c, next) => {
    if (permission !== 'public') requirePermission(c.get('principal'), permission);
    await next();
  });
