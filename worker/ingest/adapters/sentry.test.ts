import { describe, expect, it } from 'vitest';
import eventAlert from '../fixtures/sentry/event-alert.json?raw';
import issueAssigned from '../fixtures/sentry/issue-assigned.json?raw';
import issueCreated from '../fixtures/sentry/issue-created.json?raw';
import issueResolved from '../fixtures/sentry/issue-resolved.json?raw';
import metricCritical from '../fixtures/sentry/metric-alert-critical.json?raw';
import metricResolved from '../fixtures/sentry/metric-alert-resolved.json?raw';
import plugin from '../fixtures/sentry/plugin-issue-alert.json?raw';
import { sentry } from './sentry';
import { eventsFrom } from './testing';

const as = (resource: string) => ({ headers: { 'sentry-hook-resource': resource } });

describe('the Sentry adapter', () => {
  it('opens an incident for an issue alert of the Webhooks plugin, keyed by the issue', () => {
    const [event, ...rest] = eventsFrom(sentry, plugin);
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      eventId: 'issue-5824711903',
      action: 'open',
      summary: 'ReferenceError: shippng is not defined',
      urgency: 'high',
      eventTime: '2026-11-24T17:21:15.414Z',
      resource: 'checkout-web',
      eventType: 'issue_alert',
      source: 'sentry',
      link: 'https://acme.sentry.io/issues/5824711903/?referrer=webhooks_plugin',
      details: {
        rules: ['Checkout errors'],
        level: 'error',
        culprit: 'renderTotal(static/checkout)',
        project: 'Checkout Web',
        tags: { environment: 'production', release: 'checkout@4.12.0', 'browser.name': 'Chrome' },
      },
    });
  });

  it('opens on a created issue, acknowledges when a person takes it, and closes it when resolved', () => {
    const created = eventsFrom(sentry, issueCreated, as('issue'));
    expect(created).toMatchObject([
      {
        eventId: 'issue-5824711903',
        action: 'open',
        summary: 'ReferenceError: shippng is not defined',
        urgency: 'high',
        eventTime: '2026-11-24T17:21:15.414Z',
        resource: 'checkout-web',
        eventType: 'error',
        link: 'https://acme.sentry.io/issues/5824711903/',
        details: { status: 'unresolved', substatus: 'new', short_id: 'CHECKOUT-WEB-3K' },
      },
    ]);
    expect(eventsFrom(sentry, issueAssigned, as('issue')).map((e) => [e.eventId, e.action])).toEqual([
      ['issue-5824711903', 'ack'],
    ]);
    expect(eventsFrom(sentry, issueResolved, as('issue')).map((e) => [e.eventId, e.action, e.eventTime])).toEqual([
      ['issue-5824711903', 'close', '2026-11-24T17:30:00.000Z'],
    ]);
  });

  it('meets the plugin alert, the issue alert rule action and the issue webhooks in one incident', () => {
    const keys = [
      eventsFrom(sentry, plugin)[0]!.eventId,
      eventsFrom(sentry, eventAlert, as('event_alert'))[0]!.eventId,
      eventsFrom(sentry, issueCreated, as('issue'))[0]!.eventId,
    ];
    expect(new Set(keys)).toEqual(new Set(['issue-5824711903']));
  });

  it('makes no event when Sentry assigns an issue by itself, nor of a resource that is not an alert', () => {
    const autoAssigned = { ...JSON.parse(issueAssigned), actor: { id: 'sentry', name: 'Sentry', type: 'application' } };
    expect(eventsFrom(sentry, autoAssigned, as('issue'))).toEqual([]);
    const installed = { action: 'created', data: { installation: { uuid: 'b1e0f0c2' } }, actor: { type: 'user' } };
    expect(eventsFrom(sentry, installed, as('installation'))).toEqual([]);
    const comment = { action: 'created', data: { comment: 'on it', issue_id: 1 } };
    expect(eventsFrom(sentry, comment, as('comment'))).toEqual([]);
    const metricAction = { ...JSON.parse(metricCritical), action: 'constructor' };
    expect(eventsFrom(sentry, metricAction, as('metric_alert'))).toEqual([]);
  });

  it('closes an archived (ignored) issue and reopens an unresolved one', () => {
    const body = JSON.parse(issueCreated);
    expect(eventsFrom(sentry, { ...body, action: 'ignored' }, as('issue'))[0]!.action).toBe('close');
    expect(eventsFrom(sentry, { ...body, action: 'archived' }, as('issue'))[0]!.action).toBe('close');
    expect(eventsFrom(sentry, { ...body, action: 'unresolved' }, as('issue'))[0]!.action).toBe('open');
  });

  it('follows a metric alert incident from critical to resolved under one key', () => {
    const [critical] = eventsFrom(sentry, metricCritical, as('metric_alert'));
    expect(critical).toMatchObject({
      eventId: 'metric-alert-2280614',
      action: 'open',
      summary: 'Critical: Checkout error spike',
      urgency: 'high',
      eventTime: '2026-11-24T17:22:00.000Z',
      resource: 'checkout-web',
      metric: 'count()',
      eventType: 'metric_alert',
      link: 'https://acme.sentry.io/alerts/rules/details/31877/?alert=2280614',
      details: { rule: 'Checkout error spike', query: 'level:error', trigger: 'critical' },
    });
    const warning = { ...JSON.parse(metricCritical), action: 'warning' };
    expect(eventsFrom(sentry, warning, as('metric_alert'))[0]).toMatchObject({ action: 'open', urgency: 'medium' });
    const [resolved] = eventsFrom(sentry, metricResolved, as('metric_alert'));
    expect(resolved).toMatchObject({
      eventId: 'metric-alert-2280614',
      action: 'close',
      summary: 'Resolved: Checkout error spike',
      eventTime: '2026-11-24T17:28:00.000Z',
    });
  });

  it('tells the webhooks apart by their shape when the header is missing', () => {
    expect(eventsFrom(sentry, metricResolved).map((e) => [e.eventId, e.action])).toEqual([
      ['metric-alert-2280614', 'close'],
    ]);
    expect(eventsFrom(sentry, issueResolved).map((e) => e.action)).toEqual(['close']);
    expect(eventsFrom(sentry, eventAlert)).toMatchObject([
      { eventId: 'issue-5824711903', action: 'open', details: { rule: 'Checkout errors' } },
    ]);
  });

  it('maps levels to urgency: fatal pages highest, info low, an unknown level high', () => {
    const body = JSON.parse(plugin);
    const urgency = (level: unknown) => eventsFrom(sentry, { ...body, level })[0]!.urgency;
    expect(urgency('constructor')).toBe('high');
    expect(['fatal', 'error', 'warning', 'info', 'debug', 'sample', null].map(urgency)).toEqual([
      'highest',
      'high',
      'medium',
      'low',
      'lowest',
      'high',
      'high',
    ]);
  });

  it('keeps what the issue carries as data: a script link is no link, an empty title falls back', () => {
    const body = { ...JSON.parse(plugin), url: 'javascript:alert(1)', event: null, message: '', culprit: null };
    const [event] = eventsFrom(sentry, body);
    expect(event).toMatchObject({ summary: 'Sentry issue 5824711903', eventTime: '2026-11-24T17:30:00.000Z' });
    expect(event).not.toHaveProperty('link');
  });

  it('answers 400 naming the field for a body that is not one of its webhooks', () => {
    expect(() => eventsFrom(sentry, { project: 'checkout-web' })).toThrow(/\bid\b/);
    expect(() => eventsFrom(sentry, { action: 'created', data: { issue: {} } }, as('issue'))).toThrow(
      /data\.issue\.id/,
    );
    expect(() => eventsFrom(sentry, { action: 'critical', data: { metric_alert: {} } })).toThrow(
      /data\.metric_alert\.id/,
    );
    expect(() => eventsFrom(sentry, '<html>')).toThrow(/JSON/);
  });
});
