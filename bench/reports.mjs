// Report timings: a fresh local Tocsin seeded with a year of history — 100,000 incidents carrying
// 1,000,000 alert events (each stored as an alert row), 300,000 pages — over 20 services, 5 teams, 5
// policies and 30 responders on two schedules. Each report over the whole year, in Seoul's zone, as
// the median of a few requests after a warm-up. Target: each ≤ 300 ms.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_TOKEN, withTocsin } from './local.mjs';

const INCIDENTS = Number(process.env.BENCH_REPORT_INCIDENTS ?? 100_000);
const EVENTS_PER_INCIDENT = 10;
const PAGES = Number(process.env.BENCH_REPORT_PAGES ?? 300_000);
const RUNS = 5;
const TARGET_MS = 300;
const YEAR_START = '2026-01-01T00:00:00Z';
const YEAR_END = '2027-01-01T00:00:00Z';
const SECONDS_APART = Math.floor((365 * 86_400) / INCIDENTS);

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

const iso = (expr) => `strftime('%Y-%m-%dT%H:%M:%fZ', ${expr})`;

/** The history, made by SQLite itself from counters: a file of a million inserts would take longer to read. */
export const seedSql = () => `
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${INCIDENTS - 1}),
rows AS (
  SELECT i, ${iso(`'${YEAR_START}', '+' || (i * ${SECONDS_APART}) || ' seconds'`)} AS created,
    (i % 4 <> 0) AS acked, (i % 10 <> 0) AS resolved
  FROM n)
INSERT INTO incidents (id, number, status, urgency, summary, service_id, integration_id, event_id, alert_count,
  created_at, acknowledged_at, resolved_at, last_event_at, revision, escalation_policy, updated_at,
  first_acknowledged_at, acknowledged_by, escalated)
SELECT 'bench-' || i, 1000000 + i,
  CASE WHEN resolved THEN 'resolved' WHEN acked THEN 'acknowledged' ELSE 'triggered' END,
  CASE i % 3 WHEN 0 THEN 'high' WHEN 1 THEN 'low' ELSE 'none' END,
  'Bench alert ' || (i % 500), s.id, g.id, 'evt-' || (i % 5000), ${EVENTS_PER_INCIDENT}, created,
  CASE WHEN acked THEN ${iso(`created, '+' || (30 + i % 600) || ' seconds'`)} END,
  CASE WHEN resolved THEN ${iso(`created, '+' || (900 + i % 7200) || ' seconds'`)} END,
  created, 1, 'pol-' || (i % 5), created,
  CASE WHEN acked THEN ${iso(`created, '+' || (30 + i % 600) || ' seconds'`)} END,
  CASE WHEN acked THEN 'user-' || (i % 30) END, (i % 7 = 0)
FROM rows
JOIN services s ON s.handle = 'svc-' || (i % 20) AND s.deleted_at IS NULL
JOIN integrations g ON g.handle = 'int-' || (i % 20) AND g.deleted_at IS NULL;

WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${INCIDENTS * EVENTS_PER_INCIDENT - 1})
INSERT INTO alerts (id, incident_id, received_at, event_time, summary, urgency, payload)
SELECT 'alert-' || i, 'bench-' || (i / ${EVENTS_PER_INCIDENT}),
  ${iso(`'${YEAR_START}', '+' || ((i / ${EVENTS_PER_INCIDENT}) * ${SECONDS_APART} + i % ${EVENTS_PER_INCIDENT}) || ' seconds'`)},
  ${iso(`'${YEAR_START}', '+' || ((i / ${EVENTS_PER_INCIDENT}) * ${SECONDS_APART}) || ' seconds'`)},
  'Bench alert', 'high', '{"host":"web-' || (i % 40) || '","value":' || (i % 100) || '}'
FROM n;

WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${PAGES - 1})
INSERT INTO notifications (id, kind, incident_id, incident_number, user, contact_method, channel, provider, status,
  attempt, due_at, sent_at, processed_at)
SELECT 'page-' || i, 'page', 'bench-' || (i % ${INCIDENTS}), 1000000 + (i % ${INCIDENTS}), 'user-' || (i % 30),
  'cm-' || (i % 4), CASE i % 4 WHEN 0 THEN 'email' WHEN 1 THEN 'sms' WHEN 2 THEN 'push' ELSE 'voice' END,
  CASE i % 4 WHEN 0 THEN 'resend' WHEN 1 THEN 'twilio' WHEN 2 THEN 'webpush' ELSE 'twilio' END,
  CASE WHEN i % 50 = 0 THEN 'failed' WHEN i % 3 = 0 THEN 'delivered' ELSE 'sent' END, 1,
  ${iso(`'${YEAR_START}', '+' || (i * ${Math.floor((365 * 86_400) / PAGES)}) || ' seconds'`)},
  ${iso(`'${YEAR_START}', '+' || (i * ${Math.floor((365 * 86_400) / PAGES)}) || ' seconds'`)},
  ${iso(`'${YEAR_START}', '+' || (i * ${Math.floor((365 * 86_400) / PAGES)}) || ' seconds'`)}
FROM n;
ANALYZE;
`;

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
    writeFileSync(file, seedSql());
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
