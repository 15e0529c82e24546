// GoAlert's generic incoming API as a door: POST /api/v2/generic/incoming?token=KEY (or the token as a
// bearer), answered 204 as GoAlert answers.
import { Hono } from 'hono';
import { readInbound, receive } from '../routes';
import { keyFromAuthorization } from './prometheus';

export const goalertRoutes = new Hono<{ Bindings: Env }>().post('/api/v2/generic/incoming', async (c) => {
  const request = await readInbound(c.req.raw);
  const key = c.req.query('token') ?? keyFromAuthorization(c.req.header('authorization')) ?? '';
  await receive(c.env, 'goalert', key, request, (p) => c.executionCtx.waitUntil(p));
  return c.body(null, 204);
});
