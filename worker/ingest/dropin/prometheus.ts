// Prometheus without an Alertmanager: POST /api/v2/alerts with the key of a `prometheus` integration
// as a bearer token or as the basic-auth password (Prometheus' `alerting.alertmanagers[].authorization`
// or `basic_auth`). Answered 200 with no body, as an Alertmanager answers.
import { Hono } from 'hono';
import { HttpError } from '../../http';
import { readInbound, receive } from '../routes';

/** The key from `Authorization: Bearer <key>` or `Basic base64(user:key)`. */
export function keyFromAuthorization(header: string | undefined): string | null {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (bearer) return bearer[1]!;
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!basic) return null;
  try {
    const decoded = atob(basic[1]!);
    return decoded.slice(decoded.indexOf(':') + 1) || null;
  } catch {
    return null;
  }
}

export const prometheusRoutes = new Hono<{ Bindings: Env }>().post('/api/v2/alerts', async (c) => {
  const request = await readInbound(c.req.raw);
  const key = keyFromAuthorization(c.req.header('authorization'));
  if (key === null) {
    c.header('WWW-Authenticate', 'Bearer');
    throw new HttpError(
      401,
      'unauthorized',
      "send the prometheus integration's key as a bearer token or basic-auth password",
    );
  }
  await receive(c.env, 'prometheus', key, request, (p) => c.executionCtx.waitUntil(p));
  return c.body(null, 200);
});
