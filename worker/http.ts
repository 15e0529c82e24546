// Error answers shared by every HTTP entry point: a JSON body with a code, a message and, for bad
// input, each offending field named.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';

import type { FieldError } from './vocabulary';

export type { FieldError };

export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly fields?: FieldError[],
  ) {
    super(message);
  }
}

/** The body of every error answer, as the OpenAPI document shows it. */
export const errorSchema = z
  .object({
    status: z.literal('error'),
    error: z.string().describe('a code: invalid_request, invalid_json, unauthorized, forbidden, not_found…'),
    message: z.string(),
    fields: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .describe('each offending field, as `integrations[0].service`'),
  })
  .meta({ id: 'Error' });

export function errorBody(error: HttpError) {
  return {
    status: 'error',
    error: error.code,
    message: error.message,
    ...(error.fields ? { fields: error.fields } : {}),
  };
}

export function errorResponse(c: Context, error: HttpError): Response {
  return c.json(errorBody(error), error.status);
}

/** `integrations[0].service` for the path ['integrations', 0, 'service']. */
export function fieldName(path: readonly PropertyKey[]): string {
  const name = path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
  return name === '' ? 'body' : name;
}

export function invalidInput(issues: readonly z.core.$ZodIssue[], what = 'request body'): HttpError {
  const fields = issues.map((issue) => ({ field: fieldName(issue.path), message: issue.message }));
  const names = [...new Set(fields.map((f) => f.field))].join(', ');
  return new HttpError(400, 'invalid_request', `invalid ${what}: ${names}`, fields);
}

/** Parses input with a schema, or throws the 400 that names each bad field. */
export function validate<S extends z.ZodType>(schema: S, input: unknown, what?: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw invalidInput(result.error.issues, what);
  return result.data;
}

/** The most nesting, and the most keys and array items, that one JSON body may hold. */
export const MAX_JSON_DEPTH = 32;
export const MAX_JSON_MEMBERS = 10_000;

export function parseJsonText(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, 'invalid_json', `the body is not valid JSON: ${(error as Error).message}`, [
      { field: 'body', message: 'not valid JSON' },
    ]);
  }
  const problem = jsonLimitProblem(value);
  if (problem) throw new HttpError(400, 'invalid_request', `the body is too ${problem.what}`, [problem.error]);
  return value;
}

/**
 * Where a parsed body crosses the nesting or size limits, named by its top-level field: anything
 * deeper or bigger would cost every later step (validation, storage, the incident object) dearly.
 * Walked with a stack, not recursion, so that no body can overflow it.
 */
export function jsonLimitProblem(value: unknown): { what: string; error: FieldError } | null {
  const stack: { value: unknown; depth: number; field: string }[] = [{ value, depth: 0, field: 'body' }];
  let members = 0;
  while (stack.length > 0) {
    const { value: node, depth, field } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) {
      return { what: 'deep', error: { field, message: `nested more than ${MAX_JSON_DEPTH} levels deep` } };
    }
    const children = Array.isArray(node) ? node.map((v, i) => [String(i), v] as const) : Object.entries(node);
    members += children.length;
    if (members > MAX_JSON_MEMBERS) {
      return { what: 'large', error: { field, message: `more than ${MAX_JSON_MEMBERS} keys and array items` } };
    }
    for (const [key, child] of children) {
      stack.push({ value: child, depth: depth + 1, field: depth === 0 && !Array.isArray(node) ? key : field });
    }
  }
  return null;
}

export type LimitedBody = { tooLarge: false; text: string } | { tooLarge: true };

/**
 * Reads a body up to `limit` bytes. Past the limit the rest is still read and dropped: answering
 * before the sender has finished makes some proxies fail other requests in flight.
 */
export async function readLimitedBody(request: Request, limit: number): Promise<LimitedBody> {
  if (request.body === null) return { tooLarge: false, text: '' };
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size <= limit) chunks.push(value);
  }
  if (size > limit) return { tooLarge: true };
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { tooLarge: false, text: new TextDecoder().decode(bytes) };
}

export function isJsonContentType(contentType: string | undefined): boolean {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  return (
    mediaType === 'application/json' || (mediaType?.startsWith('application/') === true && mediaType.endsWith('+json'))
  );
}

/** A JSON request body of at most `limit` bytes, validated: 413, 400 naming fields, or the data. */
export async function readJson<S extends z.ZodType>(
  request: Request,
  schema: S,
  limit = 256 * 1024,
): Promise<z.infer<S>> {
  const body = await readLimitedBody(request, limit);
  if (body.tooLarge) throw new HttpError(413, 'payload_too_large', `the body is over ${limit} bytes`);
  return validate(schema, parseJsonText(body.text));
}
