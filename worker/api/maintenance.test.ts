// Maintenance windows through the API, in the real runtime: what opens one keeps the service's
// events recorded and unpaged until it ends.
import { beforeAll, describe, expect, it } from 'vitest';
import { api, postEvent } from '../test/helpers';

const KEY = 'key-maintenance-0123456789';

beforeAll(async () => {
  const result = await api('PUT', '/config', {
    users: [{ id: 'min', name: 'Min' }],
    services: [{ id: 'shop', name: 'Shop', routing: { user: 'min' } }],
    integrations: [{ id: 'shop-std', name: 'Std', type: 'standard', service: 'shop', key: KEY }],
  });
  expect(result.status, JSON.stringify(result.body)).toBe(200);
});

const notPaged = async (id: string) =>
  (await api('GET', `/incidents/${id}`)).body.timeline.find((t: { type: string }) => t.type === 'not_paged')?.details
    .reason as string | undefined;

describe('maintenance windows', () => {
  it('record a service’s events without paging while open, and page again once ended', async () => {
    const opened = await api('POST', '/services/shop/maintenance', { minutes: 15, description: 'DB upgrade' });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({
      service: 'shop',
      state: 'open',
      description: 'DB upgrade',
      created_by: 'admin',
    });
    expect((await api('GET', '/services/shop/maintenance')).body.current.id).toBe(opened.body.id);

    const during = await postEvent(KEY, { summary: 'checkout slow', event_id: 'mw-1' });
    expect(await notPaged(during.body.incident_id)).toMatch(/^in a maintenance window until .*: DB upgrade$/);

    const extended = await api('PATCH', `/services/shop/maintenance/${opened.body.id}`, { minutes: 30 });
    expect(Date.parse(extended.body.end) - Date.parse(opened.body.end)).toBe(30 * 60_000);
    const ended = await api('DELETE', `/services/shop/maintenance/${opened.body.id}`);
    expect(ended.body).toMatchObject({ state: 'ended', ended_by: 'admin' });

    const after = await postEvent(KEY, { summary: 'checkout slow', event_id: 'mw-2' });
    expect(await notPaged(after.body.incident_id)).toBeUndefined();
    const history = (await api('GET', '/services/shop/maintenance')).body;
    expect(history.current).toBeNull();
    expect(history.history[0]).toMatchObject({ id: opened.body.id, description: 'DB upgrade' });
  });

  it('schedule future windows, at most five, each at most a week, and refuse what cannot be', async () => {
    const at = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();
    for (let i = 1; i <= 5; i++) {
      const scheduled = await api('POST', '/services/shop/maintenance', { start: at(i * 24), end: at(i * 24 + 1) });
      expect(scheduled.body.state).toBe('scheduled');
    }
    expect((await api('POST', '/services/shop/maintenance', { start: at(200), end: at(201) })).status).toBe(409);
    const { scheduled } = (await api('GET', '/services/shop/maintenance')).body;
    expect(scheduled).toHaveLength(5);
    const cancelled = await api('DELETE', `/services/shop/maintenance/${scheduled[0].id}`);
    expect(cancelled.body.state).toBe('ended');

    const backwards = await api('POST', '/services/shop/maintenance', { start: at(2), end: at(1) });
    expect(backwards).toMatchObject({ status: 400, body: { fields: [{ field: 'end' }] } });
    expect((await api('POST', '/services/shop/maintenance', { start: at(1), end: at(1 + 24 * 8) })).status).toBe(400);
    expect((await api('POST', '/services/shop/maintenance', { minutes: 7 })).status).toBe(400);
    expect((await api('DELETE', '/services/shop/maintenance/nope')).status).toBe(404);
    expect((await api('POST', '/services/nope/maintenance', { minutes: 5 })).status).toBe(404);
  });
});

describe('maintenance windows as code', () => {
  it('are scheduled by the configuration document, and replaced by the next one', async () => {
    const base = Math.floor(Date.now() / 60_000) * 60_000;
    const at = (hours: number) => new Date(base + hours * 3_600_000).toISOString();
    const doc = (windows: object[]) => ({ maintenance_windows: windows });
    const first = await api(
      'PUT',
      '/config',
      doc([{ service: 'shop', start: at(48), end: at(49), description: 'DB upgrade' }]),
    );
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const listed = async () =>
      (await api('GET', '/services/shop/maintenance')).body.scheduled.filter(
        (w: { source: string }) => w.source === 'config',
      );
    expect(await listed()).toMatchObject([{ description: 'DB upgrade', created_by: 'configuration' }]);
    await api('PUT', '/config', doc([{ service: 'shop', start: at(72), end: at(73), description: 'OS patch' }]));
    expect((await listed()).map((w: { description: string }) => w.description)).toEqual(['OS patch']);
    // Applying the same document again changes nothing.
    await api('PUT', '/config', doc([{ service: 'shop', start: at(72), end: at(73), description: 'OS patch' }]));
    const [kept] = await listed();
    await api('PUT', '/config', doc([{ service: 'shop', start: at(72), end: at(73), description: 'OS patch' }]));
    expect((await listed()).map((w: { id: string }) => w.id)).toEqual([kept.id]);
  });

  it('are refused, naming the field, for an unknown service or an end before the start', async () => {
    const at = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();
    const unknown = await api('PUT', '/config', {
      maintenance_windows: [{ service: 'nope', start: at(1), end: at(2) }],
    });
    expect(unknown.body.fields[0].field).toBe('maintenance_windows[0].service');
    const backwards = await api('PUT', '/config', {
      maintenance_windows: [{ service: 'shop', start: at(2), end: at(1) }],
    });
    expect(backwards.body.fields[0].field).toBe('maintenance_windows[0].end');
  });
});
