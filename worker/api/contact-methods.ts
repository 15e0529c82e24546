// /api/v1/users/{id}/contact-methods/{cm}: send a test notification, send a verification code, confirm
// it. A user acts on their own methods; those who configure, on anyone's. Each send is in the user's
// notification log. A page to an unverified method is still sent: verification tells the user the
// address works, it does not gate paging.
import { z } from '@hono/zod-openapi';
import { and, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import type { Context } from 'hono';
import { loadConfig } from '../config/store';
import { sentOnceRow } from '../db/incidents';
import { contactVerifications, notifications } from '../db/schema';
import { HttpError } from '../http';
import { providerFor } from '../notify/channels';
import { publicUrl } from '../notify/outbound';
import type { Delivery, Outbound, Subject } from '../notify/provider';
import { configures } from '../permissions';
import { MINUTE } from '../vocabulary';
import type { ApiEnv } from './auth';
import { notificationJson, notificationSchema } from './notifications';
import { apiApp, apiRoute, json, openapi } from './route';

export const contactMethodRoutes = apiApp();

const params = z.object({
  id: z.string().openapi({ description: 'the user: internal id or handle' }),
  cm: z.string().openapi({ description: 'the contact method id' }),
});
const confirmSchema = z
  .object({ code: z.string().regex(/^[0-9]{6}$/, 'the six digits sent to the contact method') })
  .meta({ id: 'ContactMethodConfirm' });
const sentSchema = z.object({ notification: notificationSchema }).meta({ id: 'ContactMethodSend' });
const verifiedSchema = z
  .object({ verified: z.boolean(), verified_at: z.string() })
  .meta({ id: 'ContactMethodVerified' });

/** How long a code stays good, and how many wrong codes end it. */
const CODE_LIFETIME_MS = 10 * MINUTE;
const MAX_FAILED_TRIES = 5;

const sha256 = async (text: string) =>
  [...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');

/** The user and contact method named by the path, if the caller may act on them. */
async function methodOf(c: Context<ApiEnv>, id: string, cm: string) {
  const { config } = await loadConfig(c.env.DB);
  const user = config.users.find((u) => u.id === id);
  if (!user) throw new HttpError(404, 'not_found', `no user is named ${id}`);
  const principal = c.get('principal');
  if (principal.handle !== user.id && !configures(principal)) {
    throw new HttpError(403, 'forbidden', 'only the user, an owner or an admin may use these contact methods');
  }
  const method = user.contact_methods.find((m) => m.id === cm);
  if (!method) throw new HttpError(404, 'not_found', `${user.id} has no contact method ${cm}`);
  const address = method.address ?? (method.type === 'email' ? user.email : undefined);
  if (address === undefined && method.type !== 'push') {
    throw new HttpError(409, 'conflict', `contact method ${cm} has no address to send to`);
  }
  return { user, method, address: address ?? '' };
}

/** Sends `subject` to the method now and writes it in the user's notification log. */
async function sendNow(c: Context<ApiEnv>, found: Awaited<ReturnType<typeof methodOf>>, subject: Subject) {
  const { user, method, address } = found;
  const now = new Date();
  const kind = subject.type === 'verify' ? ('verify' as const) : ('test' as const);
  const base = publicUrl(c.env);
  const message: Outbound = {
    id: `${kind}:${user.id}:${method.id}:${now.getTime()}`,
    channel: method.type,
    address,
    locale: user.locale,
    timeZone: user.time_zone,
    subject,
    callbacks: { status: `${base}/webhooks/twilio/status`, voice: `${base}/webhooks/twilio/voice` },
  };
  const provider = providerFor(method.type, c.env);
  const delivery: Delivery = await provider.send(message);
  const row = sentOnceRow(
    { id: message.id, kind, user: user.id, contactMethod: method.id, channel: method.type, address },
    delivery,
    provider.name,
    now,
  );
  await drizzle(c.env.DB).insert(notifications).values(row);
  return notificationJson({ ...row, revision: 1 }, c.get('principal'));
}

openapi(
  contactMethodRoutes,
  apiRoute({
    method: 'post',
    path: '/users/{id}/contact-methods/{cm}/test',
    summary: 'Send a test notification through a contact method, now',
    permission: 'read',
    request: { params },
    responses: { 200: json(sentSchema, 'Sent, or refused by the provider (status failed, with the error)') },
  }),
  async (c) => {
    const { id, cm } = c.req.valid('param');
    return c.json({ notification: await sendNow(c, await methodOf(c, id, cm), { type: 'test' }) });
  },
);

openapi(
  contactMethodRoutes,
  apiRoute({
    method: 'post',
    path: '/users/{id}/contact-methods/{cm}/verify',
    summary: 'Send a six-digit code to a contact method, to confirm within ten minutes',
    permission: 'read',
    request: { params },
    responses: { 202: json(sentSchema, 'The code was sent (or the provider refused it: status failed)') },
  }),
  async (c) => {
    const { id, cm } = c.req.valid('param');
    const found = await methodOf(c, id, cm);
    const code = String(crypto.getRandomValues(new Uint32Array(1))[0]! % 1_000_000).padStart(6, '0');
    const verification = {
      user: found.user.id,
      contactMethod: cm,
      address: found.address,
      codeHash: await sha256(`${found.user.id}:${cm}:${code}`),
      expiresAt: new Date(Date.now() + CODE_LIFETIME_MS).toISOString(),
      failedTries: 0,
      verifiedAt: null,
    };
    await drizzle(c.env.DB)
      .insert(contactVerifications)
      .values(verification)
      .onConflictDoUpdate({
        target: [contactVerifications.user, contactVerifications.contactMethod],
        set: verification,
      });
    return c.json({ notification: await sendNow(c, found, { type: 'verify', code }) }, 202);
  },
);

openapi(
  contactMethodRoutes,
  apiRoute({
    method: 'post',
    path: '/users/{id}/contact-methods/{cm}/confirm',
    summary: 'Confirm the code a contact method received',
    permission: 'read',
    request: { params, body: { required: true, content: { 'application/json': { schema: confirmSchema } } } },
    responses: { 200: json(verifiedSchema, 'The contact method is verified') },
  }),
  async (c) => {
    const { id, cm } = c.req.valid('param');
    const { code } = c.req.valid('json');
    const found = await methodOf(c, id, cm);
    const db = drizzle(c.env.DB);
    const key = and(eq(contactVerifications.user, found.user.id), eq(contactVerifications.contactMethod, cm));
    const pending = await db.select().from(contactVerifications).where(key).get();
    const refuse = (message: string) => new HttpError(400, 'invalid_request', message, [{ field: 'code', message }]);
    if (!pending || pending.address !== found.address) throw refuse('no code was sent to this address: verify first');
    if (pending.verifiedAt) return c.json({ verified: true, verified_at: pending.verifiedAt });
    if (Date.parse(pending.expiresAt) < Date.now() || pending.failedTries >= MAX_FAILED_TRIES) {
      throw refuse('the code has expired or was tried too often: verify again');
    }
    if (pending.codeHash !== (await sha256(`${found.user.id}:${cm}:${code}`))) {
      await db
        .update(contactVerifications)
        .set({ failedTries: pending.failedTries + 1 })
        .where(key);
      throw refuse('the code is not the one sent');
    }
    const verifiedAt = new Date().toISOString();
    await db.update(contactVerifications).set({ verifiedAt }).where(key);
    return c.json({ verified: true, verified_at: verifiedAt });
  },
);
