// The OpenAPI 3.1 document, generated from the route definitions that also validate requests (the
// API's apiRoute definitions and the ingest route's), and from the list below for the routes not
// yet defined that way.
import { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { ingestRouteDefinition } from '../ingest/routes';
import type { ApiEnv } from './auth';
import { configDocumentSchema } from '../config/document';

interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  body?: z.ZodType;
  query?: z.ZodType;
  success: number;
}

const operations: Operation[] = [
  {
    method: 'get',
    path: '/api/v1/config',
    summary: 'Export the configuration (JSON, or YAML with ?format=yaml), with an ETag for If-Match',
    success: 200,
  },
  {
    method: 'put',
    path: '/api/v1/config',
    summary: 'Apply a configuration document (YAML or JSON); 412 when If-Match is not the current ETag',
    body: configDocumentSchema,
    success: 200,
  },
];

type JsonSchema = Record<string, unknown>;

/** A schema's JSON Schema, with named schemas (`.meta({ id })`) moved into `components`. */
function jsonSchema(schema: z.ZodType, components: Record<string, JsonSchema>): JsonSchema {
  const generated = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
  const {
    $schema: _,
    $defs,
    ...rest
  } = JSON.parse(JSON.stringify(generated).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema & {
    $defs?: Record<string, JsonSchema>;
  };
  Object.assign(components, $defs ?? {});
  return rest;
}

function operationObject(op: Operation, components: Record<string, JsonSchema>) {
  const pathParams = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const queryShape = op.query
    ? (jsonSchema(op.query, components) as { properties?: Record<string, object>; required?: string[] })
    : undefined;
  const queryParams = Object.entries(queryShape?.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: queryShape?.required?.includes(name) ?? false,
    schema,
  }));
  return {
    summary: op.summary,
    parameters: [...pathParams, ...queryParams],
    ...(op.body
      ? {
          requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body, components) } } },
        }
      : {}),
    responses: {
      [op.success]: { description: 'Success' },
      '4XX': {
        description: 'Bad request; the body names each bad field',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    },
  };
}

const API = '/api/v1';

/** The document of every route registered on the API app (under /api/v1), of ingest, and of the list. */
export function openApiDocument(api: OpenAPIHono<ApiEnv>) {
  const doc = new OpenAPIHono();
  const registry = doc.openAPIRegistry;
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  registry.registerPath(ingestRouteDefinition);
  for (const definition of api.openAPIRegistry.definitions) {
    if (definition.type === 'route')
      registry.registerPath({ ...definition.route, path: `${API}${definition.route.path}` });
  }
  const generated = doc.getOpenAPI31Document({
    openapi: '3.1.0',
    info: { title: 'Tocsin API', version: '1' },
    security: [{ bearer: [] }],
  });
  const paths = (generated.paths ?? {}) as Record<string, Record<string, unknown>>;
  const schemas = (generated.components?.schemas ?? {}) as Record<string, JsonSchema>;
  for (const op of operations) (paths[op.path] ??= {})[op.method] ??= operationObject(op, schemas);
  return { ...generated, paths, components: { ...generated.components, schemas } };
}
