// PagerDuty's Events API v2 door, in the real runtime, with the bodies Alertmanager's PagerDuty
// receiver sent: a client of PagerDuty works unchanged.
import { beforeAll, describe, expect, it } from 'vitest';
import trigger from '../fixtures/pagerduty/grouped-003-pagerduty-trigger.json?raw';
import resolve from '../fixtures/pagerduty/grouped-009-pagerduty-resolve.json?raw';
import { api, drain, send } from '../../test/helpers';

const KEY = 'R0UTINGKEY0000000000000000000001';

const enqueue = async (body: string | object, path = '/v2/enqueue') => {
  const response = await send(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};

beforeAll(async () => {
  const result = await api('PUT', '/config', {
    services: [{ id: 'pd', name: 'PD' }],
    integrations: [
      { id: 'pd-events', name: 'PagerDuty events', type: 'pagerduty', service: 'pd', key: KEY },
      { id: 'pd-standard', name: 'Standard', type: 'standard', service: 'pd', key: 'key-pd-standard-0123456789' },
    ],
  });
  expect(result.status, JSON.stringify(result.body)).toBe(200);
});

describe('the PagerDuty Events API v2', () => {
  it('opens an incident for a trigger, answers as PagerDuty does, and resolves it by the dedup key', async () => {
    const triggered = await enqueue(trigger);
    expect(triggered).toEqual({
      status: 202,
      body: {
        status: 'success',
        message: 'Event processed',
        dedup_key: 'd4061866bc333de2350285b0452a21f78349e3d63b4f06b6c956f64f95d7be36',
      },
    });
    // Alertmanager re-sends the same body: the same incident counts it.
    expect((await enqueue(trigger)).status).toBe(202);
    await drain((await api('GET', '/integrations/pd-events')).body.id, triggered.body.dedup_key);
    const open = (await api('GET', '/incidents?status=triggered')).body.incidents.filter(
      (i: { summary: string }) => i.summary === '[FIRING:2] HighLatency (checkout critical)',
    );
    expect(open).toHaveLength(1);
    const detail = (await api('GET', `/incidents/${open[0].id}`)).body;
    expect(detail).toMatchObject({ urgency: 'high', alert_count: 2 });
    expect(await enqueue(resolve)).toMatchObject({ status: 202 });
    expect((await api('GET', `/incidents/${open[0].id}`)).body.status).toBe('resolved');
  });

  it('generates and answers a dedup key for a trigger without one, and acknowledges by it', async () => {
    const event = {
      routing_key: KEY,
      event_action: 'trigger',
      payload: { summary: 'Disk full on db-7', source: 'db-7', severity: 'critical', custom_details: { free: '1%' } },
    };
    const first = await enqueue(event);
    const second = await enqueue(event);
    expect(first.body.dedup_key).toEqual(expect.any(String));
    expect(second.body.dedup_key).not.toBe(first.body.dedup_key);
    const ack = await enqueue({ routing_key: KEY, event_action: 'acknowledge', dedup_key: first.body.dedup_key });
    expect(ack).toMatchObject({ status: 202, body: { status: 'success', dedup_key: first.body.dedup_key } });
  });

  it.each([
    [{ routing_key: KEY, event_action: 'trigger' }, ["'payload' is required for a trigger"]],
    [{ routing_key: KEY, event_action: 'resolve' }, ["'dedup_key' is required to resolve"]],
    [{ routing_key: KEY, event_action: 'explode', dedup_key: 'x' }, [expect.stringMatching(/^'event_action' /)]],
    [
      { routing_key: KEY, event_action: 'trigger', payload: { summary: '', source: 's', severity: 'loud' } },
      [expect.stringMatching(/^'payload\.summary' /), expect.stringMatching(/^'payload\.severity' /)],
    ],
    [{ routing_key: 'not-a-key-of-anything', event_action: 'resolve', dedup_key: 'x' }, ['Invalid routing key']],
    [{ routing_key: 'key-pd-standard-0123456789', event_action: 'resolve', dedup_key: 'x' }, ['Invalid routing key']],
  ])('answers 400 "invalid event" with the errors for %j', async (event, errors) => {
    expect(await enqueue(event)).toEqual({
      status: 400,
      body: { status: 'invalid event', message: 'Event object is invalid', errors },
    });
  });

  it('answers 400 for a body that is not JSON, and 413 over 512 KiB', async () => {
    expect((await enqueue('{"routing_key":')).status).toBe(400);
    const big = await enqueue({ routing_key: KEY, event_action: 'resolve', dedup_key: 'x', pad: 'x'.repeat(600_000) });
    expect(big.status).toBe(413);
    expect(big.body.status).toBe('invalid event');
  });

  it('records a change event and pages nobody', async () => {
    const before = (await api('GET', '/incidents')).body.incidents.length;
    const change = await enqueue(
      {
        routing_key: KEY,
        payload: { summary: 'Deployed checkout v42', source: 'ci', timestamp: '2026-11-24T17:00:00Z' },
      },
      '/v2/change/enqueue',
    );
    expect(change).toEqual({ status: 202, body: { status: 'success', message: 'Change event processed' } });
    expect((await api('GET', '/incidents')).body.incidents.length).toBe(before);
    const changes = (await api('GET', '/services/pd/changes')).body.changes;
    expect(changes[0]).toMatchObject({
      summary: 'Deployed checkout v42',
      source: 'ci',
      happened_at: '2026-11-24T17:00:00.000Z',
    });
  });
});
