import { describe, expect, it } from 'vitest';
import alerting from '../fixtures/grafana-oncall/alerting.json?raw';
import ok from '../fixtures/grafana-oncall/ok.json?raw';
import { grafanaOncall } from './grafana-oncall';
import { eventsFrom } from './testing';

describe('the Grafana OnCall formatted webhook adapter', () => {
  it('opens an incident keyed by the alert_uid for an alerting alert', () => {
    const [event] = eventsFrom(grafanaOncall, alerting);
    expect(event).toMatchObject({
      eventId: '08d6891a-835c-e661-39fa-96b6a9e26552',
      action: 'open',
      summary: 'TestAlert: The whole system is down',
      urgency: 'high',
      eventTime: '2026-11-24T17:30:00.000Z',
      link: 'https://en.wikipedia.org/wiki/Downtime',
      details: {
        message: 'This alert was sent by user for the demonstration purposes\nSmth happened. Oh no!',
        image_url: 'https://upload.wikimedia.org/wikipedia/commons/e/ee/Grumpy_Cat_by_Gage_Skidmore.jpg',
      },
    });
  });

  it('resolves it when the state is ok, in any case, as OnCall does', () => {
    expect(eventsFrom(grafanaOncall, ok)[0]).toMatchObject({
      eventId: '08d6891a-835c-e661-39fa-96b6a9e26552',
      action: 'close',
    });
    const body = JSON.parse(alerting);
    expect(eventsFrom(grafanaOncall, { ...body, state: 'OK' })[0]!.action).toBe('close');
    // Anything but ok is alerting, no state at all included.
    expect(eventsFrom(grafanaOncall, { ...body, state: 'pending' })[0]!.action).toBe('open');
    expect(eventsFrom(grafanaOncall, { title: 'x' })[0]!.action).toBe('open');
  });

  it('keys an alert without a uid by its title, so that its resolve still finds it', () => {
    const [opened] = eventsFrom(grafanaOncall, { title: 'Backups failing', state: 'alerting' });
    const [closed] = eventsFrom(grafanaOncall, { title: 'Backups failing', state: 'ok' });
    const [other] = eventsFrom(grafanaOncall, { title: 'Disk full', state: 'alerting' });
    expect(closed!.eventId).toBe(opened!.eventId);
    expect(other!.eventId).not.toBe(opened!.eventId);
    expect(eventsFrom(grafanaOncall, { alert_uid: 42 })[0]).toMatchObject({ eventId: '42', summary: 'Alert' });
  });

  it('accepts an empty alert, as OnCall requires none of its fields', () => {
    const [event] = eventsFrom(grafanaOncall, {});
    expect(event).toMatchObject({ action: 'open', summary: 'Alert', eventId: 'Alert' });
  });

  it('answers 400 naming the field for a body that is no alert', () => {
    expect(() => eventsFrom(grafanaOncall, { title: { text: 'x' } })).toThrow(/title/);
    expect(() => eventsFrom(grafanaOncall, 'alert!')).toThrow(/JSON/);
  });
});
