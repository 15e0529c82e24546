// GET /push/key: the VAPID public key a browser subscribes with (`applicationServerKey`), or null
// when Web Push is not configured (both halves of the key pair are needed to send).
import { z } from '@hono/zod-openapi';
import { apiApp, apiRoute, json, openapi } from './route';

const pushKeySchema = z
  .object({ public_key: z.string().nullable().describe('base64url P-256 public key; null: push is not configured') })
  .meta({ id: 'PushKey' });

export const pushRoutes = apiApp();

openapi(
  pushRoutes,
  apiRoute({
    method: 'get',
    path: '/push/key',
    summary: 'The VAPID public key browsers subscribe to push notifications with',
    permission: 'read',
    responses: { 200: json(pushKeySchema, 'The key, or null') },
  }),
  (c) => c.json({ public_key: c.env.VAPID_PUBLIC_KEY && c.env.VAPID_PRIVATE_KEY ? c.env.VAPID_PUBLIC_KEY : null }),
);
