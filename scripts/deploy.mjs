// `npm run deploy`: Tocsin onto the Cloudflare account wrangler is logged into. It creates what is
// missing (the D1 database, the notification queue and its dead-letter queue), applies the D1
// migrations remotely, builds and deploys the console, then the core Worker (ingest, API, Durable
// Objects, the queue consumers, the cron trigger and the email handler). Run it again to upgrade.
// `--dry-run` bundles both Workers as a deploy would, with no account: what the tests check.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const dryRun = process.argv.includes('--dry-run');
const DATABASE = 'tocsin';
const QUEUES = ['tocsin-notifications', 'tocsin-notifications-dead'];
// The core config with the account's D1 database id filled in; git-ignored, next to wrangler.toml
// so that its relative paths (main, migrations) still hold.
const DEPLOY_CONFIG = 'wrangler.deploy.toml';

function run(command, args, { cwd = root, quiet = false, allowFailure = false } = {}) {
  if (!quiet) console.log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: quiet ? 'pipe' : 'inherit' });
  if (result.status !== 0 && !allowFailure) {
    if (quiet) process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
    throw new Error(`${command} ${args.join(' ')} failed`);
  }
  return result;
}

const wrangler = (args, options) => run('npx', ['wrangler', ...args], options);

function buildConsole() {
  run('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: join(root, 'web') });
}

if (dryRun) {
  const out = (name) => join(root, '.wrangler', 'dry-run', name);
  wrangler(['deploy', '--dry-run', '--outdir', out('core')], { quiet: true });
  buildConsole();
  wrangler(['deploy', '--dry-run', '-c', 'web/wrangler.toml', '--outdir', out('web')], { quiet: true });
  console.log('deploy dry run: the core Worker and the console bundle');
  process.exit(0);
}

if (wrangler(['whoami'], { quiet: true, allowFailure: true }).status !== 0) {
  console.error('wrangler is not logged in: run `npx wrangler login` first');
  process.exit(1);
}

/** The database's id, creating the database on the first deploy. */
function databaseId() {
  const find = () =>
    JSON.parse(wrangler(['d1', 'list', '--json'], { quiet: true }).stdout).find((d) => d.name === DATABASE);
  let database = find();
  if (!database) {
    wrangler(['d1', 'create', DATABASE]);
    database = find();
  }
  if (!database?.uuid) throw new Error(`D1 database ${DATABASE} was not found after creating it`);
  return database.uuid;
}

for (const queue of QUEUES) {
  const created = wrangler(['queues', 'create', queue], { quiet: true, allowFailure: true });
  const said = `${created.stdout}${created.stderr}`;
  if (created.status !== 0 && !/already (exists|taken)/i.test(said)) {
    process.stderr.write(said);
    throw new Error(`could not create queue ${queue}`);
  }
  console.log(created.status === 0 ? `created queue ${queue}` : `queue ${queue} exists`);
}

const id = databaseId();
const config = readFileSync(join(root, 'wrangler.toml'), 'utf8').replace(
  /^database_id = ".*"$/m,
  `database_id = "${id}"`,
);
writeFileSync(join(root, DEPLOY_CONFIG), config);

wrangler(['d1', 'migrations', 'apply', 'DB', '--remote', '-c', DEPLOY_CONFIG]);
// The console first: the core Worker's WEB binding names it.
buildConsole();
wrangler(['deploy', '-c', 'web/wrangler.toml']);
wrangler(['deploy', '-c', DEPLOY_CONFIG]);
console.log('Tocsin is deployed. Next: its secrets and Email Routing (README, "Deploying to Cloudflare").');
