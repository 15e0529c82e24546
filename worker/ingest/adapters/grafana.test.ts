import { describe, expect, it } from 'vitest';
import firing from '../fixtures/grafana/firing.json?raw';
import resolved from '../fixtures/grafana/resolved.json?raw';
import testButton from '../fixtures/grafana/test.json?raw';
import { grafana } from './grafana';
import { eventsFrom } from './testing';

describe('the Grafana adapter', () => {
  it('makes one event per alert of a notification, each keyed by its fingerprint', () => {
    const events = eventsFrom(grafana, firing);
    expect(events.map((e) => [e.eventId, e.action, e.summary, e.urgency])).toEqual([
      ['3f2a9d1c7b6e4a08', 'open', 'Memory usage above 90% on web-1', 'high'],
      ['a81c0e5d93b7f214', 'open', 'More than 5% of checkout requests failed over the last 10 minutes', 'medium'],
    ]);
    expect(events[0]).toMatchObject({
      eventTime: '2026-11-24T17:21:10.000Z',
      resource: 'web-1:9100',
      metric: 'High memory usage',
      source: 'grafana',
      link: 'https://grafana.example.com/alerting/grafana/be2mv1ja8f4sgc/view?orgId=1',
      details: {
        labels: { grafana_folder: 'Infrastructure', team: 'blue' },
        annotations: { runbook_url: 'https://runbooks.example.com/memory' },
        values: { A: 93.41276041666667, B: 1 },
      },
    });
    // The alert as Grafana sent it, its silence link included, is kept for the alert log.
    expect(events[0]!.payload).toMatchObject({ ruleUID: 'be2mv1ja8f4sgc', silenceURL: expect.stringContaining('&') });
    expect(events[1]!.resource).toBeUndefined();
  });

  it('closes each alert Grafana reports resolved, at the time it ended', () => {
    const events = eventsFrom(grafana, resolved);
    expect(events.map((e) => [e.eventId, e.action, e.eventTime])).toEqual([
      ['3f2a9d1c7b6e4a08', 'close', '2026-11-24T17:28:10.000Z'],
      ['a81c0e5d93b7f214', 'close', '2026-11-24T17:29:40.000Z'],
    ]);
  });

  it('keeps an alert that still fires open when its group also carries a resolved one', () => {
    const group = JSON.parse(resolved);
    group.alerts[1] = JSON.parse(firing).alerts[1];
    expect(eventsFrom(grafana, group).map((e) => [e.eventId, e.action])).toEqual([
      ['3f2a9d1c7b6e4a08', 'close'],
      ['a81c0e5d93b7f214', 'open'],
    ]);
  });

  it('reads the contact point test: an alert with no values and no rule link, linked to Grafana itself', () => {
    const [event] = eventsFrom(grafana, testButton);
    expect(event).toMatchObject({
      eventId: '57c6d9296de2ad39',
      action: 'open',
      summary: 'Notification test',
      resource: 'Grafana',
      link: 'https://grafana.example.com/',
    });
    expect(event!.details).not.toHaveProperty('values');
  });

  it('names the rule of an alert that reports no data, and keys an alert without a fingerprint by its labels', () => {
    const noData = (ref: string) => ({
      status: 'firing',
      labels: {
        alertname: 'DatasourceNoData',
        rulename: 'Disk usage',
        datasource_uid: 'PBFA97CFB590B2093',
        ref_id: ref,
      },
    });
    const events = eventsFrom(grafana, { alerts: [noData('A'), noData('B'), noData('A')] });
    expect(events[0]).toMatchObject({ summary: 'Disk usage: DatasourceNoData', urgency: 'high' });
    expect(events[0]!.eventId).not.toBe(events[1]!.eventId);
    expect(events[2]!.eventId).toBe(events[0]!.eventId);
  });

  it('maps the severity label to urgency', () => {
    const alert = (severity: string) => ({ status: 'firing', labels: { alertname: 'A', severity } });
    const events = eventsFrom(grafana, { alerts: ['critical', 'warning', 'info', 'none', 'odd'].map(alert) });
    expect(events.map((e) => e.urgency)).toEqual(['high', 'medium', 'low', 'none', 'high']);
  });

  it('answers 400 naming the field for a body that is not a Grafana notification', () => {
    expect(() => eventsFrom(grafana, { alerts: [{ status: 'pending' }] })).toThrow(/alerts\[0\]\.status/);
    expect(() => eventsFrom(grafana, { title: '[FIRING:1]' })).toThrow(/alerts/);
    expect(() => eventsFrom(grafana, 'not json')).toThrow(/JSON/);
  });
});
