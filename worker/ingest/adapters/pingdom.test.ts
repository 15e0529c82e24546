import { describe, expect, it } from 'vitest';
import down from '../fixtures/pingdom/down.json?raw';
import transactionFailing from '../fixtures/pingdom/transaction-failing.json?raw';
import transactionSuccess from '../fixtures/pingdom/transaction-success.json?raw';
import up from '../fixtures/pingdom/up.json?raw';
import { pingdom } from './pingdom';
import { eventsFrom } from './testing';

describe('the Pingdom adapter', () => {
  it('opens an incident keyed by the check when an uptime check goes down', () => {
    const [event] = eventsFrom(pingdom, down);
    expect(event).toMatchObject({
      eventId: '2048467',
      action: 'open',
      summary: 'Shop front page is DOWN: DNS error',
      urgency: 'high',
      eventTime: '2026-11-24T17:21:00.000Z',
      resource: 'shop.example.com',
      eventType: 'HTTP',
      source: 'pingdom',
      details: {
        previous_state: 'UP',
        long_description: 'Non-recoverable failure in name resolution',
        first_probe: { location: 'Amsterdam 5, Netherlands' },
        check_params: { full_url: 'https://shop.example.com/' },
      },
    });
  });

  it('closes the same incident when the check is up again', () => {
    const [event] = eventsFrom(pingdom, up);
    expect(event).toMatchObject({
      eventId: '2048467',
      action: 'close',
      summary: 'Shop front page is UP',
      eventTime: '2026-11-24T17:27:12.000Z',
    });
  });

  it('opens on a failing transaction check and closes on its success, saying why it failed', () => {
    const [failing] = eventsFrom(pingdom, transactionFailing);
    const [success] = eventsFrom(pingdom, transactionSuccess);
    expect(failing).toMatchObject({
      eventId: '4411093',
      action: 'open',
      summary: 'Checkout flow is FAILING: Element "#pay-now" was not found',
      // A transaction check has no importance level: it pages as a site down does.
      urgency: 'high',
      eventType: 'TRANSACTION',
      details: { custom_message: 'Payments team: check the PSP status page', tags: ['shop', 'checkout'] },
    });
    expect(failing).not.toHaveProperty('resource');
    expect(success).toMatchObject({ eventId: '4411093', action: 'close', summary: 'Checkout flow is SUCCESS' });
  });

  it('pages low for a check of low importance, and keys different checks apart', () => {
    const change = JSON.parse(down);
    const [low] = eventsFrom(pingdom, { ...change, check_id: '2048468', importance_level: 'LOW' });
    expect(low).toMatchObject({ eventId: '2048468', urgency: 'low' });
    const [odd] = eventsFrom(pingdom, { ...change, importance_level: 'constructor' });
    expect(odd!.urgency).toBe('high');
  });

  it('makes no event of a failure Pingdom has not confirmed yet, nor of an unknown state', () => {
    const change = JSON.parse(down);
    expect(eventsFrom(pingdom, { ...change, current_state: 'UNCONFIRMED_DOWN' })).toEqual([]);
    expect(eventsFrom(pingdom, { ...change, current_state: 'UNKNOWN' })).toEqual([]);
  });

  it('reads the UTC time when there is no timestamp, as UTC', () => {
    const { state_changed_timestamp: _, ...change } = JSON.parse(down);
    expect(eventsFrom(pingdom, change)[0]!.eventTime).toBe('2026-11-24T17:21:00.000Z');
  });

  it('answers 400 naming the field for a body that is not a state change', () => {
    expect(() => eventsFrom(pingdom, { check_name: 'x', current_state: 'DOWN' })).toThrow(/check_id/);
    expect(() => eventsFrom(pingdom, { check_id: 1, current_state: 5 })).toThrow(/current_state/);
    expect(() => eventsFrom(pingdom, 'check_id=1')).toThrow(/JSON/);
  });
});
