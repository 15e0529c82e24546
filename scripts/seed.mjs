// `npm run seed`: a year of made-up history (up to now) in the local Tocsin that `npm start` runs, so
// that the reports have something to show (in reports and the incident list only: no incident object
// holds a seeded incident, so its page answers not found): 10,000 incidents by default (SEED_INCIDENTS), ten events
// each, and three pages per incident, over the configured services and users. Run it once, with or
// without `npm start` running; `rm -rf .tocsin` starts over.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { historySql } from '../bench/history.mjs';

const persistTo = join('.tocsin', 'state');
if (!existsSync(persistTo)) {
  console.error('No local Tocsin yet: run `npm start` once first (it makes the demo organisation).');
  process.exit(1);
}
const incidents = Number(process.env.SEED_INCIDENTS ?? 10_000);
const from = new Date(Date.now() - 365 * 86_400_000).toISOString();
// The same migrations `npm start` applies, in case the code is newer than the state.
const migrated = spawnSync(
  'npx',
  ['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo],
  {
    stdio: 'ignore',
    env: { ...process.env, CI: 'true' },
  },
);
if (migrated.status !== 0) process.exit(migrated.status ?? 1);
const file = join(mkdtempSync(join(tmpdir(), 'tocsin-seed-')), 'history.sql');
writeFileSync(file, historySql({ incidents, pages: incidents * 3, from, run: `seed${Date.now().toString(36)}` }));
const seeded = spawnSync(
  'npx',
  ['wrangler', 'd1', 'execute', 'DB', '--local', '--persist-to', persistTo, '--file', file, '--yes'],
  { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CI: 'true' } },
);
if (seeded.status !== 0) process.exit(seeded.status ?? 1);
console.log(`Seeded ${incidents.toLocaleString('en')} incidents over the past year: open /reports in the console.`);
