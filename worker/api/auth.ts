// Bearer API tokens and what each role may do at all; finer rules (teams, owners, overrides) are worker/permissions.ts.
import { and, eq, isNull } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { createMiddleware } from 'hono/factory';
import { apiTokens, users } from '../db/schema';
import { HttpError } from '../http';
import type { Role } from '../vocabulary';

export type Permission = 'read' | 'respond' | 'configure';

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
}

export type ApiEnv = { Bindings: Env; Variables: { principal: Principal } };

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function sameSecret(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a);
  const right = new TextEncoder().encode(b);
  return left.byteLength === right.byteLength && crypto.subtle.timingSafeEqual(left, right);
}

export function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return `tok_${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
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

export const authenticate = createMiddleware<ApiEnv>(async (c, next) => {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
  const principal = match?.[1] ? await principalFor(c.env, match[1]) : null;
  if (!principal) {
    c.header('WWW-Authenticate', 'Bearer');
    throw new HttpError(401, 'unauthorized', 'send a valid API token as Authorization: Bearer <token>');
  }
  c.set('principal', principal);
  await next();
});

export function requirePermission(principal: Principal, permission: Permission): void {
  if (!permissions[principal.role].includes(permission)) {
    throw new HttpError(403, 'forbidden', `the ${principal.role} role may not ${permission}`);
  }
}

export const allow = (permission: Permission) =>
  createMiddleware<ApiEnv>(async (c, next) => {
    requirePermission(c.get('principal'), permission);
    await next();
  });
