// /api/v1/tokens: API tokens for users. The token is shown once; only its hash is kept.
import { and, eq, isNull } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { Hono } from 'hono';
import { z } from 'zod';
import { apiTokens, users } from '../db/schema';
import { HttpError, readJson } from '../http';
import { allow, newToken, sha256Hex, type ApiEnv } from './auth';
import { handleSchema } from '../vocabulary';
import { mayMintTokenFor } from '../permissions';

export const tokenCreateSchema = z
  .object({ user: handleSchema, name: z.string().trim().min(1).max(200).default('api') })
  .meta({ id: 'TokenCreate' });

export const tokenRoutes = new Hono<ApiEnv>()
  .post('/tokens', allow('configure'), async (c) => {
    const request = await readJson(c.req.raw, tokenCreateSchema, 16 * 1024);
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
    if (!mayMintTokenFor(c.get('principal'), user.role))
      throw new HttpError(403, 'forbidden', `only an owner may create a token for an ${user.role}`);
    const token = newToken();
    const row = {
      id: crypto.randomUUID(),
      userId: user.id,
      name: request.name,
      tokenHash: await sha256Hex(token),
      createdAt: new Date().toISOString(),
    };
    await db.insert(apiTokens).values(row);
    return c.json({ id: row.id, token, user: user.handle, name: row.name, created_at: row.createdAt }, 201);
  })
  .delete('/tokens/:id', allow('configure'), async (c) => {
    const db = drizzle(c.env.DB);
    const revoked = await db
      .update(apiTokens)
      .set({ revokedAt: new Date().toISOString() })
      .where(and(eq(apiTokens.id, c.req.param('id')), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id });
    if (revoked.length === 0) throw new HttpError(404, 'not_found', 'no such token');
    return c.body(null, 204);
  });
