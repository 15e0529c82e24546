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

  it('shows a responder their own tokens alone', async () => {
    const token = (await api('POST', '/tokens', { user: 'tom' })).body.token;
    const own = await api('GET', '/tokens', undefined, token);
    expect(own.status).toBe(200);
    expect(new Set(own.body.tokens.map((t: { user: string }) => t.user))).toEqual(new Set(['tom']));
    const others = await api('GET', '/tokens?user=tia', undefined, token);
    expect(others.status).toBe(403);
    expect(others.body.fields).toEqual([{ field: 'user', message: 'not you' }]);
  });
});

describe('API tokens of one’s own', () => {
  it('lets a responder or an observer create and revoke their own, and no one else’s', async () => {
    await api('PUT', '/config', {
      users: [
        { id: 'tia', name: 'Tia Token', role: 'responder' },
        { id: 'tom', name: 'Tom Token', role: 'responder' },
        { id: 'vic', name: 'Vic Viewer', role: 'observer' },
      ],
    });
    const tia = (await api('POST', '/tokens', { user: 'tia' })).body.token;
    const made = await api('POST', '/tokens', { user: 'tia', name: 'laptop' }, tia);
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body).toMatchObject({ user: 'tia', name: 'laptop', token: expect.stringMatching(/^tok_/) });
    expect((await api('GET', '/session', undefined, made.body.token)).body).toMatchObject({ user: 'tia' });

    const forTom = await api('POST', '/tokens', { user: 'tom' }, tia);
    expect(forTom.status).toBe(403);
    expect(forTom.body.fields).toEqual([{ field: 'user', message: 'not yours to create' }]);
    const vic = (await api('POST', '/tokens', { user: 'vic' })).body.token;
    expect((await api('POST', '/tokens', { user: 'vic', name: 'feed' }, vic)).status).toBe(201);

    const toms = (await api('POST', '/tokens', { user: 'tom' })).body;
    expect((await api('DELETE', `/tokens/${toms.id}`, undefined, tia)).status).toBe(404);
    expect((await api('GET', '/session', undefined, toms.token)).status).toBe(200);
    expect((await api('DELETE', `/tokens/${made.body.id}`, undefined, tia)).status).toBe(204);
    expect((await api('GET', '/session', undefined, made.body.token)).status).toBe(401);
    const { entries } = (await api('GET', '/audit?kind=token&actor=tia')).body;
    expect(entries.map((e: { action: string }) => e.action)).toEqual(['revoke', 'create']);
  });
});
