import { describe, expect, it } from 'vitest';
import firing from '../fixtures/alertmanager/grouped-001-webhook-firing.json?raw';
import oneResolved from '../fixtures/alertmanager/grouped-004-webhook-firing.json?raw';
import allResolved from '../fixtures/alertmanager/grouped-007-webhook-resolved.json?raw';
import single from '../fixtures/alertmanager/single-firing.json?raw';
import { alertmanager } from './alertmanager';
import { eventsFrom } from './testing';

describe('the Alertmanager adapter', () => {
  it('makes one event per alert of a group, each keyed by its fingerprint', () => {
    const events = eventsFrom(alertmanager, firing);
    expect(events.map((e) => [e.eventId, e.action, e.summary, e.urgency, e.resource])).toEqual([
      ['6bb710ed11b2b558', 'open', 'p99 latency > 2s on web-1', 'high', 'web-1'],
      ['85f15ddb216eb399', 'open', 'p99 latency > 2s on web-2', 'high', 'web-2'],
    ]);
    expect(events[0]).toMatchObject({
      eventTime: '2026-11-24T17:21:15.414Z',
      metric: 'HighLatency',
      source: 'prometheus',
      link: 'http://prometheus.local:9090/graph?g0.expr=latency',
      details: { labels: { service: 'checkout' }, annotations: { runbook_url: 'https://runbooks.example/latency' } },
    });
    // Without a generator URL the link is the Alertmanager's.
    expect(events[1]!.link).toBe('http://127.0.0.1:19093');
  });

  it('closes the alerts a group reports resolved, and keeps the rest open', () => {
    expect(eventsFrom(alertmanager, oneResolved).map((e) => [e.eventId, e.action])).toEqual([
      ['6bb710ed11b2b558', 'close'],
      ['85f15ddb216eb399', 'open'],
    ]);
    const closed = eventsFrom(alertmanager, allResolved);
    expect(closed.every((e) => e.action === 'close')).toBe(true);
    expect(closed[0]!.eventTime).not.toBe('0001-01-01T00:00:00.000Z');
  });

  it('reads Go JSON byte for byte (escaped <, >, & and a trailing newline) and the Go zero time', () => {
    expect(firing.endsWith('\n')).toBe(true);
    const [event] = eventsFrom(alertmanager, single);
    expect(event).toMatchObject({ eventId: '9556f853bb27ef8b', summary: 'Disk 95% full on db-1', urgency: 'high' });
  });

  it('answers 400 naming the field for a body that is not a notification', () => {
    expect(() => eventsFrom(alertmanager, { alerts: [{ status: 'burning' }] })).toThrow(/alerts\[0\]\.status/);
    expect(() => eventsFrom(alertmanager, 'not json')).toThrow(/JSON/);
  });

  it('maps severity labels to urgency, and keys an alert without a fingerprint by its labels', () => {
    const alert = (severity: string) => ({ status: 'firing', labels: { alertname: 'A', severity } });
    const events = eventsFrom(alertmanager, { alerts: ['critical', 'warning', 'info', 'weird'].map(alert) });
    expect(events.map((e) => e.urgency)).toEqual(['high', 'medium', 'low', 'high']);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(4);
    expect(eventsFrom(alertmanager, { alerts: [alert('info')] })[0]!.eventId).toBe(events[2]!.eventId);
  });
});
