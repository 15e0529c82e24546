// Opsgenie's Alert API door, in the real runtime, with the requests Alertmanager's Opsgenie receiver
// sent: a client of Opsgenie works unchanged.
import { beforeAll, describe, expect, it } from 'vitest';
import create from '../fixtures/opsgenie/grouped-002-opsgenie-create.json?raw';
import createAgain from '../fixtures/opsgenie/grouped-005-opsgenie-create.json?raw';
import close from '../fixtures/opsgenie/grouped-008-opsgenie-close.json?raw';
import { api, send } from '../../test/helpers';

const KEY = 'test-opsgenie-api-key';
const ALIAS = 'd4061866bc333de2350285b0452a21f78349e3d63b4f06b6c956f64f95d7be36';

async function opsgenie(method: string, path: string, body?: string | object, key: string | null = KEY) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key !== null) headers.authorization = `GenieKey ${key}`;
  const response = await send(path, {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

const outcome = async (requestId: string) =>
  (await opsgenie('GET', `/v2/alerts/requests/${requestId}`)).body.data as Record<string, any>;

beforeAll(async () => {
  const result = await api('PUT', '/config', {
    services: [{ id: 'og', name: 'OG' }],
    integrations: [
      { id: 'og-alerts', name: 'Opsgenie alerts', type: 'opsgenie', service: 'og', key: KEY },
      { id: 'og-standard', name: 'Standard', type: 'standard', service: 'og', key: 'key-og-standard-0123456789' },
    ],
  });
  expect(result.status, JSON.stringify(result.body)).toBe(200);
});

describe('the Opsgenie Alert API', () => {
  it('creates an incident, raises its count on a repeat of the alias, and closes it by alias', async () => {
    const created = await opsgenie('POST', '/v2/alerts', create);
    expect(created.status).toBe(202);
    expect(created.body).toEqual({
      result: 'Request will be processed',
      took: expect.any(Number),
      requestId: expect.any(String),
    });
    const first = await outcome(created.body.requestId);
    expect(first).toMatchObject({
      success: true,
      isSuccess: true,
      action: 'Create',
      status: 'Created alert',
      alias: ALIAS,
    });
    const id = first.alertId as string;
    expect((await opsgenie('POST', '/v2/alerts', createAgain)).status).toBe(202);
    const detail = (await api('GET', `/incidents/${id}`)).body;
    expect(detail).toMatchObject({
      summary: '[FIRING:2] HighLatency (checkout critical)',
      urgency: 'medium',
      alert_count: 2,
    });

    const closed = await opsgenie('POST', `/v2/alerts/${ALIAS}/close?identifierType=alias`, close);
    expect(closed.status).toBe(202);
    expect(await outcome(closed.body.requestId)).toMatchObject({ success: true, action: 'Close', status: 'Closed' });
    expect((await api('GET', `/incidents/${id}`)).body.status).toBe('resolved');
  });

  it('acknowledges by id, retitles and describes the open incident, as update_alerts sends them', async () => {
    const created = await opsgenie('POST', '/v2/alerts', {
      message: 'Queue backlog',
      alias: 'backlog-1',
      priority: 'P1',
    });
    const id = (await outcome(created.body.requestId)).alertId as string;
    const retitled = await opsgenie('PUT', '/v2/alerts/backlog-1/message?identifierType=alias', {
      message: 'Queue backlog: 10k',
    });
    expect(await outcome(retitled.body.requestId)).toMatchObject({ success: true, action: 'Update Message' });
    await opsgenie('PUT', '/v2/alerts/backlog-1/description?identifierType=alias', {
      description: 'Consumers are down',
    });
    const acked = await opsgenie('POST', `/v2/alerts/${id}/acknowledge`, {});
    expect(await outcome(acked.body.requestId)).toMatchObject({ success: true, action: 'Acknowledge', alertId: id });
    const detail = (await api('GET', `/incidents/${id}`)).body;
    expect(detail).toMatchObject({ summary: 'Queue backlog: 10k', urgency: 'highest', status: 'acknowledged' });
    const updates = detail.timeline.filter((t: { type: string }) => t.type === 'updated').map((t: any) => t.details);
    expect(updates).toEqual([{ summary: 'Queue backlog: 10k' }, { description: 'Consumers are down' }]);
  });

  it('reports a close of an unknown alias as unsuccessful, not as an error', async () => {
    const closed = await opsgenie('POST', '/v2/alerts/never-seen/close?identifierType=alias', {});
    expect(closed.status).toBe(202);
    expect(await outcome(closed.body.requestId)).toMatchObject({ success: false, action: 'Close' });
  });

  it('keeps the first 130 characters of a long message, and refuses an empty one with 422', async () => {
    const created = await opsgenie('POST', '/v2/alerts', { message: 'x'.repeat(300), alias: 'long-1' });
    const id = (await outcome(created.body.requestId)).alertId as string;
    expect([...(await api('GET', `/incidents/${id}`)).body.summary]).toHaveLength(130);
    const empty = await opsgenie('POST', '/v2/alerts', { message: '' });
    expect(empty.status).toBe(422);
    expect(empty.body).toMatchObject({
      message: 'Request body is not processable. Please check the errors.',
      errors: { message: expect.any(String) },
    });
  });

  it('answers 401 without a GenieKey and 403 for a key of no Opsgenie integration, opening nothing', async () => {
    expect(await opsgenie('POST', '/v2/alerts', { message: 'x' }, null)).toMatchObject({
      status: 401,
      body: { message: expect.any(String) },
    });
    expect((await opsgenie('POST', '/v2/alerts', { message: 'x' }, 'key-og-standard-0123456789')).status).toBe(403);
    expect((await opsgenie('POST', '/v2/alerts', { message: 'x' }, 'no-such-key-at-all-here')).status).toBe(403);
  });

  it('shows a request’s outcome only to its own integration', async () => {
    const created = await opsgenie('POST', '/v2/alerts', { message: 'mine' });
    expect(
      (await opsgenie('GET', `/v2/alerts/requests/${created.body.requestId}`, undefined, 'key-og-standard-0123456789'))
        .status,
    ).toBe(403);
    expect((await opsgenie('GET', '/v2/alerts/requests/garbage!')).status).toBe(404);
  });
});
