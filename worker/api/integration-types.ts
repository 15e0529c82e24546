// GET /integration-types: every integration type with its tool's name, for the console's pickers.
import { z } from '@hono/zod-openapi';
import { adapters } from '../ingest/registry';
import { apiApp, apiRoute, json, openapi } from './route';

export const integrationTypeListSchema = z
  .object({ types: z.array(z.object({ type: z.string(), title: z.string() })) })
  .meta({ id: 'IntegrationTypeList' });

export const integrationTypeRoutes = apiApp();

openapi(
  integrationTypeRoutes,
  apiRoute({
    method: 'get',
    path: '/integration-types',
    summary: 'Every integration type, with the name of its tool',
    permission: 'read',
    responses: { 200: json(integrationTypeListSchema, 'The types') },
  }),
  (c) => c.json({ types: Object.entries(adapters).map(([type, adapter]) => ({ type, title: adapter.title })) }),
);
