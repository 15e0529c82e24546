// PUT/GET /api/v1/config: configuration as code.
import { Hono } from 'hono';
import { stringify as toYaml } from 'yaml';
import { HttpError, readLimitedBody } from '../../http';
import { allow, type ApiEnv } from '../auth';
import { applyConfig, parseConfigText } from './apply';
import { loadConfig } from './store';

const MAX_CONFIG_BYTES = 2 * 1024 * 1024;

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
    return c.json(await applyConfig(c.env, doc, new Date()));
  });
