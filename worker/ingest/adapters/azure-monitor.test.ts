import { describe, expect, it } from 'vitest';
import logFired from '../fixtures/azure-monitor/log-fired.json?raw';
import metricFired from '../fixtures/azure-monitor/metric-fired.json?raw';
import metricResolved from '../fixtures/azure-monitor/metric-resolved.json?raw';
import { azureMonitor } from './azure-monitor';
import { eventsFrom } from './testing';

const alertId =
  '/subscriptions/7f6c3a21-0b8e-4f5d-9c2a-1e4b5d6f7a80/providers/Microsoft.AlertsManagement/alerts/9b1de5a2-4c7f-4e0b-8a63-2f5c1d7e9a04';

describe('the Azure Monitor adapter', () => {
  it('opens a fired metric alert, keyed by its alert id, on the resource it names', () => {
    const [event] = eventsFrom(azureMonitor, metricFired);
    expect(event).toMatchObject({
      eventId: alertId,
      action: 'open',
      summary: 'High CPU on web VMs on web-vm-01',
      urgency: 'high',
      eventTime: '2026-11-24T17:18:42.618Z',
      resource: 'web-vm-01',
      metric: 'Percentage CPU',
      eventType: 'Metric',
      source: 'azure-monitor',
      // A metric alert carries no link of its own: the affected resource in the portal.
      link: 'https://portal.azure.com/#@/resource/subscriptions/7f6c3a21-0b8e-4f5d-9c2a-1e4b5d6f7a80/resourcegroups/prod-web-rg/providers/microsoft.compute/virtualmachines/web-vm-01',
      details: {
        essentials: { monitoringService: 'Platform', severity: 'Sev1' },
        customProperties: { team: 'web' },
      },
    });
    expect(event!.payload).toMatchObject({ schemaId: 'azureMonitorCommonAlertSchema' });
  });

  it('closes the same alert instance when Azure reports it resolved, at the time it resolved', () => {
    const [event] = eventsFrom(azureMonitor, metricResolved);
    expect(event).toMatchObject({ eventId: alertId, action: 'close', eventTime: '2026-11-24T17:27:03.104Z' });
  });

  it('reads a log search alert: the computer it found, and its search results as the link', () => {
    const [event] = eventsFrom(azureMonitor, logFired);
    expect(event).toMatchObject({
      action: 'open',
      summary: 'VM heartbeat missing on db-vm-02',
      urgency: 'medium',
      resource: 'db-vm-02',
      eventType: 'Log',
      link: expect.stringMatching(/^https:\/\/portal\.azure\.com#@.*\/LogsBlade\//),
    });
    expect(event!.metric).toBeUndefined();
    expect(event!.details).not.toHaveProperty('customProperties');
    expect(event!.eventId).not.toBe(alertId);
  });

  it('maps Sev0 to Sev4 to urgency, highest to lowest', () => {
    const body = JSON.parse(metricFired);
    const urgencies = ['Sev0', 'Sev1', 'Sev2', 'Sev3', 'Sev4'].map((severity) => {
      body.data.essentials.severity = severity;
      return eventsFrom(azureMonitor, body)[0]!.urgency;
    });
    expect(urgencies).toEqual(['highest', 'high', 'medium', 'low', 'lowest']);
  });

  it('falls back to the description, then to the alert id, for an alert without a rule name', () => {
    const body = JSON.parse(metricFired);
    delete body.data.essentials.alertRule;
    expect(eventsFrom(azureMonitor, body)[0]!.summary).toBe('Average CPU above 85% for 5 minutes');
    body.data.essentials.description = '';
    expect(eventsFrom(azureMonitor, body)[0]!.summary).toBe(alertId);
  });

  it('answers 400 for an action group without the common alert schema, and for a bad condition', () => {
    const legacy = { schemaId: 'AzureMonitorMetricAlert', data: { status: 'Activated', context: { name: 'cpu' } } };
    expect(() => eventsFrom(azureMonitor, legacy)).toThrow(/schemaId/);
    const body = JSON.parse(metricFired);
    body.data.essentials.monitorCondition = 'Burning';
    expect(() => eventsFrom(azureMonitor, body)).toThrow(/data\.essentials\.monitorCondition/);
    expect(() => eventsFrom(azureMonitor, '')).toThrow(/JSON/);
  });
});
