import { describe, expect, it } from 'vitest';
import defaultRecovered from '../fixtures/datadog/default-recovered.json?raw';
import defaultTriggered from '../fixtures/datadog/default-triggered.json?raw';
import recovered from '../fixtures/datadog/recovered.json?raw';
import triggered from '../fixtures/datadog/triggered.json?raw';
import warn from '../fixtures/datadog/warn.json?raw';
import { datadog } from './datadog';
import { ARRIVAL, eventsFrom } from './testing';

describe('the Datadog adapter', () => {
  it('opens a triggered monitor, keyed by its alert cycle, with what the payload Tocsin documents carries', () => {
    const [event] = eventsFrom(datadog, triggered);
    expect(event).toMatchObject({
      eventId: '7716548230000012345',
      action: 'open',
      summary: 'CPU usage high on host:web-1',
      urgency: 'high',
      eventTime: '2026-11-24T17:20:05.000Z',
      resource: 'web-1',
      metric: 'system.cpu.user',
      eventType: 'query_alert_monitor',
      source: 'datadog',
      link: 'https://app.datadoghq.com/event/jump_to?event_id=7716548234011234567',
      details: {
        tags: { env: 'prod', host: 'web-1', monitor: '', service: 'checkout', team: 'web' },
        scope: 'host:web-1',
        monitor_id: '73014205',
      },
    });
    expect(event!.payload).toMatchObject({ org: { name: 'Example Shop' } });
  });

  it('closes the alert on recovery, and joins a warning of the same cycle', () => {
    expect(eventsFrom(datadog, recovered)[0]).toMatchObject({
      eventId: '7716548230000012345',
      action: 'close',
      eventTime: '2026-11-24T17:27:05.000Z',
    });
    // A monitor without a priority: the alert type says how urgent.
    expect(eventsFrom(datadog, warn)[0]).toMatchObject({
      eventId: '7716548230000012345',
      action: 'open',
      urgency: 'medium',
    });
  });

  it("reads Datadog's default payload: the transition and the alert from the title", () => {
    const [opened] = eventsFrom(datadog, defaultTriggered);
    const [closed] = eventsFrom(datadog, defaultRecovered);
    expect(opened).toMatchObject({
      action: 'open',
      summary: 'CPU usage high on host:web-1',
      urgency: 'high',
      resource: 'host:web-1',
      eventTime: '2026-11-24T17:20:05.000Z',
    });
    expect(closed!.action).toBe('close');
    // Each notification has its own event id; the title names the alert, so both are one incident.
    expect(closed!.eventId).toBe(opened!.eventId);
    const other = JSON.parse(defaultTriggered);
    other.title = '[Triggered on {host:web-2}] CPU usage high';
    expect(eventsFrom(datadog, other)[0]!.eventId).not.toBe(opened!.eventId);
  });

  it('falls back to the aggregation key, then to the monitor and its scope', () => {
    const body = JSON.parse(triggered);
    delete body.alert_cycle_key;
    expect(eventsFrom(datadog, body)[0]!.eventId).toBe('6f1e5b0c2d9a84e3b7c1f0a2d5e8b9c4');
    // A variable that does not apply is sent empty or as written.
    body.aggreg_key = '$AGGREG_KEY';
    const web1 = eventsFrom(datadog, body)[0]!.eventId;
    body.alert_scope = 'host:web-2';
    const web2 = eventsFrom(datadog, body)[0]!.eventId;
    expect(web1).toMatch(/^k-/);
    expect(web2).not.toBe(web1);
    body.alert_transition = 'Recovered';
    body.alert_scope = 'host:web-1';
    expect(eventsFrom(datadog, body)[0]).toMatchObject({ eventId: web1, action: 'close' });
  });

  it('maps every transition to an action', () => {
    const body = JSON.parse(triggered);
    const actions = [
      'Triggered',
      'Re-Triggered',
      'Warn',
      'Re-Warn',
      'No Data',
      'Re-No Data',
      'Renotify',
      'Recovered',
    ].map((transition) => {
      body.alert_transition = transition;
      return eventsFrom(datadog, body)[0]!.action;
    });
    expect(actions).toEqual(['open', 'open', 'open', 'open', 'open', 'open', 'open', 'close']);
  });

  it('maps the priority P1 to P5 to urgency, and the alert type when there is none', () => {
    const body = JSON.parse(triggered);
    const byPriority = ['P1', 'P2', 'P3', 'P4', 'P5'].map((priority) => {
      body.alert_priority = priority;
      return eventsFrom(datadog, body)[0]!.urgency;
    });
    expect(byPriority).toEqual(['highest', 'high', 'medium', 'low', 'lowest']);
    const withoutPriority = { alert_title: 'Disk full', alert_priority: '' };
    const byType = ['error', 'warning', 'info', 'weird'].map(
      (type) => eventsFrom(datadog, { ...withoutPriority, alert_type: type })[0]!.urgency,
    );
    expect(byType).toEqual(['high', 'medium', 'low', 'high']);
    // The priority Datadog puts in the event title counts too.
    expect(eventsFrom(datadog, { title: '[P1] [Triggered] Disk full' })[0]!.urgency).toBe('highest');
  });

  it('keeps a title without a transition as it is, and dates an undated alert at arrival', () => {
    const [event] = eventsFrom(datadog, { title: '[prod] Disk full', alert_type: 'success' });
    expect(event).toMatchObject({ summary: '[prod] Disk full', action: 'close', eventTime: ARRIVAL.toISOString() });
  });

  it('answers 400 for a payload that names no alert, naming the field to add', () => {
    expect(() => eventsFrom(datadog, { body: 'hello', date: '1406662672000' })).toThrow(/title/);
    expect(() => eventsFrom(datadog, { title: '$EVENT_TITLE' })).toThrow(/title/);
    expect(() => eventsFrom(datadog, { title: ['not', 'text'] })).toThrow(/title/);
    expect(() => eventsFrom(datadog, 'To=%2B1347&Body=alert')).toThrow(/JSON/);
  });
});
