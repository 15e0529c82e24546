import { describe, expect, it } from 'vitest';
import flipFlop from '../fixtures/prometheus/001-prom-am-api.json?raw';
import alwaysFiring from '../fixtures/prometheus/002-prom-am-api.json?raw';
import flipFlopAgain from '../fixtures/prometheus/003-prom-am-api.json?raw';
import { eventsOf } from '../routes';
import { prometheus } from './prometheus';
import { inbound } from './testing';

const at = (iso: string, body: string) => eventsOf(prometheus, inbound(body), { now: new Date(iso), settings: {} });

describe('the Prometheus adapter (what Prometheus posts to an Alertmanager)', () => {
  it('opens an alert whose endsAt is still ahead, keyed by its labels', () => {
    const [event] = at('2026-11-24T17:24:10Z', alwaysFiring);
    expect(event).toMatchObject({
      action: 'open',
      summary: 'always firing, value=1',
      urgency: 'medium',
      metric: 'AlwaysFiring',
      eventTime: '2026-11-24T17:23:22.862Z',
      link: 'http://vm:19090/graph?g0.expr=vector%281%29&g0.tab=1',
    });
  });

  it('keeps one key for an alert across re-sends, whatever its annotations say now', () => {
    const [first] = at('2026-11-24T17:24:10Z', flipFlop);
    const [again] = at('2026-11-24T17:24:10Z', flipFlopAgain);
    expect(again!.eventId).toBe(first!.eventId);
    expect(at('2026-11-24T17:24:10Z', alwaysFiring)[0]!.eventId).not.toBe(first!.eventId);
  });

  it('resolves an alert whose endsAt has passed', () => {
    const [event] = at('2026-11-24T17:25:00Z', flipFlop);
    expect(event).toMatchObject({ action: 'close', eventTime: '2026-11-24T17:24:22.862Z' });
  });

  it('answers 400 for a body that is not an array of alerts', () => {
    expect(() => at('2026-11-24T17:25:00Z', '{"labels": {}}')).toThrow(/alerts/);
  });
});
