// The OpenAPI 3.1 document, generated from the route definitions that also validate requests:
// the API's apiRoute definitions (route.ts) and the ingest route's, which is a plain route.
import { OpenAPIHono } from '@hono/zod-openapi';
import { ingestRouteDefinition } from '../ingest/routes';
import type { ApiEnv } from './auth';

const API = '/api/v1';

/** The document of every route registered on the API app (under /api/v1), and of ingest. */
export function openApiDocument(api: OpenAPIHono<ApiEnv>) {
  const doc = new OpenAPIHono();
  const registry = doc.openAPIRegistry;
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  registry.registerPath(ingestRouteDefinition);
  for (const definition of api.openAPIRegistry.definitions) {
    if (definition.type === 'route')
      registry.registerPath({ ...definition.route, path: `${API}${definition.route.path}` });
  }
  return doc.getOpenAPI31Document({
    openapi: '3.1.0',
    info: { title: 'Tocsin API', version: '1' },
    security: [{ bearer: [] }],
  });
}
