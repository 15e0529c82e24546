// Starting systems under local `wrangler dev` for the benchmarks: each on its own port, with its own
// fresh state directory, stopped (and its directory removed) when the bench is done with it.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ADMIN_TOKEN = 'bench-admin-token';
let nextPort = 18800;

/** A `wrangler dev` of one Worker, or of several side by side (the API and the console): `config` is one path or a list. */
export function wranglerDev(config, { persistTo, vars = {}, port = nextPort++ }) {
  const configs = Array.isArray(config) ? config : [config];
  const args = [
    'wrangler',
    'dev',
    ...configs.flatMap((c) => ['-c', c]),
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--persist-to',
    persistTo,
    '--show-interactive-dev-session=false',
    '--log-level',
    'error',
  ];
  for (const [name, value] of Object.entries(vars)) args.push('--var', `${name}:${value}`);
  const child = spawn('npx', args, { stdio: ['ignore', 'ignore', 'inherit'], detached: true });
  return {
    origin: `http://127.0.0.1:${port}`,
    async ready(path = '/') {
      for (let i = 0; i < 240; i++) {
        try {
          await fetch(`http://127.0.0.1:${port}${path}`);
          return;
        } catch {
          await new Promise((r) => setTimeout(r, 500));
        }
      }
      throw new Error(`${configs.join(' + ')} did not start`);
    },
    async stop() {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      await new Promise((r) => setTimeout(r, 1500));
    },
  };
}

/** A port nothing listens on now: test files start their systems side by side, each in its own process. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const used = [];
// Removed only when the whole bench is over: deleting thousands of object files loads the disk, and
// the next measurement would pay for it.
process.on('exit', () => used.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
process.on('SIGINT', () => process.exit(130));

/** A fresh temporary state directory for `fn`, removed when the bench exits. */
export async function withFreshDir(fn) {
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-bench-'));
  used.push(dir);
  return fn(dir);
}

/**
 * A fresh Tocsin (migrated D1, the bench admin token) for the length of `fn(tocsin, api)`; `api`
 * calls /api/v1 as the admin and throws on any answer that is not 2xx.
 */
export function withTocsin(fn) {
  return withFreshDirTocsin({}, fn);
}

/** As withTocsin, with these vars besides the admin token, running these Workers (the API alone by default); `fn` also gets the state directory. */
export function withFreshDirTocsin(vars, fn, configs = ['wrangler.toml']) {
  return withFreshDir(async (dir) => {
    const migrate = spawnSync('npx', ['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', dir], {
      env: { ...process.env, CI: 'true' },
      stdio: 'ignore',
    });
    if (migrate.status !== 0) throw new Error('migrations failed');
    const tocsin = wranglerDev(configs, {
      persistTo: dir,
      vars: { ...vars, TOCSIN_ADMIN_TOKEN: ADMIN_TOKEN },
      port: await freePort(),
    });
    try {
      await tocsin.ready('/api/v1/openapi.json');
      const api = async (method, path, body) => {
        const response = await fetch(`${tocsin.origin}/api/v1${path}`, {
          method,
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
          body: body && JSON.stringify(body),
        });
        if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
        return response.json();
      };
      return await fn(tocsin, api, dir);
    } finally {
      await tocsin.stop();
    }
  });
}
