import { describe, expect, it } from 'vitest';
import { etagOf, ifMatchHolds } from './etag';

describe('entity tags', () => {
  it('are strong, quoted and the same for equal objects whatever their key order', async () => {
    const tag = await etagOf({ a: 1, b: [1, 2] });
    expect(tag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(await etagOf({ b: [1, 2], a: 1, c: undefined })).toBe(tag);
    expect(await etagOf({ a: 2, b: [1, 2] })).not.toBe(tag);
  });

  it('hold for no If-Match, for * on something, and for a listed strong tag only', () => {
    expect(ifMatchHolds(undefined, null)).toBe(true);
    expect(ifMatchHolds('*', '"x"')).toBe(true);
    expect(ifMatchHolds('*', null)).toBe(false);
    expect(ifMatchHolds('"y", "x"', '"x"')).toBe(true);
    expect(ifMatchHolds('W/"x"', '"x"')).toBe(false);
    expect(ifMatchHolds('"y"', '"x"')).toBe(false);
  });
});
