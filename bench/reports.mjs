// Report timings: a fresh local Tocsin seeded with a year of history — 100,000 incidents carrying
// 1,000,000 alert events (each stored as an alert row), 300,000 pages — over 20 services, 5 teams, 5
// policies and 30 responders on two schedules. Each report over the whole year, in Seoul's zone, as
// the median of a few requests after a warm-up. Target: each ≤ 300 ms.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_TOKEN, withTocsin } from './local.mjs';
import { historySql } from './history.mjs';

const INCIDENTS = Number(process.env.BENCH_REPORT_INCIDENTS ?? 100_000);
const EVENTS_PER_INCIDENT = 10;
const PAGES = Number(process.env.BENCH_REPORT_PAGES ?? 300_000);
const RUNS = 5;
const TARGET_MS = 300;
const YEAR_START = '2026-01-01T00:00:00Z';
const YEAR_END = '2027-01-01T00:00:00Z';

const users = Array.from({ length: 30 }, (_, i) => `user-${i}`);

export const config = () => ({
  users: users.map((id) => ({ id, name: id, email: `${id}@example.com`, role: 'responder' })),
  teams: Array.from({ length: 5 }, (_, t) => ({
    id: `team-${t}`,
    name: `Team ${t}`,
    members: users.filter((_, i) => i % 5 === t),
  })),
  schedules: ['primary', 'secondary'].map((id, s) => ({
    id,
    name: id,
    time_zone: 'Asia/Seoul',
    layers: [
      {
        name: 'Rotation',
        start: '2026-01-01T09:00',
        rotation: { type: s === 0 ? 'daily' : 'weekly' },
        members: users.filter((_, i) => i % 2 === s),
      },
    ],
  })),
  escalation_policies: Array.from({ length: 5 }, (_, p) => ({
    id: `pol-${p}`,
    name: `Policy ${p}`,
    steps: [
      { responders: [{ schedule: 'primary' }], delay_minutes: 5 },
      { responders: [{ schedule: 'secondary' }], delay_minutes: 5 },
    ],
  })),
  services: Array.from({ length: 20 }, (_, s) => ({
    id: `svc-${s}`,
    name: `Service ${s}`,
    team: `team-${s % 5}`,
    routing: { escalation_policy: `pol-${s % 5}` },
  })),
  integrations: Array.from({ length: 20 }, (_, s) => ({
    id: `int-${s}`,
    name: `Integration ${s}`,
    type: 'standard',
    service: `svc-${s}`,
    key: `bench-report-key-${String(s).padStart(4, '0')}-0123456789`,
  })),
});

const median = (values) => values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)];

async function timed(url) {
  const get = () => fetch(url, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  const started = performance.now();
  // A connection left open while seeding may have been closed by wrangler dev meanwhile: once more on a new one.
  const response = await get().catch(get);
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return performance.now() - started;
}

export async function reportsBench() {
  console.log(
    `\nReports over a year: ${INCIDENTS.toLocaleString('en')} incidents, ` +
      `${(INCIDENTS * EVENTS_PER_INCIDENT).toLocaleString('en')} alert events, ${PAGES.toLocaleString('en')} pages\n`,
  );
  await withTocsin(async (tocsin, api, dir) => {
    await api('PUT', '/config', config());
    const file = join(dir, 'seed.sql');
    writeFileSync(
      file,
      historySql({ incidents: INCIDENTS, eventsPerIncident: EVENTS_PER_INCIDENT, pages: PAGES, from: YEAR_START }),
    );
    const started = performance.now();
    const seeded = spawnSync(
      'npx',
      ['wrangler', 'd1', 'execute', 'DB', '--local', '--persist-to', dir, '--file', file, '--yes'],
      { env: { ...process.env, CI: 'true' }, encoding: 'utf8' },
    );
    if (seeded.status !== 0) throw new Error(`seeding failed: ${seeded.stderr || seeded.stdout}`);
    console.log(`seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const range = `from=${YEAR_START}&to=${YEAR_END}&tz=Asia/Seoul`;
    for (const [name, query] of [
      ['system', range],
      ['incidents', range],
      ['notifications', `${range}&holidays=KR`],
      ['oncall', `${range}&holidays=KR`],
      ['system (one team, CSV)', `${range}&team=team-1&format=csv`],
    ]) {
      const path = name.split(' ')[0];
      const url = `${tocsin.origin}/api/v1/reports/${path}?${query}`;
      await timed(url);
      const times = [];
      for (let i = 0; i < RUNS; i++) times.push(await timed(url));
      const ms = median(times);
      console.log(
        `report ${name.padEnd(29)} ${ms.toFixed(0).padStart(6)} ms median of ${RUNS}   ` +
          `(target ≤ ${TARGET_MS} ms) ${ms <= TARGET_MS ? 'met' : 'NOT met'}`,
      );
    }
  });
}
