import { describe, expect, it } from 'vitest';
import closed from '../fixtures/gcp-monitoring/closed.json?raw';
import open from '../fixtures/gcp-monitoring/open.json?raw';
import testConnection from '../fixtures/gcp-monitoring/test.json?raw';
import { ARRIVAL, eventsFrom } from './testing';
import { gcpMonitoring } from './gcp-monitoring';

describe('the Google Cloud Monitoring adapter', () => {
  it('opens an incident, keyed by its incident id, with its summary, resource and policy labels', () => {
    const [event] = eventsFrom(gcpMonitoring, open);
    expect(event).toMatchObject({
      eventId: '0.nq2h7kb1x9re',
      action: 'open',
      summary:
        'CPU utilization for shop-prod-4821 checkout-7f9c with metric labels {instance_name=checkout-7f9c} is above the threshold of 0.800 with a value of 0.934.',
      urgency: 'highest',
      eventTime: '2026-11-24T17:19:30.000Z',
      resource: 'checkout-7f9c',
      metric: 'compute.googleapis.com/instance/cpu/utilization',
      eventType: 'gce_instance',
      source: 'gcp-monitoring',
      link: 'https://console.cloud.google.com/monitoring/alerting/alerts/0.nq2h7kb1x9re?project=shop-prod-4821',
      details: {
        policy_user_labels: { team: 'checkout' },
        metadata: { user_labels: { env: 'prod' } },
        resource: { labels: { zone: 'europe-west1-b' } },
        observed_value: '0.934',
        threshold_value: '0.8',
        scoping_project_id: 'shop-prod-4821',
      },
    });
    expect(event!.payload).toMatchObject({
      version: '1.2',
      incident: { condition: { displayName: expect.any(String) } },
    });
  });

  it('closes the same incident when Google reports it closed, at the time it ended', () => {
    const [event] = eventsFrom(gcpMonitoring, closed);
    expect(event).toMatchObject({ eventId: '0.nq2h7kb1x9re', action: 'close', eventTime: '2026-11-24T17:26:30.000Z' });
  });

  it('reads the test notification of a webhook channel, whose times are zero', () => {
    const [event] = eventsFrom(gcpMonitoring, testConnection);
    expect(event).toMatchObject({
      eventId: '12345',
      action: 'open',
      summary: 'Test Incident',
      urgency: 'high',
      eventTime: ARRIVAL.toISOString(),
      resource: 'Example Resource',
    });
  });

  it('acknowledges an incident acknowledged in the console, at arrival', () => {
    const body = JSON.parse(open);
    body.incident.state = 'acknowledged';
    expect(eventsFrom(gcpMonitoring, body)[0]).toMatchObject({ action: 'ack', eventTime: ARRIVAL.toISOString() });
  });

  it('maps the policy severity to urgency, and names the policy and condition when there is no summary', () => {
    const body = JSON.parse(open);
    const urgencies = ['Critical', 'Error', 'Warning', 'No severity'].map((severity) => {
      body.incident.severity = severity;
      return eventsFrom(gcpMonitoring, body)[0]!.urgency;
    });
    expect(urgencies).toEqual(['highest', 'high', 'medium', 'high']);
    delete body.incident.summary;
    expect(eventsFrom(gcpMonitoring, body)[0]!.summary).toBe('Checkout VM CPU: VM Instance - CPU utilization');
  });

  it('answers 400 naming the field for a body that is not an incident notification', () => {
    const body = JSON.parse(open);
    body.incident.state = 'burning';
    expect(() => eventsFrom(gcpMonitoring, body)).toThrow(/incident\.state/);
    expect(() => eventsFrom(gcpMonitoring, { version: '1.2' })).toThrow(/incident/);
    expect(() => eventsFrom(gcpMonitoring, { incident: { state: 'open' } })).toThrow(/incident\.incident_id/);
    expect(() => eventsFrom(gcpMonitoring, '{')).toThrow(/JSON/);
  });
});
