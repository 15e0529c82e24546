import { describe, expect, it } from 'vitest';
import type { Incident } from '../incident/lifecycle';
import type { PageJob } from './job';
import { cancellationReason, retryDelaySeconds } from './consumer';

const incident = (status: Incident['status']) => ({ number: 7, status }) as Incident;
const job = (stopWhen: PageJob['stopWhen']) => ({ stopWhen }) as PageJob;

describe('the notification consumer', () => {
  it('cancels a page whose incident was acknowledged, when the policy stops on acknowledgement', () => {
    expect(cancellationReason(incident('acknowledged'), job('acknowledged'))).toBe('incident #7 is acknowledged');
    expect(cancellationReason(incident('acknowledged'), job('resolved'))).toBeNull();
  });

  it('cancels a page whose incident is resolved or gone, and sends one for a triggered incident', () => {
    expect(cancellationReason(incident('resolved'), job('resolved'))).toBe('incident #7 is resolved');
    expect(cancellationReason(null, job('acknowledged'))).toMatch(/no longer exists/);
    expect(cancellationReason(incident('triggered'), job('acknowledged'))).toBeNull();
  });

  it('backs off 2, 4, 8… seconds, at most five minutes', () => {
    expect([1, 2, 3, 20].map(retryDelaySeconds)).toEqual([2, 4, 8, 300]);
  });
});
