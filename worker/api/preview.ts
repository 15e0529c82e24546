// POST /integrations/{id}/preview: what a sample request would become — the adapter's events (with
// the integration's mapping and email rules), and where routing and suppression would send each —
// without opening, changing or paging anything.
import { z } from '@hono/zod-openapi';
import { loadConfig } from '../config/store';
import { HttpError } from '../http';
import { staged, stagesOf } from '../ingest/pipeline';
import { adapterFor } from '../ingest/registry';
import { eventsOf, readInbound, tooLarge } from '../ingest/routes';
import { currentOne } from './objects';
import { apiApp, apiRoute, idParams, json, openapi } from './route';

export const previewSchema = z
  .object({
    events: z.array(
      z.looseObject({
        event_id: z.string(),
        action: z.enum(['open', 'ack', 'close']),
        summary: z.string(),
        urgency: z.string(),
        service: z.string().nullable().describe('the service routing sends it to; null when it is dropped'),
        pages: z.boolean().describe('whether its incident would page anyone'),
        quiet: z.string().nullable().describe('why nobody would be paged, when a rule says so'),
      }),
    ),
  })
  .meta({ id: 'IntegrationPreview' });

export const previewRoutes = apiApp();

openapi(
  previewRoutes,
  apiRoute({
    method: 'post',
    path: '/integrations/{id}/preview',
    summary: 'What a sample request would become, without side effects',
    permission: 'configure',
    ownBody: true,
    request: { params: idParams },
    responses: { 200: json(previewSchema, 'The events, and where each would go') },
  }),
  async (c) => {
    const stored = await loadConfig(c.env.DB);
    const integration = currentOne(stored, 'integrations', c.req.valid('param').id);
    const adapter = adapterFor(integration.type);
    if (!adapter) throw new HttpError(400, 'invalid_request', `no adapter reads ${integration.type}`);
    const request = await readInbound(c.req.raw);
    if (request === null) throw tooLarge();
    const events = eventsOf(adapter, request, { now: new Date(), settings: integration });
    const stages = stagesOf(stored);
    const handles = new Map([...stored.ids.services].map(([handle, id]) => [id, handle]));
    const serviceId = stored.ids.services.get(integration.service)!;
    return c.json({
      events: events.map((event) => {
        const next = staged({ handle: integration.id, serviceId }, event, stages, new Date());
        return {
          event_id: event.eventId,
          action: event.action,
          summary: event.summary,
          urgency: next?.event.urgency ?? event.urgency,
          event_time: event.eventTime,
          resource: event.resource ?? null,
          metric: event.metric ?? null,
          event_type: event.eventType ?? null,
          source: event.source ?? null,
          link: event.link ?? null,
          details: event.details ?? {},
          service: next ? (handles.get(next.serviceId) ?? null) : null,
          pages: next !== null && next.event.quiet === undefined,
          quiet: next === null ? 'dropped by a suppression rule' : (next.event.quiet ?? null),
        };
      }),
    });
  },
);
