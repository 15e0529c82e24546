import { describe, expect, it } from 'vitest';
import { api, drain, postEvent, setUpIntegration } from '../test/helpers';

describe('the noise funnel', () => {
  it('counts events (repeats included), incidents and pages per service and integration', async () => {
    const { key, integrationId } = await setUpIntegration('funnel');
    const from = new Date(Date.now() - 1000).toISOString();
    for (let i = 0; i < 3; i++) await postEvent(key, { summary: 'flaky', event_id: 'funnel-1' });
    await postEvent(key, { summary: 'other', event_id: 'funnel-2' });
    await drain(integrationId, 'funnel-1');
    await drain(integrationId, 'funnel-2');
    const to = new Date(Date.now() + 1000).toISOString();
    const funnel = (await api('GET', `/funnel?from=${from}&to=${to}`)).body;
    expect(funnel.rows.find((r: { integration: string }) => r.integration === 'funnel')).toEqual({
      service: 'web',
      integration: 'funnel',
      events: 4,
      incidents: 2,
      pages: 0,
    });
    expect(funnel.total.events).toBeGreaterThanOrEqual(4);
  });

  it('answers 400 naming the field for a range that ends before it starts', async () => {
    const result = await api('GET', '/funnel?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z');
    expect(result).toMatchObject({ status: 400, body: { fields: [{ field: 'to' }] } });
  });
});
