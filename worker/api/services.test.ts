// Lists read D1 once, however long they are.
import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import { api } from '../test/helpers';

describe('listing services and integrations', () => {
  it('reads each list in one query, not one per item', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await api('POST', '/services', { id: `svc-${i}`, name: `Service ${i}` })).status).toBe(201);
      const integration = { id: `int-${i}`, name: `Integration ${i}`, type: 'standard', service: `svc-${i}` };
      expect((await api('POST', '/integrations', integration)).status).toBe(201);
    }
    const database = Object.getPrototypeOf(env.DB) as { prepare: (sql: string) => unknown };
    const prepare = vi.spyOn(database, 'prepare');
    try {
      const services = await api('GET', '/services');
      const integrations = await api('GET', '/integrations');
      expect(services.body.services).toHaveLength(5);
      expect(integrations.body.integrations.map((i: { service: string }) => i.service)).toEqual([
        'svc-0',
        'svc-1',
        'svc-2',
        'svc-3',
        'svc-4',
      ]);
      expect(prepare).toHaveBeenCalledTimes(2);
    } finally {
      prepare.mockRestore();
    }
  });
});
