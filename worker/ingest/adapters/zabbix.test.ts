import { describe, expect, it } from 'vitest';
import acknowledged from '../fixtures/zabbix/acknowledged.json?raw';
import problem from '../fixtures/zabbix/problem.json?raw';
import recovery from '../fixtures/zabbix/recovery.json?raw';
import { eventsFrom } from './testing';
import { zabbix } from './zabbix';

const problemBody = JSON.parse(problem) as Record<string, string>;

describe('the Zabbix adapter', () => {
  it('opens a problem keyed by its event id, named after the trigger and its host', () => {
    const [event, ...rest] = eventsFrom(zabbix, problem);
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      eventId: '48213',
      action: 'open',
      summary: 'High CPU utilization (over 90% for 5m) on web-1',
      urgency: 'high',
      eventTime: '2026-11-24T17:21:15.000Z',
      resource: 'web-1',
      metric: 'CPU utilization',
      source: 'zabbix',
      link: 'https://zabbix.example.com/tr_events.php?triggerid=23817&eventid=48213',
      details: {
        tags: { class: 'os', component: 'cpu', scope: 'performance' },
        severity: 'High',
        host_ip: '10.0.4.21',
        item_value: '97.3 %',
        trigger_id: '23817',
      },
    });
    // Macros Zabbix leaves unresolved in a problem operation are not taken for values.
    expect(event!.details).not.toHaveProperty('update_action');
    expect(event!.payload).toEqual(problemBody);
  });

  it('closes the problem on recovery: {EVENT.ID} is still the problem, at the recovery time', () => {
    const [event] = eventsFrom(zabbix, recovery);
    expect(event).toMatchObject({ eventId: '48213', action: 'close', eventTime: '2026-11-24T17:28:02.000Z' });
  });

  it('closes on a resolved {EVENT.RECOVERY.ID} alone, as a recovery message without event_value does', () => {
    const body: Record<string, string> = { ...problemBody, event_recovery_id: '48260' };
    delete body.event_value;
    expect(eventsFrom(zabbix, body).map((e) => [e.eventId, e.action])).toEqual([['48213', 'close']]);
  });

  it('acknowledges the problem when an update operation says someone acknowledged it', () => {
    const [event] = eventsFrom(zabbix, acknowledged);
    expect(event).toMatchObject({
      eventId: '48213',
      action: 'ack',
      details: { update_action: 'acknowledged, commented' },
    });
    expect(event!.eventTime).toBe('2026-11-24T17:30:00.000Z');
  });

  it('closes on a manual close, and makes no event of a comment, an unacknowledgement or a new severity', () => {
    const update = (action: string) =>
      eventsFrom(zabbix, { ...problemBody, event_update_status: '1', event_update_action: action });
    expect(update('closed, commented').map((e) => e.action)).toEqual(['close']);
    expect(update('commented')).toEqual([]);
    expect(update('unacknowledged')).toEqual([]);
    expect(update('changed severity from Warning to High')).toEqual([]);
  });

  it('keys a repeated problem as before, and another problem apart', () => {
    const again = eventsFrom(zabbix, problem)[0]!.eventId;
    expect(eventsFrom(zabbix, problem)[0]!.eventId).toBe(again);
    expect(eventsFrom(zabbix, { ...problemBody, event_id: 48214 })[0]!.eventId).toBe('48214');
  });

  it('ranks severities as Zabbix ranks them, by name or by number, and pages high when it cannot tell', () => {
    const urgency = (fields: Record<string, unknown>) => {
      const { event_severity: _s, event_nseverity: _n, ...body } = problemBody;
      return eventsFrom(zabbix, { ...body, ...fields })[0]!.urgency;
    };
    expect(
      ['Disaster', 'High', 'Average', 'Warning', 'Information', 'Not classified'].map((s) =>
        urgency({ event_severity: s }),
      ),
    ).toEqual(['highest', 'high', 'medium', 'low', 'lowest', 'lowest']);
    expect(urgency({ trigger_severity: 'Average' })).toBe('medium');
    // A renamed severity still has its number.
    expect(urgency({ event_severity: 'Sev 1', event_nseverity: '5' })).toBe('highest');
    expect(urgency({})).toBe('high');
    expect(urgency({ event_severity: 'constructor', event_nseverity: '__proto__' })).toBe('high');
  });

  it('reads {EVENT.TAGS} as well as {EVENT.TAGSJSON}, and a zone appended to {EVENT.TIME}', () => {
    const [event] = eventsFrom(zabbix, {
      ...problemBody,
      event_tags: 'scope:availability, service:checkout, __proto__:x',
      event_time: '02:21:15+09:00',
      event_date: '2026.11.25',
    });
    expect(event!.details!.tags).toEqual({ scope: 'availability', service: 'checkout', ['__proto__']: 'x' });
    expect(event!.eventTime).toBe('2026-11-24T17:21:15.000Z');
  });

  it('keeps what the problem carries as data, and links only to a web frontend', () => {
    const [event] = eventsFrom(zabbix, {
      event_id: '7',
      event_value: 1,
      event_name: '',
      zabbix_url: 'javascript:alert(1)',
      event_tags: '[not json',
    });
    expect(event).toMatchObject({ eventId: '7', summary: 'Zabbix event 7', urgency: 'high', details: { tags: {} } });
    expect(event).not.toHaveProperty('link');
    expect(event!.eventTime).toBe('2026-11-24T17:30:00.000Z');
  });

  it('answers 400 naming the field for a body that is not its notification', () => {
    expect(() => eventsFrom(zabbix, { event_value: '1' })).toThrow(/event_id/);
    expect(() => eventsFrom(zabbix, { event_id: '1', event_value: 'PROBLEM' })).toThrow(/event_value/);
    expect(() => eventsFrom(zabbix, 'event_id=1')).toThrow(/JSON/);
  });
});
