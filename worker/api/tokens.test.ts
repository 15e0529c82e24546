import { beforeAll, describe, expect, it } from 'vitest';
import { api } from '../test/helpers';

describe('listing API tokens', () => {
  beforeAll(async () => {
    const config = await api('PUT', '/config', {
      users: [
        { id: 'tia', name: 'Tia Token', role: 'responder' },
        { id: 'tom', name: 'Tom Token', role: 'responder' },
      ],
    });
    expect(config.status).toBe(200);
  });

  it("lists one user's live tokens by name, without their secrets, and not once revoked", async () => {
    const laptop = (await api('POST', '/tokens', { user: 'tia', name: 'laptop' })).body;
    const ci = (await api('POST', '/tokens', { user: 'tia', name: 'ci' })).body;
    await api('POST', '/tokens', { user: 'tom', name: 'other' });
    expect((await api('DELETE', `/tokens/${laptop.id}`)).status).toBe(204);
    const { status, body } = await api('GET', '/tokens?user=tia');
    expect(status).toBe(200);
    expect(body.tokens).toEqual([{ id: ci.id, user: 'tia', name: 'ci', created_at: ci.created_at }]);
    expect(JSON.stringify(body)).not.toContain(ci.token);
  });

  it('is for those who configure: a responder is refused', async () => {
    const token = (await api('POST', '/tokens', { user: 'tom' })).body.token;
    expect((await api('GET', '/tokens', undefined, token)).status).toBe(403);
  });
});
