import { describe, expect, it } from 'vitest';
import { retryDelaySeconds } from './consumer';

describe('the notification consumer', () => {
  it('backs off 2, 4, 8… seconds, at most five minutes', () => {
    expect([1, 2, 3, 20].map(retryDelaySeconds)).toEqual([2, 4, 8, 300]);
  });

  it('retries a delivery for more than six hours over the 100 retries the queue allows (wrangler.toml)', () => {
    const total = Array.from({ length: 100 }, (_, i) => retryDelaySeconds(i + 1)).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(6 * 3600);
  });
});
