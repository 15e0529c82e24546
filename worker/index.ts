// The Worker: HTTP (ingest and API) at the edge; incidents live in their Durable Objects.
import { Hono } from 'hono';
import { apiRoutes } from './api/app';
import { errorResponse, HttpError } from './http';
import { goalertRoutes } from './ingest/dropin/goalert';
import { opsgenieRoutes } from './ingest/dropin/opsgenie';
import { pagerdutyRoutes } from './ingest/dropin/pagerduty';
import { prometheusRoutes } from './ingest/dropin/prometheus';
import { ingestRoutes } from './ingest/routes';
import { receiveEmail } from './ingest/email';
import { respondRoutes } from './respond/routes';
import { consumeNotifications } from './notify/consumer';
import { calendarRoutes } from './api/schedules';
import { healthRoutes } from './api/health';
import { housekeeping } from './ops/housekeeping';

export { D1WriterObject } from './db/writer';
export { IncidentObject } from './incident/object';
export { SequenceObject } from './incident/sequence';
export { HandoffObject } from './notify/handoff-object';
export { HeartbeatObject } from './ingest/heartbeat-object';
export { ConfigSnapshotObject } from './config/snapshot-object';

export const app = new Hono<{ Bindings: Env }>()
  .route('/', ingestRoutes)
  .route('/', pagerdutyRoutes)
  .route('/', opsgenieRoutes)
  .route('/', prometheusRoutes)
  .route('/', goalertRoutes)
  .route('/', calendarRoutes)
  .route('/', respondRoutes)
  .route('/', healthRoutes)
  .route('/api/v1', apiRoutes)
  .notFound((c) => {
    const path = new URL(c.req.url).pathname;
    const ours = ['/api/', '/integration/', '/calendar/', '/respond/', '/webhooks/', '/v2/'].some((prefix) =>
      path.startsWith(prefix),
    );
    if (c.env.WEB && !ours) return c.env.WEB.fetch(c.req.raw);
    return errorResponse(c, new HttpError(404, 'not_found', `no route for ${c.req.method} ${path}`));
  })
  .onError((error, c) => {
    if (error instanceof HttpError) return errorResponse(c, error);
    console.error('unhandled error', error);
    // An overloaded or restarting Durable Object: the sender should retry, nothing was accepted.
    if ((error as { retryable?: boolean }).retryable || (error as { overloaded?: boolean }).overloaded) {
      c.header('Retry-After', '1');
      return errorResponse(c, new HttpError(503, 'unavailable', 'temporarily unavailable; retry'));
    }
    return errorResponse(c, new HttpError(500, 'internal_error', 'internal error'));
  });

export default {
  fetch: app.fetch,
  queue: (batch, env) => consumeNotifications(batch, env),
  // An alert to an email integration's address, or a reply to a notification.
  email: (message, env, ctx) => receiveEmail(message, env, ctx),
  // Every few minutes (wrangler.toml's crons): retention, and the heartbeat of Tocsin's own health.
  scheduled: (controller, env, ctx) => ctx.waitUntil(housekeeping(env, new Date(controller.scheduledTime))),
} satisfies ExportedHandler<Env>;
