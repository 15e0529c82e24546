// The key a browser subscribes to push with, as the console reads it.
import { createExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { app } from '../index';
import { ADMIN_TOKEN, api } from '../test/helpers';

const KEY = 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM';

describe('the push key', () => {
  it('is null when Web Push is not configured', async () => {
    expect(await api('GET', '/push/key')).toEqual({ status: 200, body: { public_key: null } });
  });

  it('is the VAPID public key once both halves are set, for anyone signed in', async () => {
    const configured = { ...env, VAPID_PUBLIC_KEY: KEY, VAPID_PRIVATE_KEY: 'private' };
    const request = new Request('http://tocsin.test/api/v1/push/key', {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const response = await app.fetch(request, configured, createExecutionContext());
    expect(await response.json()).toEqual({ public_key: KEY });
    const halfConfigured = { ...env, VAPID_PUBLIC_KEY: KEY };
    const half = await app.fetch(request.clone(), halfConfigured, createExecutionContext());
    expect(await half.json()).toEqual({ public_key: null });
  });

  it('is refused without a token, and documented', async () => {
    expect((await api('GET', '/push/key', undefined, null)).status).toBe(401);
    const document = (await api('GET', '/openapi.json')).body;
    expect(document.paths['/api/v1/push/key'].get['x-permission']).toBe('read');
  });
});
