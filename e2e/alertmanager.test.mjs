// A real client: Debian's Prometheus Alertmanager, on loopback, with its webhook, PagerDuty and
// Opsgenie receivers pointed at a local Tocsin (`wrangler dev`). A firing alert opens an incident
// through each receiver; the resolved alert closes all three.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withFreshDirTocsin } from '../bench/local.mjs';

const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';
const PORT = 19793;
const KEYS = {
  webhook: 'e2e-alertmanager-webhook-key',
  pagerduty: 'E2EROUTINGKEY000000000000000001',
  opsgenie: 'e2e-opsgenie-api-key-0001',
};

let tocsin;
let api;
let finished;
let release;
let alertmanager;
let stateDir;

async function eventually(check, what, seconds = 45) {
  let last;
  for (let i = 0; i < seconds * 2; i++) {
    last = await check();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function startAlertmanager(origin) {
  stateDir = mkdtempSync(join(tmpdir(), 'tocsin-alertmanager-'));
  const config = join(stateDir, 'alertmanager.yml');
  writeFileSync(
    config,
    `route:
  receiver: tocsin
  group_by: [alertname]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
receivers:
  - name: tocsin
    webhook_configs:
      - url: ${origin}/integration/alertmanager/v1/${KEYS.webhook}
    pagerduty_configs:
      - routing_key: ${KEYS.pagerduty}
        url: ${origin}/v2/enqueue
    opsgenie_configs:
      - api_key: ${KEYS.opsgenie}
        api_url: ${origin}/
`,
  );
  alertmanager = spawn(
    ALERTMANAGER,
    [
      `--config.file=${config}`,
      `--web.listen-address=127.0.0.1:${PORT}`,
      '--cluster.listen-address=',
      `--storage.path=${stateDir}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

/** Tells the Alertmanager of the alert, firing until `endsAt`. */
async function alert(endsAt) {
  const response = await fetch(`http://127.0.0.1:${PORT}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([
      {
        labels: { alertname: 'CheckoutDown', instance: 'web-9', severity: 'critical' },
        annotations: { summary: 'Checkout is down on web-9' },
        startsAt: new Date(Date.now() - 10_000).toISOString(),
        endsAt: endsAt.toISOString(),
      },
    ]),
  });
  expect(response.status).toBe(200);
}

/** Each receiver's incidents, by integration handle. */
async function incidents() {
  const list = {};
  for (const handle of Object.keys(KEYS)) {
    const { id } = await api('GET', `/integrations/${handle}`);
    list[handle] = (await api('GET', `/incidents?integration=${id}`)).incidents;
  }
  return list;
}

beforeAll(async () => {
  if (!existsSync(ALERTMANAGER)) {
    throw new Error(`${ALERTMANAGER} is missing: apt-get install -y prometheus-alertmanager`);
  }
  await new Promise((ready, fail) => {
    finished = withFreshDirTocsin({}, (started, call) => {
      tocsin = started;
      api = call;
      ready();
      return new Promise((done) => (release = done));
    }).catch(fail);
  });
  await api('PUT', '/config', {
    services: [{ id: 'checkout', name: 'Checkout' }],
    integrations: Object.entries(KEYS).map(([type, key]) => ({
      id: type,
      name: type,
      type: type === 'webhook' ? 'alertmanager' : type,
      service: 'checkout',
      key,
    })),
  });
  startAlertmanager(tocsin.origin);
  await eventually(
    () =>
      fetch(`http://127.0.0.1:${PORT}/-/ready`).then(
        (r) => r.ok,
        () => false,
      ),
    'the Alertmanager',
  );
}, 240_000);

afterAll(async () => {
  alertmanager?.kill('SIGTERM');
  release?.();
  await finished;
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe('a real Prometheus Alertmanager', () => {
  it('opens an incident through each of its webhook, PagerDuty and Opsgenie receivers', async () => {
    await alert(new Date(Date.now() + 10 * 60_000));
    const opened = await eventually(async () => {
      const all = await incidents();
      return Object.values(all).every((list) => list.length === 1) && all;
    }, 'an incident per receiver');
    expect(opened.webhook[0]).toMatchObject({
      summary: 'Checkout is down on web-9',
      urgency: 'high',
      status: 'triggered',
    });
    expect(opened.pagerduty[0]).toMatchObject({
      summary: '[FIRING:1] CheckoutDown (web-9 critical)',
      status: 'triggered',
    });
    expect(opened.opsgenie[0]).toMatchObject({
      summary: '[FIRING:1] CheckoutDown (web-9 critical)',
      status: 'triggered',
    });
  });

  it('resolves all three when the alert is resolved', async () => {
    await alert(new Date());
    const resolved = await eventually(async () => {
      const all = await incidents();
      return Object.values(all).every((list) => list.length === 1 && list[0].status === 'resolved') && all;
    }, 'every incident resolved');
    expect(Object.keys(resolved)).toEqual(['webhook', 'pagerduty', 'opsgenie']);
  });
});
