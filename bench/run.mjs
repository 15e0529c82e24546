// `npm run bench`: starts each system under local `wrangler dev` on its own, loads it over loopback
// and prints every figure with the ratios the targets are stated in. Figures vary ±20% from run to
// run on a shared machine: only ratios taken in one run compare.
import { diskBench } from './disk.mjs';
import { escalationBench } from './escalation.mjs';
import { load } from './load.mjs';
import { withFreshDir, withTocsin, wranglerDev } from './local.mjs';

const CONNECTIONS = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
// Local wrangler dev fails near 3,400 live objects: keep each run of new objects well below.
const NEW_OBJECTS = Number(process.env.BENCH_NEW_OBJECTS ?? 1500);
// BENCH_ONLY=tocsin: the ingest bench without its ceilings; BENCH_ONLY=escalation or disk: that part only.
const ONLY = process.env.BENCH_ONLY;

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

async function ingestBench() {
  console.log(`\nStandard ingest, ${CONNECTIONS} connections, local wrangler dev\n`);
  const skipCeilings = ONLY === 'tocsin';
  const noop = skipCeilings
    ? { rate: NaN, p99: NaN }
    : await measureCeiling('bench/ceilings/noop.toml', 'ceiling: no-op Worker', {});
  const fresh = skipCeilings
    ? { rate: NaN, p99: NaN }
    : await measureCeiling('bench/ceilings/fresh-object.toml', 'ceiling: fresh Durable Object + 1 row', {
        newObjects: true,
      });
  const [repeated, distinct] = await withTocsin(async (tocsin, api) => {
    await api('PUT', '/config', {
      services: [{ id: 'bench', name: 'Bench' }],
      integrations: [
        { id: 'bench', name: 'Bench', type: 'standard', service: 'bench', key: 'bench-key-0123456789abcdef' },
      ],
    });
    const url = `${tocsin.origin}/integration/standard/v1/bench-key-0123456789abcdef`;
    const same = JSON.stringify({ summary: 'repeated', event_id: 'one-id', urgency: 'high' });
    // The repeated event first: a run of new objects slows what follows in the same process.
    load({ url, connections: CONNECTIONS, seconds: 2, body: same });
    const repeated = load({ url, connections: CONNECTIONS, seconds: SECONDS, body: same });
    line('(b) one repeated event_id', repeated);
    const distinct = boundedByObjects(url, JSON.stringify({ summary: 'distinct', event_id: 'bench-{n}' }));
    line('(a) distinct event_ids (new incidents)', distinct);
    return [repeated, distinct];
  });
  const ratio = (a, b) => (a / b).toFixed(2);
  const verdict = (ok) => (ok ? 'met' : 'NOT met');
  console.log('');
  console.log(
    `(b) rate / no-op rate          ${ratio(repeated.rate, noop.rate)}  (target ≥ 0.50: ${verdict(repeated.rate >= 0.5 * noop.rate)});` +
      ` p99 ${repeated.p99.toFixed(1)} ms (target ≤ 100 ms: ${verdict(repeated.p99 <= 100)})`,
  );
  console.log(
    `(a) rate / fresh-object rate   ${ratio(distinct.rate, fresh.rate)}  (target ≥ 0.80: ${verdict(distinct.rate >= 0.8 * fresh.rate)});` +
      ` p99 / ceiling p99 ${ratio(distinct.p99, fresh.p99)} (target ≤ 1.25: ${verdict(distinct.p99 <= 1.25 * fresh.p99)})`,
  );
  console.log(`fresh-object rate / no-op rate ${ratio(fresh.rate, noop.rate)}`);
}

if (ONLY === undefined || ONLY === 'tocsin') await ingestBench();
if (ONLY === undefined || ONLY === 'disk') await diskBench();
if (ONLY === undefined || ONLY === 'escalation') await escalationBench();
