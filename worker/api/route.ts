// How an API route is declared: one `apiRoute({...})` definition (createRoute) next to its handler
// gives the OpenAPI document, the validation of params, query and body, and the permission the
// route needs, so that no route is served undocumented, unchecked or without a permission.
//
// Bodies are read bounded: the library's own JSON validator (which reads a body of any size, and
// answers its own 400 and 415) is never attached. The route is served without its body schema, and
// after the permission and the library's checks of params and query, the body is read with readJson
// against the definition's schema (413 past the route's limit, 400 for JSON too deep, too large or
// not JSON, 400 naming each bad field, whatever the content type, as before) and handed to the
// handler as `c.req.valid('json')`.
import { createRoute, OpenAPIHono, z, type Hook, type RouteConfig, type RouteHandler } from '@hono/zod-openapi';
import type { Handler } from 'hono';
import { errorSchema, invalidInput, readJson } from '../http';
import { allow, type ApiEnv, type Permission } from './auth';

/** What a route states beyond OpenAPI: who may call it and how its body is read. */
export interface ApiRouteOptions {
  /** The least a caller's role must allow; finer rules (teams, owners) are the handler's. */
  permission: Permission;
  /** The most bytes the JSON body may have (default 256 KiB). */
  bodyLimit?: number;
  /**
   * What the body is checked against when read, when the handler completes it before the
   * documented schema applies (PUT of one object takes its id from the path). Default: the
   * documented schema.
   */
  bodyReadAs?: z.ZodType;
  /** The handler reads the body itself (PUT /config: YAML or JSON). */
  ownBody?: true;
}

export type ApiRouteConfig = Omit<RouteConfig, 'middleware' | 'hide'> & ApiRouteOptions;

const DEFAULT_BODY_LIMIT = 256 * 1024;

/** An API route definition: createRoute with a permission, which it cannot be written without. */
export function apiRoute<const P extends string, const R extends ApiRouteConfig & { path: P }>(config: R) {
  return createRoute(config);
}

const what = { json: 'request body', query: 'query', param: 'path', header: 'headers' } as Record<string, string>;

/** Every validation failure answers as readJson and validate do: 400 naming each bad field. */
export const validationHook: Hook<unknown, ApiEnv, string, undefined> = (result) => {
  if (!result.success) throw invalidInput(result.error.issues, what[result.target] ?? result.target);
  return undefined;
};

/** An app of API routes, whose validation failures answer as the rest of the API. */
export function apiApp() {
  return new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
}

/** The answer of any 4xx: a code, a message and, for bad input, each field. */
export const errorResponses = {
  '4XX': {
    description: 'Refused: bad input (each bad field named), no or wrong token, no permission, not found, conflict',
    content: { 'application/json': { schema: errorSchema } },
  },
} as const;

/** A JSON success answer in a route definition. */
export const json = <S extends z.ZodType>(schema: S, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** The path parameter every one-object route has: an internal id or a handle. */
export const idParams = z.object({
  id: z.string().openapi({ description: 'internal id or handle' }),
});

function jsonBodySchema(config: ApiRouteConfig): z.ZodType | undefined {
  const content = config.request?.body?.content as Record<string, { schema?: unknown }> | undefined;
  const schema = content?.['application/json']?.schema;
  return schema instanceof z.ZodType ? schema : undefined;
}

/** The first value of each query parameter, as `c.req.query()` has it. */
const firstValues = (query: unknown) =>
  Object.fromEntries(
    Object.entries(query as Record<string, unknown>).map(([key, value]) => [
      key,
      Array.isArray(value) ? value[0] : value,
    ]),
  );

type Context<R extends RouteConfig> = Parameters<RouteHandler<R, ApiEnv>>[0];

/**
 * Serves a route on `app` and puts its definition in the app's OpenAPI registry: the permission
 * first, then params and query (validated by the library, answered by `validationHook`), then the
 * bounded body, then the handler.
 */
export function openapi<R extends ApiRouteConfig>(
  app: OpenAPIHono<ApiEnv>,
  route: R,
  handler: (c: Context<R>) => Response | Promise<Response>,
): void {
  const { permission, bodyLimit, bodyReadAs, ownBody, ...definition } = route;
  app.openAPIRegistry.registerPath({
    ...definition,
    'x-permission': permission,
    responses: { ...definition.responses, ...errorResponses },
  });
  const bodySchema = ownBody ? undefined : (bodyReadAs ?? jsonBodySchema(route));
  const limit = bodyLimit ?? DEFAULT_BODY_LIMIT;
  const { body: _body, ...request }: NonNullable<RouteConfig['request']> = definition.request ?? {};
  // Served without the body (read below, bounded) and hidden (registered above, whole).
  const served: RouteConfig = {
    ...definition,
    hide: true,
    middleware: allow(permission),
    request: { ...request, ...(request.query ? { query: z.preprocess(firstValues, request.query) } : {}) },
  };
  const serve = app.openapi as unknown as (r: RouteConfig, h: Handler<ApiEnv>) => void;
  serve.call(app, served, async (c) => {
    if (bodySchema) c.req.addValidatedData('json', (await readJson(c.req.raw, bodySchema, limit)) as object);
    return handler(c as unknown as Context<R>);
  });
}
