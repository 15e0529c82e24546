import { describe, expect, it } from 'vitest';
import metricWarning from '../fixtures/elastic/metric-threshold-warning.json?raw';
import recovered from '../fixtures/elastic/recovered.json?raw';
import thresholdMet from '../fixtures/elastic/threshold-met.json?raw';
import watcher from '../fixtures/elastic/watcher.json?raw';
import { elastic } from './elastic';
import { eventsFrom } from './testing';

const RULE = '6f1c2a90-5b7e-11ef-9d3a-2b8c4f0e1a77';

describe('the Elastic adapter', () => {
  it('opens an incident for a Kibana alert, keyed by its rule and its alert id', () => {
    const [event, ...rest] = eventsFrom(elastic, thresholdMet);
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      eventId: `${RULE}/web-1`,
      action: 'open',
      summary: 'alert Checkout 5xx rate group web-1 met threshold',
      urgency: 'high',
      eventTime: '2026-11-24T17:21:16.020Z',
      resource: 'web-1',
      metric: 'Checkout 5xx rate',
      eventType: 'threshold met',
      source: 'kibana',
      link: `https://kibana.example.com/app/management/insightsAndAlerting/triggersActions/rule/${RULE}`,
      details: { rule_id: RULE, tags: ['checkout', 'production'], space: 'default', action_group: 'Threshold met' },
    });
    expect(event!.details!.message).toContain('Value: 412');
  });

  it('closes the alert when Kibana runs the action for Recovered', () => {
    expect(eventsFrom(elastic, recovered).map((e) => [e.eventId, e.action, e.eventTime])).toEqual([
      [`${RULE}/web-1`, 'close', '2026-11-24T17:27:17.002Z'],
    ]);
  });

  it('reads the reason, the alert details link and a warning action group of an observability rule', () => {
    const [event] = eventsFrom(elastic, metricWarning);
    expect(event).toMatchObject({
      eventId: 'c0a8f2d4-1e6b-4f3a-8d2c-7b9e5a1f0c33/web-2',
      action: 'open',
      summary: expect.stringMatching(/^Average system\.cpu\.total\.norm\.pct is 87\.3%/),
      urgency: 'medium',
      link: 'https://kibana.example.com/app/observability/alerts/9b7e1c52-0d4f-4a63-a8b1-5e2f7c9d3a10',
    });
  });

  it('keeps one alert apart from another of the same rule, and a repeat on the same key', () => {
    const body = JSON.parse(thresholdMet);
    const key = (id: string) => eventsFrom(elastic, { ...body, alert: { ...body.alert, id } })[0]!.eventId;
    expect(key('web-1')).toBe(eventsFrom(elastic, thresholdMet)[0]!.eventId);
    expect(key('web-2')).toBe(`${RULE}/web-2`);
    // A summary action has no alert: the rule is the alert.
    expect(eventsFrom(elastic, { ...body, alert: { id: '', actionGroup: '' } })[0]).toMatchObject({
      eventId: RULE,
      summary: 'alert Checkout 5xx rate group web-1 met threshold',
    });
  });

  it('takes urgency from a severity in the body, else from the action group, else high', () => {
    const body = JSON.parse(thresholdMet);
    const urgency = (severity: string, actionGroup = 'threshold met') =>
      eventsFrom(elastic, { ...body, severity, alert: { ...body.alert, actionGroup } })[0]!.urgency;
    expect(['critical', 'high', 'medium', 'low'].map((s) => urgency(s))).toEqual(['highest', 'high', 'medium', 'low']);
    expect(urgency('', 'slo.burnRate.critical')).toBe('highest');
    expect(urgency('', 'metrics.threshold.fired')).toBe('high');
    expect(urgency('', 'metrics.threshold.nodata')).toBe('low');
    expect(urgency('', 'query matched')).toBe('high');
    expect(urgency('constructor', 'x.__proto__')).toBe('high');
  });

  it('reads tags rendered as a list, and never makes an empty summary', () => {
    const [event] = eventsFrom(elastic, { rule: { id: RULE, tags: ['a', ' b '] }, alert: null, context: null });
    expect(event).toMatchObject({ eventId: RULE, summary: `Kibana rule ${RULE}`, details: { tags: ['a', 'b'] } });
    expect(event!.eventTime).toBe('2026-11-24T17:30:00.000Z');
  });

  it('opens an incident per watch for a Watcher webhook, which its repeats join', () => {
    const [event] = eventsFrom(elastic, watcher);
    expect(event).toMatchObject({
      eventId: 'watch/checkout-error-logs',
      action: 'open',
      summary: '37 error logs from checkout in the last 5 minutes',
      urgency: 'high',
      eventTime: '2026-11-24T17:21:15.414Z',
      resource: 'checkout-error-logs',
      source: 'watcher',
      link: 'https://kibana.example.com/app/discover#/view/checkout-errors',
    });
    expect(eventsFrom(elastic, watcher)[0]!.eventId).toBe(event!.eventId);
  });

  it('keeps what the alert carries as data: a script link is no link', () => {
    const body = JSON.parse(thresholdMet);
    const [event] = eventsFrom(elastic, { ...body, rule: { ...body.rule, url: 'javascript:alert(1)' } });
    expect(event).not.toHaveProperty('link');
  });

  it('answers 400 naming the field for a body that is not the documented one', () => {
    expect(() => eventsFrom(elastic, { alert: { id: 'web-1' } })).toThrow(/\brule\b/);
    expect(() => eventsFrom(elastic, { rule: { id: '', name: 'x' } })).toThrow(/rule\.id/);
    expect(() => eventsFrom(elastic, { watch_id: '' })).toThrow(/watch_id/);
    expect(() => eventsFrom(elastic, '{{rule.id}}')).toThrow(/JSON/);
  });
});
