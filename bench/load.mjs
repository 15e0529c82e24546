// Load over loopback with wrk (Debian's `wrk`): `connections` keep-alive connections in 2 threads.
// A body template's {n} becomes a number unique to the request.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const THREADS = 2;

function script(body) {
  const [before, after = ''] = body.split('{n}');
  return `
local next_id = 0
setup = function(thread) thread:set("tid", next_id); next_id = next_id + 1 end
local n = 0
request = function()
  n = n + 1
  local body = ${JSON.stringify(before)}${body.includes('{n}') ? ` .. tid .. "-" .. n .. ${JSON.stringify(after)}` : ''}
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end
`;
}

const ms = (text) => {
  const m = /([\d.]+)(us|ms|s)/.exec(text);
  if (!m) return NaN;
  return Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]];
};

export function load({ url, connections, seconds, body }) {
  const file = join(mkdtempSync(join(tmpdir(), 'tocsin-wrk-')), 'load.lua');
  writeFileSync(file, script(body));
  const run = spawnSync(
    'wrk',
    ['-t', String(THREADS), '-c', String(connections), '-d', `${seconds}s`, '--latency', '-s', file, url],
    {
      encoding: 'utf8',
    },
  );
  if (run.error) throw new Error('the bench needs wrk on the PATH (Debian: apt-get install wrk)');
  const out = run.stdout;
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
  const failed = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const socketErrors = /Socket errors: (.*)/.exec(out)?.[1];
  return {
    requests,
    failed,
    socketErrors,
    rate: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN),
    p50: ms(/\n\s+50%\s+(\S+)/.exec(out)?.[1] ?? ''),
    p99: ms(/\n\s+99%\s+(\S+)/.exec(out)?.[1] ?? ''),
    max: ms(/Latency\s+\S+\s+\S+\s+(\S+)/.exec(out)?.[1] ?? ''),
  };
}
