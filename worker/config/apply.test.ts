import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { applyConfig } from './apply';
import { loadConfig } from './store';

describe('applying a document made from a read', () => {
  it('refuses, writing nothing, when the configuration changed after that read', async () => {
    const now = new Date();
    expect(
      (await applyConfig(env, { services: [{ id: 'a', name: 'A', routing: { no_one: true as const } }] }, now)).ok,
    ).toBe(true);
    const read = await loadConfig(env.DB);
    const meanwhile = { services: [{ id: 'a', name: 'A meanwhile', routing: { no_one: true as const } }] };
    expect((await applyConfig(env, meanwhile, now)).ok).toBe(true);
    const fromOldRead = {
      services: [...read.config.services, { id: 'b', name: 'B', routing: { no_one: true as const } }],
    };
    expect(await applyConfig(env, fromOldRead, now, { basedOn: read })).toEqual({ ok: false, stale: true });
    const after = await loadConfig(env.DB);
    expect(after.config.services.map((s) => [s.id, s.name])).toEqual([['a', 'A meanwhile']]);
    expect(after.revision).toBe(read.revision + 1);
    expect((await applyConfig(env, fromOldRead, now, { basedOn: after })).ok).toBe(true);
  });
});
