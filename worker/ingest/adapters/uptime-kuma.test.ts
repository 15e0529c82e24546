import { describe, expect, it } from 'vitest';
import certificateExpiry from '../fixtures/uptime-kuma/certificate-expiry.json?raw';
import down from '../fixtures/uptime-kuma/down.json?raw';
import test from '../fixtures/uptime-kuma/test.json?raw';
import up from '../fixtures/uptime-kuma/up.json?raw';
import { eventsFrom } from './testing';
import { uptimeKuma } from './uptime-kuma';

const downBody = JSON.parse(down);

describe('the Uptime Kuma adapter', () => {
  it('opens an incident when a monitor goes down, keyed by the monitor', () => {
    const [event, ...rest] = eventsFrom(uptimeKuma, down);
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      eventId: 'monitor-7',
      action: 'open',
      summary: 'Checkout API is down: Request failed with status code 503',
      urgency: 'highest',
      eventTime: '2026-11-24T17:21:15.414Z',
      resource: 'https://shop.example.com/api/health',
      eventType: 'http',
      source: 'uptime-kuma',
      details: {
        tags: { severity: 'critical', payments: '' },
        message: 'Request failed with status code 503',
        duration: 60,
        url: 'https://shop.example.com/api/health',
      },
    });
    expect(event!.payload).toEqual(downBody);
  });

  it('closes the incident when the monitor is up again', () => {
    expect(eventsFrom(uptimeKuma, up)).toMatchObject([
      {
        eventId: 'monitor-7',
        action: 'close',
        summary: 'Checkout API is up: 200 - OK',
        eventTime: '2026-11-24T17:27:15.902Z',
      },
    ]);
  });

  it('joins the resent downs to the same key, and keeps other monitors apart', () => {
    const resent = { ...downBody, heartbeat: { ...downBody.heartbeat, important: false } };
    expect(eventsFrom(uptimeKuma, resent)[0]!.eventId).toBe('monitor-7');
    const other = {
      ...downBody,
      heartbeat: { ...downBody.heartbeat, monitorID: 8 },
      monitor: { ...downBody.monitor, id: 8 },
    };
    expect(eventsFrom(uptimeKuma, other)[0]!.eventId).toBe('monitor-8');
  });

  it('makes an informational event of the Test button, keyed by its message, rather than a 400', () => {
    const [event, ...rest] = eventsFrom(uptimeKuma, test);
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      action: 'open',
      summary: 'Tocsin Testing',
      urgency: 'low',
      eventTime: '2026-11-24T17:30:00.000Z',
      eventType: 'notice',
      source: 'uptime-kuma',
    });
    expect(eventsFrom(uptimeKuma, test)[0]!.eventId).toBe(event!.eventId);
    // A certificate expiry warning comes the same way, and is its own notice.
    const [expiry] = eventsFrom(uptimeKuma, certificateExpiry);
    expect(expiry!.summary).toMatch(/certificate shop\.example\.com will expire in 13 days$/);
    expect(expiry!.eventId).not.toBe(event!.eventId);
  });

  it('makes no event of a pending or maintenance heartbeat', () => {
    for (const status of [2, 3, '2']) {
      expect(eventsFrom(uptimeKuma, { ...downBody, heartbeat: { ...downBody.heartbeat, status } })).toEqual([]);
    }
  });

  it('takes urgency from a severity tag on the monitor, and pages high without one', () => {
    const tagged = (tags: unknown) =>
      eventsFrom(uptimeKuma, { ...downBody, monitor: { ...downBody.monitor, tags } })[0]!;
    expect(tagged([{ name: 'severity', value: 'warning' }]).urgency).toBe('medium');
    expect(tagged([{ name: 'severity', value: 'info' }]).urgency).toBe('lowest');
    expect(tagged([]).urgency).toBe('high');
    expect(tagged(null).urgency).toBe('high');
    expect(tagged([{ name: 'severity', value: 'toString' }]).urgency).toBe('high');
  });

  it('names a monitor without a URL by its host, and one it knows nothing of by its id', () => {
    const ping = { ...downBody.monitor, type: 'ping', url: 'https://', hostname: 'db-1.internal' };
    expect(eventsFrom(uptimeKuma, { ...downBody, monitor: ping })[0]).toMatchObject({ resource: 'db-1.internal' });
    const [bare] = eventsFrom(uptimeKuma, { heartbeat: { status: '0', monitorID: '12', msg: '' }, monitor: null });
    expect(bare).toMatchObject({ eventId: 'monitor-12', summary: 'Monitor 12 is down', urgency: 'high' });
  });

  it('reads the notification a GET webhook sends in its query', () => {
    const query = new URLSearchParams({
      msg: downBody.msg,
      heartbeat: JSON.stringify(downBody.heartbeat),
      monitor: JSON.stringify(downBody.monitor),
    });
    const [event] = eventsFrom(uptimeKuma, null, { method: 'GET', query: query.toString() });
    expect(event).toMatchObject({
      eventId: 'monitor-7',
      action: 'open',
      summary: 'Checkout API is down: Request failed with status code 503',
    });
  });

  it('answers 400 naming the field for a heartbeat it cannot read', () => {
    expect(() => eventsFrom(uptimeKuma, { heartbeat: { status: 'down' }, monitor: null, msg: 'x' })).toThrow(
      /heartbeat\.status/,
    );
    expect(() => eventsFrom(uptimeKuma, null, { method: 'GET', query: 'heartbeat={oops' })).toThrow(/JSON/);
    expect(() => eventsFrom(uptimeKuma, 'down')).toThrow(/JSON/);
  });
});
