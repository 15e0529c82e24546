import { describe, expect, it } from 'vitest';
import downForm from '../fixtures/uptimerobot/down-form.txt?raw';
import down from '../fixtures/uptimerobot/down.json?raw';
import sslExpiry from '../fixtures/uptimerobot/ssl-expiry.json?raw';
import up from '../fixtures/uptimerobot/up.json?raw';
import type { AlertEvent } from '../event';
import { eventsFrom } from './testing';
import { uptimerobot } from './uptimerobot';

const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe('the UptimeRobot adapter', () => {
  it('opens an incident keyed by the monitor when UptimeRobot posts its variables as JSON', () => {
    const [event] = eventsFrom(uptimerobot, down);
    expect(event).toMatchObject({
      eventId: '797523451',
      action: 'open',
      summary: 'Shop is down (Connection Timeout)',
      urgency: 'high',
      eventTime: '2026-11-24T17:21:00.000Z',
      resource: 'https://shop.example.com/health',
      eventType: 'down',
      source: 'uptimerobot',
      details: { monitorID: '797523451', alertType: '1', alertDetails: 'Connection Timeout' },
    });
    // The variables UptimeRobot left empty are not details.
    expect(event!.details).not.toHaveProperty('sslExpiryDate');
    expect(event!.payload).toMatchObject({ monitorFriendlyName: 'Shop', sslExpiryDate: '' });
  });

  it('closes it when the monitor is up again, saying how long it was down', () => {
    const [event] = eventsFrom(uptimerobot, up);
    expect(event).toMatchObject({
      eventId: '797523451',
      action: 'close',
      summary: 'Shop is up (HTTP 200 - OK)',
      eventTime: '2026-11-24T17:27:12.000Z',
      details: { alertDuration: '372' },
    });
  });

  it('reads everything from the query string when UptimeRobot sends no body, by GET or by POST', () => {
    const query =
      'monitorID=797523451&monitorURL=https%3A%2F%2Fshop.example.com%2Fhealth&monitorFriendlyName=Shop' +
      '&alertType=1&alertTypeFriendlyName=Down&alertDetails=Connection+Timeout&alertDateTime=1795540860';
    const withoutPayload = (events: AlertEvent[]) => events.map(({ payload: _, ...event }) => event);
    for (const method of ['GET', 'POST']) {
      expect(withoutPayload(eventsFrom(uptimerobot, null, { method, query }))).toEqual(
        withoutPayload(eventsFrom(uptimerobot, down)),
      );
    }
  });

  it('reads a form body, and leaves out the placeholders UptimeRobot did not replace', () => {
    const [event] = eventsFrom(uptimerobot, downForm, { headers: form });
    expect(event).toMatchObject({
      eventId: '797523452',
      action: 'open',
      summary: 'API is down (HTTP 500 - Internal Server Error)',
      resource: 'https://api.example.com/',
    });
    expect(event!.details).not.toHaveProperty('sslExpiryDate');
  });

  it('lets the body win over the query string where both name a variable', () => {
    const [event] = eventsFrom(uptimerobot, up, { query: 'alertType=1&monitorID=1&extra=kept' });
    expect(event).toMatchObject({ eventId: '797523451', action: 'close' });
    expect(event!.payload).toMatchObject({ extra: 'kept', alertType: '2' });
  });

  it('keeps an SSL expiry reminder apart from the outage, at a lower urgency', () => {
    const [event] = eventsFrom(uptimerobot, sslExpiry);
    expect(event).toMatchObject({
      eventId: '797523451/ssl-expiry',
      action: 'open',
      summary: 'SSL certificate of Shop expires 2026-12-01 (7 days left)',
      urgency: 'medium',
      eventType: 'ssl-expiry',
    });
    // "Up" closes the outage, not the certificate's reminder.
    expect(eventsFrom(uptimerobot, up)[0]!.eventId).not.toBe(event!.eventId);
  });

  it('takes numbers where UptimeRobot writes text, and keys a monitor without an id by its URL and name', () => {
    const alert = { monitorURL: 'https://a.example', monitorFriendlyName: 'A', alertType: 1 };
    const [opened] = eventsFrom(uptimerobot, alert);
    const [closed] = eventsFrom(uptimerobot, { ...alert, alertType: 2 });
    const [other] = eventsFrom(uptimerobot, { ...alert, monitorFriendlyName: 'B' });
    expect([opened!.action, closed!.action]).toEqual(['open', 'close']);
    expect(closed!.eventId).toBe(opened!.eventId);
    expect(other!.eventId).not.toBe(opened!.eventId);
    // No alertDateTime: the time it arrived.
    expect(opened!.eventTime).toBe('2026-11-24T17:30:00.000Z');
  });

  it('answers 400 naming the variable for a request that is no alert', () => {
    expect(() => eventsFrom(uptimerobot, null, { query: 'monitorID=1' })).toThrow(/alertType/);
    expect(() => eventsFrom(uptimerobot, { alertType: '1', monitorID: '*monitorID*' })).toThrow(/monitorID/);
    expect(() => eventsFrom(uptimerobot, '{"alertType": "1", "alertDetails": "say "hi""}')).toThrow(/JSON/);
    expect(() => eventsFrom(uptimerobot, [1, 2])).toThrow(/body/);
  });
});
