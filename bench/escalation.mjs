// Escalation timing: INCIDENTS incidents under a two-step policy of 0.05-minute (3 s) delays, on a fresh
// local Tocsin. Each step's `escalated` timeline entry says when it was due (details.due) and when it
// was recorded (at); the difference is how late the incident's alarm fired it. Target: p99 ≤ 1 s.
import { withTocsin } from './local.mjs';

const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 200);
const SEND_CONCURRENCY = 20;
const POLL_CONCURRENCY = 4;
const DELAY_MINUTES = 0.05;
const STEPS = 2;
const TIMEOUT_MS = Number(process.env.BENCH_ESCALATION_TIMEOUT_MS ?? 60_000);
const TARGET_P99_MS = 1000;
const KEY = 'escalation-bench-key-0123456789';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` over `items`, at most `concurrency` at a time; answers the results in order. */
async function pool(items, concurrency, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** Nearest rank: the smallest value with at least p of the values at or below it. */
function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length))) - 1];
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? NaN,
  };
}

const ms = (n) => `${n.toFixed(1).padStart(7)} ms`;
function line(label, s) {
  console.log(`${label.padEnd(36)} p50 ${ms(s.p50)}   p99 ${ms(s.p99)}   max ${ms(s.max)}   (${s.count} steps)`);
}

const config = () => ({
  users: [
    { id: 'u1', name: 'Bench One', email: 'u1@example.com' },
    { id: 'u2', name: 'Bench Two', email: 'u2@example.com' },
  ],
  escalation_policies: [
    {
      id: 'two-steps',
      name: 'Two steps',
      steps: [
        { responders: [{ user: 'u1' }], delay_minutes: DELAY_MINUTES },
        { responders: [{ user: 'u2' }], delay_minutes: DELAY_MINUTES },
      ],
      final_notification: false,
      repeat: 0,
    },
  ],
  services: [{ id: 'esc', name: 'Escalation bench', routing: { escalation_policy: 'two-steps' } }],
  integrations: [{ id: 'esc', name: 'Escalation bench', type: 'standard', service: 'esc', key: KEY }],
});

/** Every incident id the list shows, following next_cursor. */
async function listIncidentIds(api) {
  const ids = [];
  let cursor = null;
  do {
    const page = await api('GET', `/incidents?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
    ids.push(...page.incidents.map((i) => i.id));
    cursor = page.next_cursor;
  } while (cursor);
  return ids;
}

const isDone = (timeline) =>
  timeline.filter((t) => t.type === 'escalated').length >= STEPS &&
  timeline.some((t) => t.type === 'escalation_exhausted');

export async function escalationBench() {
  const delaySeconds = DELAY_MINUTES * 60;
  console.log(
    `\nEscalation timing, ${INCIDENTS} incidents, ${STEPS} steps ${delaySeconds} s apart, local wrangler dev\n`,
  );
  await withTocsin(async (tocsin, api) => {
    await api('PUT', '/config', config());

    const url = `${tocsin.origin}/integration/standard/v1/${KEY}`;
    const sendStarted = Date.now();
    const sent = await pool(
      Array.from({ length: INCIDENTS }, (_, i) => i),
      SEND_CONCURRENCY,
      async (i) => {
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ summary: `escalation bench ${i}`, event_id: `esc-${i}`, urgency: 'high' }),
          });
          const body = await response.json().catch(() => null);
          return response.status === 202 && body?.action === 'created'
            ? null
            : `${response.status} ${JSON.stringify(body)}`;
        } catch (error) {
          return String(error);
        }
      },
    );
    const sendFailures = sent.filter((e) => e !== null);
    const sendSeconds = (Date.now() - sendStarted) / 1000;
    if (sendFailures.length > 0) {
      console.log(
        `${sendFailures.length} of ${INCIDENTS} alerts did not create an incident; first: ${sendFailures[0]}`,
      );
    }
    const expected = INCIDENTS - sendFailures.length;

    // Polling is load on the same process whose timing is measured: wait out the escalation's
    // length first, then poll gently.
    await sleep(delaySeconds * 1000 * (STEPS - 1) + 500);
    const deadline = Date.now() + TIMEOUT_MS;
    const timelines = new Map();
    let listed;
    while (true) {
      const ids = await listIncidentIds(api);
      listed = ids.length;
      const pending = ids.filter((id) => !timelines.has(id));
      await pool(pending, POLL_CONCURRENCY, async (id) => {
        const { timeline } = await api('GET', `/incidents/${id}`);
        if (isDone(timeline)) timelines.set(id, timeline);
      });
      if (timelines.size >= expected || Date.now() >= deadline) break;
      await sleep(1000);
    }
    const unfinished = expected - timelines.size;

    const byStep = new Map(Array.from({ length: STEPS }, (_, i) => [i + 1, []]));
    for (const timeline of timelines.values()) {
      for (const entry of timeline) {
        if (entry.type !== 'escalated') continue;
        byStep.get(entry.details.step)?.push(Date.parse(entry.at) - Date.parse(entry.details.due));
      }
    }
    const all = [...byStep.values()].flat();
    for (const [step, values] of byStep) line(`step ${step} lateness`, summary(values));
    const overall = summary(all);
    line('all steps lateness', overall);

    // The queue consumer records pages in batches (up to 1 s): give it a little time to catch up.
    const wantedPages = STEPS * INCIDENTS;
    let pages;
    const pagesDeadline = Date.now() + 15_000;
    while (true) {
      pages = (
        await pool(
          [...timelines.keys()],
          POLL_CONCURRENCY,
          async (id) => (await api('GET', `/incidents/${id}/notifications`)).notifications,
        )
      ).flat();
      if (pages.length >= STEPS * timelines.size || Date.now() >= pagesDeadline) break;
      await sleep(1000);
    }
    const byStatus = new Map();
    for (const page of pages) byStatus.set(page.status, (byStatus.get(page.status) ?? 0) + 1);
    const statuses = [...byStatus].map(([status, n]) => `${n} ${status}`).join(', ');

    const verdict = (ok) => (ok ? 'met' : 'NOT met');
    console.log('');
    console.log(
      `p99 lateness ${overall.p99.toFixed(1)} ms (target ≤ ${TARGET_P99_MS} ms: ${verdict(unfinished === 0 && overall.p99 <= TARGET_P99_MS)});` +
        ` ${timelines.size} of ${INCIDENTS} incidents finished escalating` +
        (unfinished > 0 ? ` (${unfinished} did not within ${TIMEOUT_MS / 1000} s; the list showed ${listed})` : '') +
        `; alerts sent in ${sendSeconds.toFixed(1)} s`,
    );
    console.log(
      `pages recorded                       ${pages.length} (expected ${wantedPages}${statuses ? `; ${statuses}` : ''})`,
    );
  });
}
