// Prometheus and GoAlert clients, unchanged, in the real runtime.
import { beforeAll, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { incidentObjectName } from '../../incident/commands';
import type { Incident } from '../../incident/lifecycle';
import { api, send } from '../../test/helpers';
import { stableKey } from '../normalize';

const PROMETHEUS_KEY = 'prometheus-key-0123456789';
const GOALERT_KEY = 'goalert-key-0123456789ab';

beforeAll(async () => {
  const result = await api('PUT', '/config', {
    services: [{ id: 'prom', name: 'Prom' }],
    integrations: [
      { id: 'prom-direct', name: 'Prometheus', type: 'prometheus', service: 'prom', key: PROMETHEUS_KEY },
      { id: 'goalert-generic', name: 'GoAlert', type: 'goalert', service: 'prom', key: GOALERT_KEY },
    ],
  });
  expect(result.status, JSON.stringify(result.body)).toBe(200);
});

const alert = (endsInMs: number) => [
  {
    labels: { alertname: 'QueueStuck', instance: 'mq-1', severity: 'critical' },
    annotations: { summary: 'Queue stuck on mq-1' },
    startsAt: new Date(Date.now() - 60_000).toISOString(),
    endsAt: new Date(Date.now() + endsInMs).toISOString(),
    generatorURL: 'http://prometheus:9090/graph',
  },
];

const post = (path: string, body: string, headers: Record<string, string>) =>
  send(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

/** The newest incident of a dedup key, from its object (the list in D1 may trail). */
async function latest(handle: string, eventId: string) {
  const integration = (await api('GET', `/integrations/${handle}`)).body.id as string;
  const object = env.INCIDENTS.getByName(incidentObjectName(integration, eventId));
  return (await object.latestIncident()) as Incident | null;
}

describe('Prometheus without an Alertmanager', () => {
  it('opens an incident for a firing alert (key as bearer token) and resolves it when endsAt has passed (basic auth)', async () => {
    const key = stableKey('alertname=QueueStuck', 'instance=mq-1', 'severity=critical');
    const firing = await post('/api/v2/alerts', JSON.stringify(alert(180_000)), {
      authorization: `Bearer ${PROMETHEUS_KEY}`,
    });
    expect(firing.status).toBe(200);
    expect(await firing.text()).toBe('');
    expect(await latest('prom-direct', key)).toMatchObject({
      status: 'triggered',
      summary: 'Queue stuck on mq-1',
      urgency: 'high',
    });
    const basic = `Basic ${btoa(`prometheus:${PROMETHEUS_KEY}`)}`;
    const resolved = await post('/api/v2/alerts', JSON.stringify(alert(-1000)), { authorization: basic });
    expect(resolved.status).toBe(200);
    expect((await latest('prom-direct', key))?.status).toBe('resolved');
  });

  it('answers 401 without a key and 404 for a key of no prometheus integration', async () => {
    expect((await post('/api/v2/alerts', '[]', {})).status).toBe(401);
    expect((await post('/api/v2/alerts', '[]', { authorization: `Bearer ${GOALERT_KEY}` })).status).toBe(404);
  });
});

describe('GoAlert’s generic API', () => {
  it('opens an incident from a form body, answers 204, and closes it by the same summary and details', async () => {
    const path = `/api/v2/generic/incoming?token=${GOALERT_KEY}`;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const opened = await post(
      path,
      new URLSearchParams({ summary: 'Backup failed', details: 'exit 3' }).toString(),
      form,
    );
    expect(opened.status).toBe(204);
    const key = stableKey('Backup failed', 'exit 3');
    expect((await latest('goalert-generic', key))?.status).toBe('triggered');
    const closed = await post(
      path,
      new URLSearchParams({ summary: 'Backup failed', details: 'exit 3', action: 'close' }).toString(),
      form,
    );
    expect(closed.status).toBe(204);
    expect((await latest('goalert-generic', key))?.status).toBe('resolved');
    const json = await post(path, JSON.stringify({ summary: 'Disk full', dedup: 'disk-db-1' }), {});
    expect(json.status).toBe(204);
    expect((await latest('goalert-generic', 'disk-db-1'))?.summary).toBe('Disk full');
  });

  it('answers 404 for an unknown token and 400 for an alert without a summary', async () => {
    expect((await post('/api/v2/generic/incoming?token=nope-nope-nope-nope', '{"summary":"x"}', {})).status).toBe(404);
    const missing = await post(`/api/v2/generic/incoming?token=${GOALERT_KEY}`, '{}', {});
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { fields: { field: string }[] }).fields[0]!.field).toBe('summary');
  });
});
