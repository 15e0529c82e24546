// /api/v1/tokens: API tokens for users. The token is shown once; only its hash is kept. Anyone
// signed in lists, creates and revokes their own; owners and admins those of others (mayMintTokenFor).
import { z } from '@hono/zod-openapi';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { apiTokens, users } from '../db/schema';
import { HttpError } from '../http';
import { audit } from './audit';
import { newToken, sha256Hex } from './auth';
import { handleSchema } from '../vocabulary';
import { configures, managesTokensOf } from '../permissions';
import { apiApp, apiRoute, json, openapi } from './route';

export const tokenCreateSchema = z
  .object({ user: handleSchema, name: z.string().trim().min(1).max(200).default('api') })
  .meta({ id: 'TokenCreate' });

export const tokenSchema = z
  .object({
    id: z.string(),
    token: z.string().describe('the secret, shown only in this answer'),
    user: z.string(),
    name: z.string(),
    created_at: z.string(),
  })
  .meta({ id: 'Token' });

/** A live token as listed: never its secret. */
export const tokenListSchema = z
  .object({ tokens: z.array(tokenSchema.omit({ token: true })) })
  .meta({ id: 'TokenList' });

export const tokenRoutes = apiApp();

openapi(
  tokenRoutes,
  apiRoute({
    method: 'get',
    path: '/tokens',
    summary: "List live API tokens (without their secrets): everyone's or one user's; one's own without configure",
    permission: 'read',
    request: { query: z.object({ user: handleSchema.optional() }) },
    responses: { 200: json(tokenListSchema, 'Tokens not revoked, oldest first') },
  }),
  async (c) => {
    const principal = c.get('principal');
    const user = c.req.valid('query').user ?? (configures(principal) ? undefined : principal.handle);
    if (user !== principal.handle && !configures(principal))
      throw new HttpError(403, 'forbidden', 'only an owner or admin may list the tokens of others', [
        { field: 'user', message: 'not you' },
      ]);
    const rows = await drizzle(c.env.DB)
      .select({ id: apiTokens.id, user: users.handle, name: apiTokens.name, created_at: apiTokens.createdAt })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(and(isNull(apiTokens.revokedAt), user === undefined ? undefined : eq(users.handle, user)))
      .orderBy(apiTokens.createdAt, apiTokens.id);
    return c.json({ tokens: rows });
  },
);

openapi(
  tokenRoutes,
  apiRoute({
    method: 'post',
    path: '/tokens',
    summary: 'Create an API token for yourself, or (owners and admins) for a user (shown once)',
    permission: 'read',
    bodyLimit: 16 * 1024,
    request: { body: { required: true, content: { 'application/json': { schema: tokenCreateSchema } } } },
    responses: { 201: json(tokenSchema, 'The token, shown once') },
  }),
  async (c) => {
    const request = c.req.valid('json');
    const db = drizzle(c.env.DB);
    const user = await db
      .select()
      .from(users)
      .where(and(eq(users.handle, request.user), isNull(users.deletedAt)))
      .get();
    if (!user)
      throw new HttpError(400, 'invalid_request', `no user is named ${request.user}`, [
        { field: 'user', message: 'unknown user' },
      ]);
    const principal = c.get('principal');
    if (!managesTokensOf(principal, user))
      throw new HttpError(
        403,
        'forbidden',
        configures(principal)
          ? `only an owner may create a token for an ${user.role}`
          : 'a token of your own only: only an owner or admin creates one for someone else',
        [{ field: 'user', message: 'not yours to create' }],
      );
    const token = newToken();
    const row = {
      id: crypto.randomUUID(),
      userId: user.id,
      name: request.name,
      tokenHash: await sha256Hex(token),
      createdAt: new Date().toISOString(),
    };
    await db.insert(apiTokens).values(row);
    await audit(c, { action: 'create', kind: 'token', target: row.id, after: { user: user.handle, name: row.name } });
    return c.json({ id: row.id, token, user: user.handle, name: row.name, created_at: row.createdAt }, 201);
  },
);

openapi(
  tokenRoutes,
  apiRoute({
    method: 'delete',
    path: '/tokens/{id}',
    summary: 'Revoke an API token: your own, or (owners and admins) anyone’s',
    permission: 'read',
    request: { params: z.object({ id: z.string().max(100) }) },
    responses: { 204: { description: 'Revoked' } },
  }),
  async (c) => {
    const db = drizzle(c.env.DB);
    const principal = c.get('principal');
    const id = c.req.valid('param').id;
    // Someone else's token is, to whoever may not revoke it, no token at all.
    const own = configures(principal)
      ? undefined
      : inArray(
          apiTokens.userId,
          db
            .select({ id: users.id })
            .from(users)
            .where(and(eq(users.handle, principal.handle), isNull(users.deletedAt))),
        );
    const revoked = await db
      .update(apiTokens)
      .set({ revokedAt: new Date().toISOString() })
      .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt), own))
      .returning({ id: apiTokens.id });
    if (revoked.length === 0) throw new HttpError(404, 'not_found', 'no such token');
    await audit(c, { action: 'revoke', kind: 'token', target: id });
    return c.body(null, 204);
  },
);
