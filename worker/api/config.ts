// PUT/GET /api/v1/config: configuration as code. Every write, whole or of one object, is made from
// one read and goes through only if the configuration is still that read (else it is made again).
import { z } from '@hono/zod-openapi';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { applyConfig } from '../config/apply';
import { configDocumentSchema, kinds, type ConfigDocument, type Configuration } from '../config/document';
import { emailAddressOf } from '../ingest/adapters/email';
import { etagOf, ifMatchHolds } from '../config/etag';
import type { Renames } from '../config/plan';
import { loadConfig, type StoredConfig } from '../config/store';
import { HttpError, readLimitedBody, validate } from '../http';
import { ownerOnlyUserChanges } from '../permissions';
import type { FieldError } from '../vocabulary';
import type { Auditor } from '../audit/entries';
import { auditorOf } from './audit';
import { apiApp, apiRoute, json, openapi } from './route';

const MAX_CONFIG_BYTES = 2 * 1024 * 1024;
/** A change made again from a fresh read at most this often when other writes keep coming between. */
const MAX_ATTEMPTS = 5;

const names = z.array(z.string());
/** What a write changed, by kind: handles created, updated and deleted. */
export const configChangeSchema = z
  .object({
    changed: z.boolean(),
    changes: z.object(
      Object.fromEntries(kinds.map((kind) => [kind, z.object({ created: names, updated: names, deleted: names })])),
    ),
  })
  .meta({ id: 'ConfigChange' });

/** A document in YAML or JSON (YAML is a superset, but JSON gets JSON's error messages). */
function parseConfigText(text: string, contentType: string | undefined): ConfigDocument {
  let raw: unknown;
  try {
    raw = contentType?.includes('json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new HttpError(400, 'invalid_document', `the configuration does not parse: ${(error as Error).message}`, [
      { field: 'body', message: 'not valid YAML or JSON' },
    ]);
  }
  return validate(configDocumentSchema, withoutReadOnly(raw ?? {}), 'configuration');
}

/** An exported document shows each email integration's address; applied again, the address is ignored. */
function withoutReadOnly(raw: unknown): unknown {
  const integrations = (raw as { integrations?: unknown }).integrations;
  if (!Array.isArray(integrations)) return raw;
  return {
    ...(raw as object),
    integrations: integrations.map((i) => {
      if (i === null || typeof i !== 'object') return i;
      const { email_address: _shown, ...rest } = i as Record<string, unknown>;
      return rest;
    }),
  };
}

/** The document as exported: the stored configuration, with each email integration's address. */
function exported(config: Configuration, emailDomain: string | undefined) {
  return {
    ...config,
    integrations: config.integrations.map((i) =>
      i.type === 'email' ? { ...i, email_address: emailAddressOf(i.key ?? '', emailDomain) } : i,
    ),
  };
}

/** 412 unless the If-Match header (if any) names `etag`, the tag of what the write would change. */
export function requireMatch(header: string | undefined, etag: string | null): void {
  if (!ifMatchHolds(header, etag)) {
    throw new HttpError(412, 'precondition_failed', 'it changed since it was read (If-Match): read it again');
  }
}

/** 403 naming what only an owner may do. */
export function forbidOwnerOnly(problems: FieldError[]): void {
  if (problems.length === 0) return;
  throw new HttpError(403, 'forbidden', problems.map((p) => p.message).join('; '), problems);
}

/** What a change writes: a document (and what it renames), made from one read of the configuration. */
export type Change = (stored: StoredConfig) => Promise<{ doc: ConfigDocument; renames?: Renames }>;

/**
 * Makes a change from a read and applies it only if the configuration is still that read, making
 * it again from a fresh read when another write came between; answers 400 naming every field that
 * would not hold together. The change checks permissions and If-Match on the read it is given.
 */
export async function applyOrReject(env: Env, change: Change, by: Auditor, now = new Date()) {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const stored = await loadConfig(env.DB);
    const { doc, renames } = await change(stored);
    const result = await applyConfig(env, doc, now, { basedOn: stored, renames, by });
    if (result.ok) return { changed: result.changed, changes: result.changes };
    if ('errors' in result) {
      const fields = result.errors.map((e) => e.field).join(', ');
      throw new HttpError(400, 'invalid_configuration', `invalid configuration: ${fields}`, result.errors);
    }
  }
  throw new HttpError(409, 'conflict', 'the configuration kept changing while this change was applied: try again');
}

export const configRoutes = apiApp();

openapi(
  configRoutes,
  apiRoute({
    method: 'get',
    path: '/config',
    summary: 'Export the configuration (JSON, or YAML with ?format=yaml), with an ETag for If-Match',
    permission: 'configure',
    request: { query: z.object({ format: z.string().optional().describe('yaml for YAML') }) },
    responses: {
      200: {
        description: 'The whole configuration document, with an ETag',
        content: {
          'application/json': { schema: configDocumentSchema },
          'application/yaml': { schema: configDocumentSchema },
        },
      },
    },
  }),
  async (c) => {
    const { config } = await loadConfig(c.env.DB);
    c.header('ETag', await etagOf(config));
    const wantsYaml = c.req.query('format') === 'yaml' || /yaml/.test(c.req.header('accept') ?? '');
    const document = exported(config, c.env.EMAIL_DOMAIN);
    if (wantsYaml) return c.body(toYaml(document), 200, { 'content-type': 'application/yaml; charset=utf-8' });
    return c.json(document);
  },
);

// YAML or JSON, read (bounded) and parsed here: the body is documented, not read by the library.
openapi(
  configRoutes,
  apiRoute({
    method: 'put',
    path: '/config',
    summary: 'Apply a configuration document (YAML or JSON); 412 when If-Match is not the current ETag',
    permission: 'configure',
    ownBody: true,
    request: {
      body: {
        required: true,
        content: {
          'application/yaml': { schema: configDocumentSchema },
          'application/json': { schema: configDocumentSchema },
        },
      },
    },
    responses: { 200: json(configChangeSchema, 'What the document changed') },
  }),
  async (c) => {
    const body = await readLimitedBody(c.req.raw, MAX_CONFIG_BYTES);
    if (body.tooLarge)
      throw new HttpError(413, 'payload_too_large', `the configuration is over ${MAX_CONFIG_BYTES} bytes`);
    const doc = parseConfigText(body.text, c.req.header('content-type'));
    const ifMatch = c.req.header('if-match');
    const result = await applyOrReject(
      c.env,
      async (stored) => {
        if (ifMatch !== undefined) requireMatch(ifMatch, await etagOf(stored.config));
        forbidOwnerOnly(ownerOnlyUserChanges(c.get('principal'), stored.config.users, doc.users));
        return { doc };
      },
      auditorOf(c),
    );
    return c.json(result);
  },
);
