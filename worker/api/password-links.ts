// Links that set a password once: an owner or admin invites a user (the link lasts a week), or
// anyone asks for a reset by email (an hour). The link goes out through the email provider (the
// Worker's log without credentials); only its token's hash is kept, and using it signs the user in.
import { z } from '@hono/zod-openapi';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import type { Context } from 'hono';
import type { UserConfig } from '../config/document';
import { loadConfig } from '../config/store';
import { sentOnceRow } from '../db/incidents';
import { notifications, passwordLinks, sessions, users } from '../db/schema';
import { HttpError } from '../http';
import { providerFor } from '../notify/channels';
import { publicUrl } from '../notify/outbound';
import { mayMintTokenFor } from '../permissions';
import { DAY, HOUR } from '../vocabulary';
import { audit, auditorOf } from './audit';
import { newToken, sha256Hex, type ApiEnv } from './auth';
import { currentOne } from './objects';
import { apiApp, apiRoute, idParams, json, openapi } from './route';
import {
  attemptLimits,
  countAttempt,
  refuseOverLimit,
  refuseWeak,
  sessionSchema,
  setPassword,
  startSession,
} from './session';

export type Purpose = 'invite' | 'reset';

/** How long a link sets a password. */
export const LINK_LIFETIME: Record<Purpose, number> = { invite: 7 * DAY, reset: HOUR };

const inviteSchema = z
  .object({
    invite_url: z.string().describe('the link, to copy: it sets the password once, until expires_at'),
    expires_at: z.string(),
    emailed: z.boolean().describe("whether the email provider took the link to the user's address"),
  })
  .meta({ id: 'Invitation' });

const resetSchema = z
  .object({ email: z.email().max(320) })
  .strict()
  .meta({ id: 'PasswordReset' });
const acceptedSchema = z.object({ status: z.literal('accepted') }).meta({ id: 'Accepted' });
const linkUseSchema = z
  .object({ token: z.string().min(1).max(200), password: z.string().max(1024) })
  .strict()
  .meta({ id: 'PasswordLinkUse' });

/** Where a link leads: the public URL when one is set, else the origin the request came to. */
const baseOf = (c: Context<ApiEnv>) => (c.env.PUBLIC_URL ? publicUrl(c.env) : new URL(c.req.url).origin);

/** A new link for the user, replacing any unused one of the same purpose. */
async function newLink(c: Context<ApiEnv>, userId: string, purpose: Purpose, now: Date) {
  const token = newToken('pwl', 32);
  const expiresAt = new Date(now.getTime() + LINK_LIFETIME[purpose]).toISOString();
  const db = drizzle(c.env.DB);
  await db.batch([
    db
      .delete(passwordLinks)
      .where(and(eq(passwordLinks.userId, userId), eq(passwordLinks.purpose, purpose), isNull(passwordLinks.usedAt))),
    db.insert(passwordLinks).values({
      tokenHash: await sha256Hex(token),
      userId,
      purpose,
      createdAt: now.toISOString(),
      expiresAt,
    }),
  ]);
  return { url: `${baseOf(c)}/set-password?token=${token}`, expiresAt };
}

/** Emails the link to the user; true when the provider took it. */
async function emailLink(
  env: Env,
  user: UserConfig,
  link: { url: string; expiresAt: string },
  purpose: Purpose,
  now: Date,
): Promise<boolean> {
  if (!user.email) return false;
  const id = `${purpose}:${user.id}:${now.getTime()}`;
  const provider = providerFor('email', env);
  const delivery = await provider.send({
    id,
    channel: 'email',
    address: user.email,
    locale: user.locale,
    timeZone: user.time_zone,
    subject: { type: 'password_link', purpose, link: link.url, expiresAt: link.expiresAt },
    callbacks: { status: '', voice: '' },
  });
  if (delivery.status !== 'sent') console.warn(`[tocsin] ${purpose} email to ${user.id} not sent: ${delivery.reason}`);
  // In the user's notification log like any other email: how it fared, never the link.
  await drizzle(env.DB)
    .insert(notifications)
    .values(
      sentOnceRow(
        { id, kind: purpose, user: user.id, contactMethod: 'email', channel: 'email', address: user.email },
        delivery,
        provider.name,
        now,
      ),
    )
    .catch((error: unknown) => console.error(`[tocsin] ${purpose} email to ${user.id}: not logged`, error));
  return delivery.status === 'sent';
}

/** Runs `work` after the answer where the runtime allows it, so that the answer's timing tells nothing. */
function afterAnswer(c: Context<ApiEnv>, work: Promise<unknown>): Promise<unknown> {
  try {
    c.executionCtx.waitUntil(work);
    return Promise.resolve();
  } catch {
    return work;
  }
}

export const inviteRoutes = apiApp();

