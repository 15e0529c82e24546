import { describe, expect, it } from 'vitest';
import acknowledged from '../fixtures/newrelic/acknowledged.json?raw';
import activated from '../fixtures/newrelic/activated.json?raw';
import closed from '../fixtures/newrelic/closed.json?raw';
import legacyClosed from '../fixtures/newrelic/legacy-closed.json?raw';
import legacyOpen from '../fixtures/newrelic/legacy-open.json?raw';
import { newrelic } from './newrelic';
import { eventsFrom } from './testing';

const issueId = 'b2f6a7c4-3d1e-4f89-a05c-7e9d2c1b4a63';

describe('the New Relic adapter', () => {
  it("opens an activated issue from a workflow's default payload, keyed by the issue id", () => {
    const [event] = eventsFrom(newrelic, activated);
    expect(event).toMatchObject({
      eventId: issueId,
      action: 'open',
      summary: "Memory Used % > 90 for at least 5 minutes on 'checkout-web-1'",
      urgency: 'highest',
      eventTime: '2026-11-24T17:19:48.211Z',
      resource: 'checkout-web-1',
      metric: 'Memory Used %',
      source: 'newrelic',
      link: `https://radar-api.service.newrelic.com/accounts/3141592/issues/${issueId}`,
      details: {
        alertPolicyNames: ['Checkout hosts'],
        impactedEntities: ['checkout-web-1'],
        totalIncidents: 1,
        workflowName: 'Checkout to Tocsin',
      },
    });
  });

  it('acknowledges and then closes the same issue, each at the time New Relic updated it', () => {
    expect(eventsFrom(newrelic, acknowledged)[0]).toMatchObject({
      eventId: issueId,
      action: 'ack',
      eventTime: '2026-11-24T17:23:02.930Z',
    });
    expect(eventsFrom(newrelic, closed)[0]).toMatchObject({
      eventId: issueId,
      action: 'close',
      eventTime: '2026-11-24T17:28:15.004Z',
    });
  });

  it('reads a template that names the issue issueId, its entities in entitiesData, and a created issue', () => {
    const body = { issueId: 'e1d2', state: 'CREATED', priority: 'LOW', entitiesData: { names: ['db-1'] } };
    expect(eventsFrom(newrelic, body)[0]).toMatchObject({
      eventId: 'e1d2',
      action: 'open',
      urgency: 'low',
      resource: 'db-1',
      summary: 'Alert',
    });
  });

  it('maps the issue priority to urgency', () => {
    const body = JSON.parse(activated);
    const urgencies = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'].map((priority) => {
      body.priority = priority;
      return eventsFrom(newrelic, body)[0]!.urgency;
    });
    expect(urgencies).toEqual(['highest', 'high', 'medium', 'low', 'high']);
  });

  it('opens and closes a legacy alert channel incident, keyed by its incident id', () => {
    const [opened] = eventsFrom(newrelic, legacyOpen);
    expect(opened).toMatchObject({
      eventId: '298174655',
      action: 'open',
      summary: 'Error percentage > 5.0% for at least 5 minutes on checkout-api',
      urgency: 'highest',
      eventTime: '2026-11-24T17:17:30.000Z',
      resource: 'checkout-api',
      metric: 'Error percentage',
      link: 'https://alerts.newrelic.com/accounts/3141592/incidents/298174655',
      details: { policy_name: 'Checkout APM', runbook_url: 'https://runbooks.example.com/checkout-errors' },
    });
    expect(eventsFrom(newrelic, legacyClosed)[0]).toMatchObject({
      eventId: '298174655',
      action: 'close',
      eventTime: '2026-11-24T17:26:30.000Z',
    });
    const body = JSON.parse(legacyOpen);
    body.current_state = 'acknowledged';
    body.severity = 'WARNING';
    expect(eventsFrom(newrelic, body)[0]).toMatchObject({ action: 'ack', urgency: 'medium' });
  });

  it('answers 400 naming the field for a notification without an issue or a known state', () => {
    const body = JSON.parse(activated);
    body.state = 'SNOOZED';
    expect(() => eventsFrom(newrelic, body)).toThrow(/state/);
    delete body.id;
    body.state = 'CLOSED';
    expect(() => eventsFrom(newrelic, body)).toThrow(/\bid\b/);
    expect(() => eventsFrom(newrelic, { incident_id: 7, current_state: 'burning' })).toThrow(/current_state/);
    expect(() => eventsFrom(newrelic, 'null')).toThrow(/body/);
  });
});
