import { describe, expect, it } from 'vitest';
import testRun from '../fixtures/dynatrace/default-payload-test.json?raw';
import open from '../fixtures/dynatrace/open.json?raw';
import resolved from '../fixtures/dynatrace/resolved.json?raw';
import { dynatrace } from './dynatrace';
import { eventsFrom } from './testing';

const PID = '-3071938402834245541_1795540875000V2';
const openBody = JSON.parse(open);

describe('the Dynatrace adapter', () => {
  it('opens an incident for an OPEN problem, keyed by its PID, named after what it impacts', () => {
    const [event, ...rest] = eventsFrom(dynatrace, open);
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      eventId: PID,
      action: 'open',
      summary: 'Failure rate increase on CheckoutService, web-1.prod.internal',
      urgency: 'high',
      eventTime: '2026-11-24T17:21:15.000Z',
      resource: 'CheckoutService, web-1.prod.internal',
      eventType: 'ERROR',
      source: 'dynatrace',
      link: `https://abc12345.live.dynatrace.com/#problems/problemdetails;pid=${PID}`,
      details: {
        problem: 'P-24113142',
        impact: 'SERVICE',
        severity: 'ERROR',
        tags: ['env:production', 'team:payments', 'checkout'],
        entities: ['CheckoutService', 'web-1.prod.internal'],
      },
    });
    expect(event!.payload).toEqual(openBody);
  });

  it('closes the problem when Dynatrace notifies it RESOLVED, at its end time', () => {
    expect(eventsFrom(dynatrace, resolved).map((e) => [e.eventId, e.action, e.eventTime])).toEqual([
      [PID, 'close', '2026-11-24T17:28:02.000Z'],
    ]);
  });

  it('joins a repeated notification to the same key, keeps other problems apart, closes a merged one', () => {
    expect(eventsFrom(dynatrace, open)[0]!.eventId).toBe(eventsFrom(dynatrace, open)[0]!.eventId);
    expect(eventsFrom(dynatrace, { ...openBody, PID: '812_V2' })[0]!.eventId).toBe('812_V2');
    expect(eventsFrom(dynatrace, { ...openBody, State: 'merged' })[0]!.action).toBe('close');
  });

  it('reads the default payload as Dynatrace sends it, with "Problem URL" and no ProblemSeverity', () => {
    const [event] = eventsFrom(dynatrace, testRun);
    expect(event).toMatchObject({
      eventId: '99999',
      action: 'open',
      summary: 'Dynatrace problem notification test run on MyHost1, MyService1',
      urgency: 'high',
      link: 'https://example.com',
      details: { problem: '999', impact: 'INFRASTRUCTURE', tags: ['testtag1', 'testtag2'] },
    });
    // Without a start time the problem is as old as its notification.
    expect(event!.eventTime).toBe('2026-11-24T17:30:00.000Z');
  });

  it('maps problem severities to urgency, from the problem details when the payload has none', () => {
    const urgency = (severity: string) => eventsFrom(dynatrace, { ...openBody, ProblemSeverity: severity })[0]!.urgency;
    expect(
      ['AVAILABILITY', 'ERROR', 'PERFORMANCE', 'RESOURCE_CONTENTION', 'CUSTOM_ALERT', 'MONITORING_UNAVAILABLE'].map(
        urgency,
      ),
    ).toEqual(['highest', 'high', 'medium', 'medium', 'high', 'low']);
    const { ProblemSeverity: _, ...unrated } = openBody;
    const details = { ...openBody.ProblemDetailsJSON, severityLevel: 'PERFORMANCE' };
    expect(eventsFrom(dynatrace, { ...unrated, ProblemDetailsJSON: details })[0]!.urgency).toBe('medium');
    expect(urgency('SOMETHING_NEW')).toBe('high');
    expect(urgency('constructor')).toBe('high');
  });

  it('takes a placeholder left in place for no value, and falls back to the problem details', () => {
    const [event] = eventsFrom(dynatrace, {
      PID: '{PID}',
      ProblemTitle: '{ProblemTitle}',
      State: 'OPEN',
      Tags: '{Tags}',
      ProblemDetailsJSON: { problemId: '4711_V2', displayId: 'P-4711', title: 'CPU saturation', startTime: -1 },
    });
    expect(event).toMatchObject({
      eventId: '4711_V2',
      summary: 'CPU saturation',
      details: { problem: 'P-4711', tags: [] },
    });
  });

  it('keeps what the problem carries as data: a script link is no link', () => {
    const [event] = eventsFrom(dynatrace, { ...openBody, ProblemURL: 'javascript:alert(1)' });
    expect(event).not.toHaveProperty('link');
  });

  it('answers 400 naming the field for a notification without its problem or with an unknown state', () => {
    expect(() => eventsFrom(dynatrace, { ProblemTitle: 'x', State: 'OPEN' })).toThrow(/\bPID\b/);
    expect(() => eventsFrom(dynatrace, { ...openBody, State: 'BURNING' })).toThrow(/\bState\b/);
    expect(() => eventsFrom(dynatrace, '{ProblemTitle}')).toThrow(/JSON/);
  });
});