openapi(
  inviteRoutes,
  apiRoute({
    method: 'post',
    path: '/users/{id}/invite',
    summary: 'Invite a user: email them a link that sets their password once, within a week (owners and admins)',
    permission: 'configure',
    request: { params: idParams },
    responses: { 201: json(inviteSchema, 'The link, also emailed to the user when they have an email address') },
  }),
  async (c) => {
    const stored = await loadConfig(c.env.DB);
    const user = currentOne(stored, 'users', c.req.valid('param').id);
    if (!mayMintTokenFor(c.get('principal'), user.role))
      throw new HttpError(403, 'forbidden', `only an owner may invite an ${user.role}`);
    const now = new Date();
    const link = await newLink(c, stored.ids.users.get(user.id)!, 'invite', now);
    await audit(c, { action: 'invite', kind: 'password', target: user.id, after: { expires_at: link.expiresAt } });
    const emailed = await emailLink(c.env, user, link, 'invite', now);
    return c.json({ invite_url: link.url, expires_at: link.expiresAt, emailed }, 201);
  },
);

export const passwordLinkRoutes = apiApp();

openapi(
  passwordLinkRoutes,
  apiRoute({
    method: 'post',
    path: '/session/reset',
    summary: 'Ask for a password reset: the account with this email, if any, gets a link valid for an hour',
    permission: 'public',
    security: [],
    bodyLimit: 4 * 1024,
    request: { body: { required: true, content: { 'application/json': { schema: resetSchema } } } },
    responses: { 202: json(acceptedSchema, 'Accepted, whether or not an account has this address') },
  }),
  async (c) => {
    const { email } = c.req.valid('json');
    const now = new Date();
    const limits = attemptLimits(c, email, 'reset:');
    await refuseOverLimit(c, limits, now, 'too many password resets asked for: wait a few minutes');
    await countAttempt(c.env.DB, limits, now);
    const { config, ids } = await loadConfig(c.env.DB);
    const user = config.users.find((u) => u.email?.toLowerCase() === email.toLowerCase());
    const id = user && ids.users.get(user.id);
    await audit(
      c,
      {
        action: 'reset_requested',
        kind: 'password',
        target: user?.id ?? email.slice(0, 200),
        after: { account: !!id },
      },
      auditorOf(c, 'anonymous'),
    );
    if (user && id)
      await afterAnswer(
        c,
        newLink(c, id, 'reset', now).then((link) => emailLink(c.env, user, link, 'reset', now)),
      );
    return c.json({ status: 'accepted' as const }, 202);
  },
);

openapi(
  passwordLinkRoutes,
  apiRoute({
    method: 'post',
    path: '/session/password-link',
    summary: 'Set a password with an invitation or reset link, once, and sign in',
    permission: 'public',
    security: [],
    bodyLimit: 4 * 1024,
    request: { body: { required: true, content: { 'application/json': { schema: linkUseSchema } } } },
    responses: { 200: json(sessionSchema, 'The password is set and the cookie is set') },
  }),
  async (c) => {
    const { token, password } = c.req.valid('json');
    const now = new Date();
    const refused = () =>
      new HttpError(400, 'invalid_request', 'this link is unknown, used or expired: ask for a new one', [
        { field: 'token', message: 'unknown, used or expired' },
      ]);
    const db = drizzle(c.env.DB);
    const tokenHash = await sha256Hex(token);
    const live = and(
      eq(passwordLinks.tokenHash, tokenHash),
      isNull(passwordLinks.usedAt),
      gt(passwordLinks.expiresAt, now.toISOString()),
    );
    const link = await db.select().from(passwordLinks).where(live).get();
    if (!link) throw refused();
    const row = await db
      .select({ handle: users.handle })
      .from(users)
      .where(and(eq(users.id, link.userId), isNull(users.deletedAt)))
      .get();
    const { config } = await loadConfig(c.env.DB);
    const user = row && config.users.find((u) => u.id === row.handle);
    if (!user) throw refused();
    refuseWeak(password, user.email);
    // Spent first, so that of two requests with the same link only one sets a password.
    const spent = await db.update(passwordLinks).set({ usedAt: now.toISOString() }).where(live).returning();
    if (spent.length === 0) throw refused();
    await setPassword(c.env.DB, link.userId, password, now);
    // A reset is for a password someone else may know: every browser signed in with it is signed out.
    if (link.purpose === 'reset')
      await db
        .update(sessions)
        .set({ revokedAt: now.toISOString() })
        .where(and(eq(sessions.userId, link.userId), isNull(sessions.revokedAt)));
    await audit(
      c,
      { action: 'set_by_link', kind: 'password', target: user.id, after: { purpose: link.purpose } },
      auditorOf(c, user.id),
    );
    return c.json(await startSession(c, link.userId, user, now));
  },
);
