// PUT/GET /api/v1/config: configuration as code.
import { Hono } from 'hono';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { applyConfig } from '../config/apply';
import { configDocumentSchema, type ConfigDocument } from '../config/document';
import { loadConfig } from '../config/store';
import { HttpError, readLimitedBody, validate } from '../http';
import { allow, type ApiEnv } from './auth';
import { ownerOnlyUserChanges } from '../permissions';
import type { FieldError } from '../vocabulary';

const MAX_CONFIG_BYTES = 2 * 1024 * 1024;

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
  return validate(configDocumentSchema, raw ?? {}, 'configuration');
}

/** Applies a document, or answers 400 naming every field that would not hold together. */
export async function applyOrReject(env: Env, doc: ConfigDocument, now: Date) {
  const result = await applyConfig(env, doc, now);
  if (!result.ok) {
    const fields = result.errors.map((e) => e.field).join(', ');
    throw new HttpError(400, 'invalid_configuration', `invalid configuration: ${fields}`, result.errors);
  }
  return { changed: result.changed, changes: result.changes };
}

/** 403 naming what only an owner may do. */
export function forbidOwnerOnly(problems: FieldError[]): void {
  if (problems.length === 0) return;
  throw new HttpError(403, 'forbidden', problems.map((p) => p.message).join('; '), problems);
}

export const configRoutes = new Hono<ApiEnv>()
  .get('/config', allow('configure'), async (c) => {
    const { config } = await loadConfig(c.env.DB);
    const wantsYaml = c.req.query('format') === 'yaml' || /yaml/.test(c.req.header('accept') ?? '');
    if (wantsYaml) return c.body(toYaml(config), 200, { 'content-type': 'application/yaml; charset=utf-8' });
    return c.json(config);
  })
  .put('/config', allow('configure'), async (c) => {
    const body = await readLimitedBody(c.req.raw, MAX_CONFIG_BYTES);
    if (body.tooLarge)
      throw new HttpError(413, 'payload_too_large', `the configuration is over ${MAX_CONFIG_BYTES} bytes`);
    const doc = parseConfigText(body.text, c.req.header('content-type'));
    const { config } = await loadConfig(c.env.DB);
    forbidOwnerOnly(ownerOnlyUserChanges(c.get('principal'), config.users, doc.users));
    return c.json(await applyOrReject(c.env, doc, new Date()));
  });
