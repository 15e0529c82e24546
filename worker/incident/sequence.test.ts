import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { SequenceObject } from './sequence';

const stored = (state: DurableObjectState, name: string) =>
  state.storage.sql.exec<{ value: number }>('SELECT value FROM sequences WHERE name = ?', name).one().value;

describe('incident numbers', () => {
  it('reserves only the number it hands out when demand is low', async () => {
    const sequence = env.SEQUENCES.getByName('sequence-quiet');
    expect(await sequence.next('quiet')).toBe(1);
    expect(await runInDurableObject(sequence, (_o, state) => stored(state, 'quiet'))).toBe(1);
  });

  it('hands out unique, increasing numbers in a storm, reserving them in blocks', async () => {
    const sequence = env.SEQUENCES.getByName('sequence-storm');
    const numbers = await Promise.all(Array.from({ length: 300 }, () => sequence.next('storm')));
    expect(numbers.toSorted((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    const reserved = await runInDurableObject(sequence, (_o, state) => stored(state, 'storm'));
    // Fewer commits than numbers: the stored value ran ahead of the last number, by at most a block.
    expect(reserved).toBeGreaterThan(300);
    expect(reserved).toBeLessThanOrEqual(400);
  });

  it('never repeats a number after a restart, skipping what was left of its block', async () => {
    const sequence = env.SEQUENCES.getByName('sequence-restart');
    const before = await Promise.all(Array.from({ length: 50 }, () => sequence.next('restart')));
    const after = await runInDurableObject(sequence, (_o, state) => new SequenceObject(state, env).next('restart'));
    expect(after).toBeGreaterThan(Math.max(...before));
    // The restarted object knows no demand yet: it reserves that number alone.
    expect(await runInDurableObject(sequence, (_o, state) => stored(state, 'restart'))).toBe(after);
  });
});
