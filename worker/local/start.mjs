// `npm start`: the whole system on this machine, with no Cloudflare account. Applies the D1
// migrations, builds the console, runs the API Worker (ingest, API, Durable Objects, alarms) and the
// console under `wrangler dev`, creates a demo organisation on first run, and prints how to use it.
// State persists under .tocsin/ (git-ignored). Honours PORT, TOCSIN_ADMIN_TOKEN and TOCSIN_ADMIN_PASSWORD.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const port = process.env.PORT ?? '8787';
const origin = `http://127.0.0.1:${port}`;
const stateDir = '.tocsin';
const persistTo = join(stateDir, 'state');
mkdirSync(persistTo, { recursive: true });

function adminToken() {
  if (process.env.TOCSIN_ADMIN_TOKEN) return process.env.TOCSIN_ADMIN_TOKEN;
  const file = join(stateDir, 'admin-token');
  if (!existsSync(file)) writeFileSync(file, `tok_${randomBytes(24).toString('hex')}\n`, { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/** The owner's password for the console until they set their own: made once, kept like the token. */
function adminPassword() {
  if (process.env.TOCSIN_ADMIN_PASSWORD) return process.env.TOCSIN_ADMIN_PASSWORD;
  const file = join(stateDir, 'admin-password');
  if (!existsSync(file)) writeFileSync(file, `${randomBytes(12).toString('base64url')}\n`, { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/** The key that signs the messages' action links, made once and kept beside the admin token. */
function signingKey() {
  if (process.env.TOCSIN_SIGNING_KEY) return process.env.TOCSIN_SIGNING_KEY;
  const file = join(stateDir, 'signing-key');
  if (!existsSync(file)) writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/** Provider settings from the environment, passed on: `TWILIO_ACCOUNT_SID=… npm start` pages for real. */
const PROVIDER_VARS = [
  'RESEND_API_KEY',
  'RESEND_BASE_URL',
  'EMAIL_FROM',
  'TWILIO_ACCOUNT_SID',
  'TWILIO_AUTH_TOKEN',
  'TWILIO_FROM_NUMBER',
  'TWILIO_BASE_URL',
  'NHN_ALIMTALK_APPKEY',
  'NHN_ALIMTALK_SECRET',
  'NHN_ALIMTALK_SENDER_KEY',
  'NHN_ALIMTALK_TEMPLATE',
  'NHN_ALIMTALK_BASE_URL',
  'TELEGRAM_BOT_TOKEN',
  'TELEGRAM_WEBHOOK_SECRET',
  'TELEGRAM_API_BASE_URL',
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_API_BASE_URL',
  'VAPID_PUBLIC_KEY',
  'VAPID_PRIVATE_KEY',
  'VAPID_SUBJECT',
];

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) {
    console.error(`\n${command} ${args.join(' ')} failed`);
    process.exit(result.status ?? 1);
  }
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function buildConsole() {
  const built = 'web/.svelte-kit/cloudflare/_worker.js';
  if (existsSync(built) && statSync(built).mtimeMs > newestMtime('web/src')) return;
  console.log('Building the console…');
  run('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: 'web' });
}

async function waitUntilUp() {
  for (let i = 0; i < 240; i++) {
    try {
      const response = await fetch(`${origin}/api/v1/openapi.json`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`nothing answered at ${origin} within two minutes`);
}

async function api(token, method, path, body) {
  const response = await fetch(`${origin}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: response.status === 204 ? null : await response.json() };
}

/**
 * The demo organisation, created once: three responders, two schedules and a three-step policy with
 * half-minute delays, so that a whole escalation can be watched in a couple of minutes.
 */
const demoConfig = {
  users: [
    // The organisation's owner, who signs in to the console with the admin password.
    { id: 'owner', name: 'Owner', email: 'owner@example.com', role: 'owner' },
    {
      id: 'ana',
      name: 'Ana Kim',
      email: 'ana@example.com',
      time_zone: 'Asia/Seoul',
      locale: 'ko',
      contact_methods: [
        { id: 'ana-push', type: 'push' },
        { id: 'ana-sms', type: 'sms', address: '+821000000001' },
      ],
      notification_rules: [
        { urgencies: ['highest', 'high'], contact_method: 'ana-push', delay_minutes: 0 },
        { urgencies: ['highest', 'high'], contact_method: 'ana-sms', delay_minutes: 0.25 },
      ],
    },
    { id: 'ben', name: 'Ben Lee', email: 'ben@example.com', time_zone: 'Asia/Seoul' },
    { id: 'chae', name: 'Chae Park', email: 'chae@example.com', time_zone: 'Europe/Berlin', locale: 'en' },
  ],
  teams: [{ id: 'ops', name: 'Ops', members: ['ana', 'ben', 'chae'], admins: ['ana'] }],
  schedules: [
    {
      id: 'primary',
      name: 'Primary',
      time_zone: 'Asia/Seoul',
      layers: [{ name: 'Daily', start: '2026-01-05T09:00', rotation: { type: 'daily' }, members: ['ana', 'ben'] }],
    },
    {
      id: 'secondary',
      name: 'Secondary',
      time_zone: 'Asia/Seoul',
      layers: [{ name: 'Weekly', start: '2026-01-05T09:00', rotation: { type: 'weekly' }, members: ['chae', 'ben'] }],
    },
  ],
  escalation_policies: [
    {
      id: 'demo',
      name: 'Demo (half-minute steps)',
      steps: [
        { responders: [{ schedule: 'primary' }], delay_minutes: 0.5 },
        { responders: [{ schedule: 'secondary' }], delay_minutes: 0.5 },
        { responders: [{ team: 'ops' }], delay_minutes: 0.5 },
      ],
    },
  ],
  services: [{ id: 'demo', name: 'Demo service', routing: { escalation_policy: 'demo' } }],
  integrations: [{ id: 'demo-standard', name: 'Demo (standard API)', type: 'standard', service: 'demo' }],
};

async function demoIntegration(token) {
  const marker = join(stateDir, 'demo-created');
  if (!existsSync(marker)) {
    const result = await api(token, 'PUT', '/config', demoConfig);
    if (result.status !== 200) throw new Error(`creating the demo organisation failed: ${JSON.stringify(result.body)}`);
    writeFileSync(marker, new Date().toISOString());
  }
  const integration = await api(token, 'GET', '/integrations/demo-standard');
  return integration.status === 200 ? integration.body : null;
}

const token = adminToken();
run('npx', ['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo], {
  env: { ...process.env, CI: 'true' },
});
buildConsole();

const wrangler = spawn(
  'npx',
  [
    'wrangler',
    'dev',
    '-c',
    'wrangler.toml',
    '-c',
    'web/wrangler.toml',
    '--ip',
    '127.0.0.1',
    '--port',
    port,
    '--persist-to',
    persistTo,
    '--var',
    `TOCSIN_ADMIN_TOKEN:${token}`,
    '--var',
    `TOCSIN_ADMIN_PASSWORD:${adminPassword()}`,
    '--var',
    `TOCSIN_SIGNING_KEY:${signingKey()}`,
    '--var',
    `PUBLIC_URL:${process.env.PUBLIC_URL ?? origin}`,
    // Local fakes of providers live on loopback.
    '--var',
    'TOCSIN_ALLOW_PRIVATE_TARGETS:1',
    ...PROVIDER_VARS.flatMap((name) => (process.env[name] ? ['--var', `${name}:${process.env[name]}`] : [])),
    '--show-interactive-dev-session=false',
  ],
  { stdio: 'inherit' },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => wrangler.kill(signal));
wrangler.on('exit', (code) => process.exit(code ?? 0));

try {
  await waitUntilUp();
  const demo = await demoIntegration(token);
  const lines = [
    '',
    `Tocsin is running at ${origin}`,
    `  console:          ${origin}/`,
    `  API:              ${origin}/api/v1   (OpenAPI: ${origin}/api/v1/openapi.json)`,
    `  admin API token:  ${token}`,
    `  sign in:          owner@example.com / ${adminPassword()}`,
  ];
  if (demo) {
    lines.push(
      `  demo ingest URL:  ${demo.ingest_url}`,
      '',
      'Send an alert:',
      `  curl -sS -X POST '${demo.ingest_url}' -H 'Content-Type: application/json' \\`,
      `    -d '{"summary":"CPU above 90% on web-1","event_id":"cpu-web-1","urgency":"high"}'`,
      'List incidents, then watch the pages go out step by step (every 30 s) until you acknowledge:',
      `  curl -sS '${origin}/api/v1/incidents' -H 'Authorization: Bearer ${token}'`,
      `  curl -sS '${origin}/api/v1/incidents/<id>/notifications' -H 'Authorization: Bearer ${token}'`,
      `  curl -sS -X POST '${origin}/api/v1/incidents/<id>/acknowledge' -H 'Authorization: Bearer ${token}'`,
    );
  }
  lines.push('', 'Press Ctrl+C to stop.', '');
  console.log(lines.join('\n'));
} catch (error) {
  console.error(String(error));
  wrangler.kill('SIGTERM');
  process.exit(1);
}
