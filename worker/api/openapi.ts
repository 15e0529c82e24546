// The OpenAPI 3.1 document, generated from the route definitions that also validate requests (the
// API's apiRoute definitions and the ingest route's), and from the list below for the routes not
// yet defined that way.
import { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { ingestRouteDefinition } from '../ingest/routes';
import type { ApiEnv } from './auth';
import { escalationPolicySchema } from '../escalation/policy';
import { overrideSchema } from '../schedule/schedule';
import { configDocumentSchema, scheduleConfigSchema } from '../config/document';
import {
  integrationCreateSchema,
  integrationUpdateSchema,
  objectPatchSchema,
  serviceCreateSchema,
  serviceUpdateSchema,
} from './services';
import { instantQuerySchema, rangeQuerySchema } from './schedules';
import { teamCreateSchema, teamUpdateSchema } from './teams';

interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  body?: z.ZodType;
  query?: z.ZodType;
  success: number;
}

const operations: Operation[] = [
  { method: 'get', path: '/api/v1/services', summary: 'List services', success: 200 },
  { method: 'post', path: '/api/v1/services', summary: 'Create a service', body: serviceCreateSchema, success: 201 },
  { method: 'get', path: '/api/v1/services/{id}', summary: 'A service, by id or handle', success: 200 },
  {
    method: 'patch',
    path: '/api/v1/services/{id}',
    summary: 'Change a service (a new id renames it, keeping its internal id; references follow)',
    body: serviceUpdateSchema,
    success: 200,
  },
  { method: 'delete', path: '/api/v1/services/{id}', summary: 'Delete a service', success: 204 },
  { method: 'get', path: '/api/v1/integrations', summary: 'List integrations', success: 200 },
  {
    method: 'post',
    path: '/api/v1/integrations',
    summary: 'Create an integration (answers its key and ingest URL)',
    body: integrationCreateSchema,
    success: 201,
  },
  { method: 'get', path: '/api/v1/integrations/{id}', summary: 'An integration, by id or handle', success: 200 },
  {
    method: 'patch',
    path: '/api/v1/integrations/{id}',
    summary: 'Change an integration (a new id renames it, keeping its internal id and key)',
    body: integrationUpdateSchema,
    success: 200,
  },
  {
    method: 'delete',
    path: '/api/v1/integrations/{id}',
    summary: 'Delete an integration; its key stops working at once',
    success: 204,
  },
  { method: 'get', path: '/api/v1/teams', summary: 'List teams', success: 200 },
  { method: 'post', path: '/api/v1/teams', summary: 'Create a team', body: teamCreateSchema, success: 201 },
  { method: 'get', path: '/api/v1/teams/{id}', summary: 'A team, by id or handle (with an ETag)', success: 200 },
  {
    method: 'patch',
    path: '/api/v1/teams/{id}',
    summary: "Change a team (a team's admins may change its members; a new id renames it)",
    body: teamUpdateSchema,
    success: 200,
  },
  { method: 'delete', path: '/api/v1/teams/{id}', summary: 'Delete a team', success: 204 },
  {
    method: 'get',
    path: '/api/v1/schedules',
    summary: 'List schedules (with their iCalendar feed URL for owners and admins)',
    success: 200,
  },
  {
    method: 'post',
    path: '/api/v1/schedules/{id}/calendar/rotate',
    summary: "Give a schedule's iCalendar feed a new secret URL (the old one stops working)",
    success: 200,
  },
  {
    method: 'get',
    path: '/api/v1/schedules/{id}/on-call',
    summary: 'Who is on call at an instant (default now)',
    query: instantQuerySchema,
    success: 200,
  },
  {
    method: 'get',
    path: '/api/v1/schedules/{id}/shifts',
    summary: 'Shifts in a range',
    query: rangeQuerySchema,
    success: 200,
  },
  {
    method: 'get',
    path: '/api/v1/schedules/{id}/gaps',
    summary: 'Stretches with nobody on call in a range',
    query: rangeQuerySchema,
    success: 200,
  },
  {
    method: 'get',
    path: '/api/v1/schedules/{id}',
    summary: 'A schedule, by id or handle (with an ETag for If-Match)',
    success: 200,
  },
  {
    method: 'patch',
    path: '/api/v1/schedules/{id}',
    summary: 'Change some fields of a schedule (a new id renames it; references follow)',
    body: objectPatchSchema,
    success: 200,
  },
  {
    method: 'put',
    path: '/api/v1/schedules/{id}',
    summary: 'Create or replace one schedule',
    body: scheduleConfigSchema,
    success: 200,
  },
  { method: 'delete', path: '/api/v1/schedules/{id}', summary: 'Delete a schedule', success: 204 },
  {
    method: 'post',
    path: '/api/v1/schedules/{id}/overrides',
    summary: 'Add an override (a responder may add one for their own shifts)',
    body: overrideSchema,
    success: 201,
  },
  {
    method: 'get',
    path: '/api/v1/escalation-policies',
    summary: 'List policies, flagging schedules with gaps in the next four weeks',
    success: 200,
  },
  {
    method: 'get',
    path: '/api/v1/escalation-policies/{id}',
    summary: 'An escalation policy, by handle (with an ETag for If-Match)',
    success: 200,
  },
  {
    method: 'patch',
    path: '/api/v1/escalation-policies/{id}',
    summary: 'Change some fields of an escalation policy (a new id renames it; references follow)',
    body: objectPatchSchema,
    success: 200,
  },
  {
    method: 'put',
    path: '/api/v1/escalation-policies/{id}',
    summary: 'Create or replace one escalation policy',
    body: escalationPolicySchema,
    success: 200,
  },
  { method: 'delete', path: '/api/v1/escalation-policies/{id}', summary: 'Delete an escalation policy', success: 204 },
  {
    method: 'get',
    path: '/api/v1/on-call',
    summary: 'Everyone on call now, by schedule and by policy',
    query: instantQuerySchema,
    success: 200,
  },
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
