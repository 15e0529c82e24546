// Disk work per new incident: how many fsync and write calls workerd makes per request, for the
// fresh-object ceiling and for Tocsin opening new incidents. On a disk, throughput of new objects is
// bound by these, and unlike req/s the counts do not vary from run to run. Needs strace (Debian:
// `apt-get install strace`) and the right to trace; skipped otherwise.
import { execSync, spawn, spawnSync } from 'node:child_process';
import { withFreshDir, withTocsin, wranglerDev } from './local.mjs';

const REQUESTS = 400;
const CONCURRENCY = 16;
const CALLS = ['fsync', 'fdatasync', 'pwrite64', 'write'];

async function send(url, template) {
  let next = 0;
  const worker = async () => {
    while (next < REQUESTS) {
      const body = template.replace('{n}', String(next++));
      await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

/** Syscall counts per request while REQUESTS new objects are made (and their drains have run). */
async function perRequest(url, template) {
  const pids = execSync("pgrep -f 'workerd serve'").toString().trim().split('\n');
  const trace = spawn('strace', ['-f', '-c', '-e', `trace=${CALLS.join(',')}`, ...pids.flatMap((p) => ['-p', p])], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let report = '';
  trace.stderr.on('data', (chunk) => (report += chunk));
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await send(url, template);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  trace.kill('SIGINT');
  await new Promise((resolve) => trace.on('close', resolve));
  // strace -c rows: % time, seconds, usecs/call, calls, [errors,] syscall.
  const calls = new Map(
    report
      .split('\n')
      .map((row) => row.trim().split(/\s+/))
      .filter((cells) => cells.length >= 5 && CALLS.includes(cells.at(-1)))
      .map((cells) => [cells.at(-1), Number(cells[3])]),
  );
  const count = (call) => calls.get(call) ?? 0;
  return {
    syncs: (count('fsync') + count('fdatasync')) / REQUESTS,
    writes: (count('pwrite64') + count('write')) / REQUESTS,
  };
}

const line = (label, r) =>
  console.log(
    `${label.padEnd(36)} ${r.syncs.toFixed(1).padStart(6)} fsync   ${r.writes.toFixed(1).padStart(6)} writes`,
  );

export async function diskBench() {
  console.log(`\nDisk work per new object (workerd syscalls per request, ${REQUESTS} requests)\n`);
  if (spawnSync('strace', ['-V']).status !== 0) {
    console.log('skipped: needs strace (apt-get install strace)');
    return;
  }
  const body = JSON.stringify({ summary: 'bench', event_id: 'disk-{n}' });
  const ceiling = await withFreshDir(async (dir) => {
    const worker = wranglerDev('bench/ceilings/fresh-object.toml', { persistTo: dir });
    try {
      await worker.ready();
      return await perRequest(worker.origin, body);
    } finally {
      await worker.stop();
    }
  });
  line('ceiling: fresh Durable Object + 1 row', ceiling);
  const tocsin = await withTocsin(async (system, api) => {
    await api('PUT', '/config', {
      services: [{ id: 'bench', name: 'Bench' }],
      integrations: [
        { id: 'bench', name: 'Bench', type: 'standard', service: 'bench', key: 'bench-key-0123456789abcdef' },
      ],
    });
    return perRequest(`${system.origin}/integration/standard/v1/bench-key-0123456789abcdef`, body);
  });
  line('(a) new incidents', tocsin);
  console.log(`\n(a) fsync / ceiling fsync       ${(tocsin.syncs / ceiling.syncs).toFixed(2)}`);
}
