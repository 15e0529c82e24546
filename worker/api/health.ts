// GET /health: Tocsin's own state for an uptime checker, without a token and without secrets: 200
// when ok, 503 when degraded (so that a plain HTTP check sees it too), with the figures in the body.
import { Hono } from 'hono';
import { checkHealth } from '../ops/check';

export const healthRoutes = new Hono<{ Bindings: Env }>().get('/health', async (c) => {
  const health = await checkHealth(c.env, new Date());
  c.header('cache-control', 'no-store');
  return c.json(health, health.status === 'ok' ? 200 : 503);
});
