// Event → first provider request: a steady 50 new incidents a second for 30 s into a Tocsin whose SMS
// provider is a local fake of Twilio; each page's latency runs from sending the event to the fake
// receiving its request. Every incident must reach the fake exactly once.
import { createServer } from 'node:http';
import { withFreshDirTocsin } from './local.mjs';

const RATE = Number(process.env.BENCH_PAGING_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_PAGING_SECONDS ?? 30);
const KEY = 'bench-paging-key-0123456789';

/** A fake Twilio Messages endpoint: when each incident's first request came, and how many came. */
function fakeTwilio() {
  const seen = new Map();
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const callback = new URLSearchParams(body).get('StatusCallback') ?? '';
      const incident = new URL(callback, 'http://x').searchParams.get('incident');
      const entry = seen.get(incident) ?? { at: performance.now(), count: 0 };
      entry.count += 1;
      seen.set(incident, entry);
      response.writeHead(201, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ sid: `SM${seen.size}` }));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, seen, port: server.address().port })),
  );
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

export async function pagingBench() {
  const fake = await fakeTwilio();
  const vars = {
    TWILIO_ACCOUNT_SID: 'ACbench',
    TWILIO_AUTH_TOKEN: 'bench-token',
    TWILIO_FROM_NUMBER: '+15005550006',
    TWILIO_BASE_URL: `http://127.0.0.1:${fake.port}`,
  };
  try {
    await withFreshDirTocsin(vars, async (tocsin, api) => {
      await api('PUT', '/config', {
        users: [
          { id: 'bench', name: 'Bench', contact_methods: [{ id: 'sms', type: 'sms', address: '+821000000000' }] },
        ],
        services: [{ id: 'paging', name: 'Paging', routing: { user: 'bench' } }],
        integrations: [{ id: 'paging', name: 'Paging', type: 'standard', service: 'paging', key: KEY }],
      });
      console.log(`\nEvent → first provider request, ${RATE} new incidents/s for ${SECONDS} s (fake Twilio)\n`);
      const sentAt = new Map();
      const pending = [];
      const start = performance.now();
      for (let i = 0; i < RATE * SECONDS; i++) {
        const due = start + (i * 1000) / RATE;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const at = performance.now();
        pending.push(
          fetch(`${tocsin.origin}/integration/standard/v1/${KEY}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ summary: `bench ${i}`, event_id: `paging-${i}`, urgency: 'high' }),
          })
            .then((r) => r.json())
            .then((body) => body.incident_id && sentAt.set(body.incident_id, at))
            .catch(() => undefined),
        );
      }
      await Promise.all(pending);
      // Let the last pages arrive.
      const deadline = performance.now() + 30_000;
      while (fake.seen.size < sentAt.size && performance.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      const latencies = [...sentAt].flatMap(([id, at]) => (fake.seen.has(id) ? [fake.seen.get(id).at - at] : []));
      latencies.sort((a, b) => a - b);
      const lost = sentAt.size - latencies.length;
      const doubled = [...fake.seen.values()].filter((e) => e.count > 1).length;
      const p99 = percentile(latencies, 99);
      console.log(
        `incidents ${sentAt.size}   p50 ${percentile(latencies, 50).toFixed(0)} ms   p99 ${p99.toFixed(0)} ms ` +
          `(target ≤ 1000 ms: ${p99 <= 1000 ? 'met' : 'NOT met'})   lost ${lost}, doubled ${doubled} ` +
          `(target 0 and 0: ${lost === 0 && doubled === 0 ? 'met' : 'NOT met'})`,
      );
    });
  } finally {
    fake.server.close();
  }
}
