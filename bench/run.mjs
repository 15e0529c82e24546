// `npm run bench`: starts each system under local `wrangler dev` on its own, loads it over loopback
// and prints every figure with the ratios the targets are stated in. Figures vary ±20% from run to
// run on a shared machine: only ratios taken in one run compare.
import { consoleBench } from './console.mjs';
import { diskBench } from './disk.mjs';
import { escalationBench } from './escalation.mjs';
import { load } from './load.mjs';
import { pagingBench } from './paging.mjs';
import { reportsBench } from './reports.mjs';
import { withFreshDir, withTocsin, wranglerDev } from './local.mjs';

const CONNECTIONS = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
// Local wrangler dev fails near 3,400 live objects: keep each run of new objects well below.
const NEW_OBJECTS = Number(process.env.BENCH_NEW_OBJECTS ?? 1500);
// BENCH_ONLY=tocsin: the ingest bench without its ceilings; BENCH_ONLY=escalation, disk, paging, reports or
// console (the console's first-load JavaScript): that part only.
const ONLY = process.env.BENCH_ONLY;
// Turns of (fresh-object ceiling, distinct event ids): see ingestBench.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const fmt = (r) =>
  `${r.rate.toFixed(0).padStart(6)} req/s   p50 ${r.p50.toFixed(1).padStart(6)} ms   p99 ${r.p99.toFixed(1).padStart(6)} ms   ` +
  `(${r.requests} requests, ${r.failed} not 2xx${r.socketErrors ? `, socket errors: ${r.socketErrors}` : ''})`;

function line(label, result) {
  console.log(`${label.padEnd(36)} ${fmt(result)}`);
}

/**
 * A run that makes a new object per request: a one-second probe (the warm-up) tells the rate, and
 * the run lasts as long as NEW_OBJECTS requests should take at that rate.
 */
function boundedByObjects(url, body) {
  const probe = load({ url, connections: CONNECTIONS, seconds: 1, body: body.replace('{n}', 'probe-{n}') });
  const seconds = Math.max(2, Math.min(15, Math.round(NEW_OBJECTS / Math.max(probe.rate, 1))));
  return load({ url, connections: CONNECTIONS, seconds, body });
}

function measureCeiling(config, label, options) {
  return withFreshDir(async (dir) => {
    const worker = wranglerDev(config, { persistTo: dir });
    try {
      await worker.ready();
      const body = JSON.stringify({ summary: 'bench', event_id: 'e-{n}' });
      const result = options.newObjects
        ? boundedByObjects(worker.origin, body)
        : (load({ url: worker.origin, connections: CONNECTIONS, seconds: 2, body }),
          load({ url: worker.origin, connections: CONNECTIONS, seconds: SECONDS, body }));
      line(label, result);
      return result;
    } finally {
      await worker.stop();
    }
  });
}

const BENCH_KEY = 'bench-key-0123456789abcdef';

/** A fresh Tocsin with one standard integration: `fn(ingestUrl)`. */
function withBenchIntegration(fn) {
  return withTocsin(async (tocsin, api) => {
    await api('PUT', '/config', {
      services: [{ id: 'bench', name: 'Bench' }],
      integrations: [{ id: 'bench', name: 'Bench', type: 'standard', service: 'bench', key: BENCH_KEY }],
    });
    return fn(`${tocsin.origin}/integration/standard/v1/${BENCH_KEY}`);
  });
}

const median = (values) => values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)];
const ratio = (a, b) => (a / b).toFixed(2);
const verdict = (ok) => (ok ? 'met' : 'NOT met');

async function ingestBench() {
  console.log(`\nStandard ingest, ${CONNECTIONS} connections, local wrangler dev\n`);
  const skipCeilings = ONLY === 'tocsin';
  const noop = skipCeilings
    ? { rate: NaN, p99: NaN }
    : await measureCeiling('bench/ceilings/noop.toml', 'ceiling: no-op Worker', {});
  const repeated = await withBenchIntegration((url) => {
    const same = JSON.stringify({ summary: 'repeated', event_id: 'one-id', urgency: 'high' });
    load({ url, connections: CONNECTIONS, seconds: 2, body: same });
    return load({ url, connections: CONNECTIONS, seconds: SECONDS, body: same });
  });
  line('(b) one repeated event_id', repeated);
  console.log(
    `(b) rate / no-op rate          ${ratio(repeated.rate, noop.rate)}  (target ≥ 0.50: ${verdict(repeated.rate >= 0.5 * noop.rate)});` +
      ` p99 ${repeated.p99.toFixed(1)} ms (target ≤ 100 ms: ${verdict(repeated.p99 <= 100)})\n`,
  );

  // New objects are bound by the disk, whose speed drifts a lot within minutes: the ceiling and (a)
  // are measured in turns, each on a fresh system, and the verdict takes the median of the rounds.
  const rounds = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const fresh = skipCeilings
      ? { rate: NaN, p99: NaN }
      : await measureCeiling('bench/ceilings/fresh-object.toml', `ceiling: fresh Durable Object + 1 row`, {
          newObjects: true,
        });
    const distinct = await withBenchIntegration((url) =>
      boundedByObjects(url, JSON.stringify({ summary: 'distinct', event_id: 'bench-{n}' })),
    );
    line('(a) distinct event_ids (new incidents)', distinct);
    const rate = distinct.rate / fresh.rate;
    const p99 = distinct.p99 / fresh.p99;
    console.log(`  round ${round}: (a) / ceiling rate ${rate.toFixed(2)}, p99 ${p99.toFixed(2)}`);
    rounds.push({ rate, p99, fresh });
  }
  const rate = median(rounds.map((r) => r.rate));
  const p99 = median(rounds.map((r) => r.p99));
  console.log('');
  console.log(
    `(a) rate / fresh-object rate   ${rate.toFixed(2)}  (median of ${ROUNDS}; target ≥ 0.80: ${verdict(rate >= 0.8)});` +
      ` p99 / ceiling p99 ${p99.toFixed(2)} (target ≤ 1.25: ${verdict(p99 <= 1.25)})`,
  );
  console.log(`fresh-object rate / no-op rate ${ratio(median(rounds.map((r) => r.fresh.rate)), noop.rate)}`);
}

if (ONLY === undefined || ONLY === 'tocsin' || ONLY === 'ingest') await ingestBench();
if (ONLY === undefined || ONLY === 'disk') await diskBench();
if (ONLY === undefined || ONLY === 'escalation') await escalationBench();
if (ONLY === undefined || ONLY === 'paging') await pagingBench();
if (ONLY === undefined || ONLY === 'reports') await reportsBench();
if (ONLY === undefined || ONLY === 'console') await consoleBench();
