import { describe, expect, it } from 'vitest';
import type { HttpError } from '../../http';
import batch from '../fixtures/generic-webhook/batch.json?raw';
import firing from '../fixtures/generic-webhook/firing.json?raw';
import plain from '../fixtures/generic-webhook/plain.json?raw';
import resolved from '../fixtures/generic-webhook/resolved.json?raw';
import { genericMappingSchema, genericWebhook, parsePath } from './generic-webhook';
import { eventsFrom, eventsWith } from './testing';

const fieldsOfError = (act: () => unknown) => {
  try {
    act();
  } catch (error) {
    return (error as HttpError).fields;
  }
};

/** The mapping of the configuration document's example. */
const mapping = {
  summary: '$.title',
  event_id: '$.check.id',
  status: { path: '$.state', map: { firing: 'open', ok: 'close' } },
  urgency: { path: '$.severity', map: { critical: 'high', warning: 'medium' }, default: 'low' },
  resource: '$.check.host',
  link: "$['url']",
  event_time: '$.fired_at',
  details: '$.labels',
};

describe('the generic webhook adapter', () => {
  it('reads each field of the event where the mapping points', () => {
    const [event] = eventsWith(genericWebhook, { mapping }, firing);
    expect(event).toEqual({
      eventId: 'queue-depth/orders',
      action: 'open',
      summary: 'Queue depth above 10k on orders',
      urgency: 'high',
      eventTime: '2026-11-24T17:21:00.000Z',
      payload: JSON.parse(firing),
      resource: 'mq-2.internal',
      link: 'https://monitor.example.com/checks/queue-depth',
      details: { team: 'fulfilment', queue: 'orders' },
    });
  });

  it('closes the incident when the mapped status says so, found by the mapped event id', () => {
    const [event] = eventsWith(genericWebhook, { mapping }, resolved);
    expect(event).toMatchObject({ eventId: 'queue-depth/orders', action: 'close' });
  });

  it('maps words in any case, falls back on the default, and knows the usual words without a table', () => {
    const body = JSON.parse(firing);
    const urgencyOf = (severity: unknown) => eventsWith(genericWebhook, { mapping }, { ...body, severity })[0]!.urgency;
    expect(['CRITICAL', 'Warning', 'bogus', 'constructor', 'lowest', undefined].map(urgencyOf)).toEqual([
      'high',
      'medium',
      'low',
      'low',
      'lowest',
      'low',
    ]);
    const bare = { summary: '$.title', status: '$.state' };
    const actionOf = (state: unknown) => eventsWith(genericWebhook, { mapping: bare }, { ...body, state })[0]!.action;
    expect(['resolved', 'ACKNOWLEDGED', 'alerting', 'something', 42].map(actionOf)).toEqual([
      'close',
      'ack',
      'open',
      'open',
      'open',
    ]);
    expect(eventsWith(genericWebhook, { mapping: bare }, body)[0]!.urgency).toBe('none');
  });

  it('makes one event per element of the array the summary goes through, reading the other paths in it', () => {
    const perJob = {
      summary: '$.alerts[*].name',
      event_id: '$.alerts[*].job.id',
      status: { path: '$.alerts[*].status', map: { failed: 'open', succeeded: 'close' } },
      urgency: '$.alerts[*].priority',
      resource: '$.alerts[*].job.host',
      source: '$.source',
      event_time: '$.sent_at',
    };
    const events = eventsWith(genericWebhook, { mapping: perJob }, batch);
    expect(events.map((e) => [e.eventId, e.action, e.summary, e.urgency, e.resource, e.source])).toEqual([
      ['17', 'open', 'nightly-backup missed its run', 'high', 'db-1', 'cron-watch'],
      ['23', 'close', 'invoice-export finished again', 'low', 'batch-3', 'cron-watch'],
    ]);
    expect(events[0]).toMatchObject({
      eventTime: '2026-11-24T17:21:00.000Z',
      payload: { name: 'nightly-backup missed its run', job: { id: 17, host: 'db-1' } },
    });
  });

  it('reads common field names when the integration has no mapping', () => {
    const [event] = eventsFrom(genericWebhook, plain);
    expect(event).toMatchObject({
      // The tool's `id` names its delivery; alert_id names the alert.
      eventId: 'disk-full-db-1',
      action: 'open',
      summary: 'Disk 95% full on db-1',
      urgency: 'medium',
    });
    expect(eventsFrom(genericWebhook, { title: 'Backup failed', state: 'ok', priority: 'P1' })[0]).toMatchObject({
      eventId: 'Backup failed',
      action: 'close',
      urgency: 'highest',
    });
  });

  it('keys an alert without an event id by its summary: stable across repeats, distinct between alerts', () => {
    const key = (title: string) =>
      eventsWith(genericWebhook, { mapping: { summary: '$.title' } }, { title })[0]!.eventId;
    expect(key('Disk full on db-1')).toBe(key('Disk full on db-1'));
    expect(key('Disk full on db-1')).not.toBe(key('Disk full on db-2'));
    expect(key('x'.repeat(400))).toMatch(/^k-[0-9a-f]{16}$/);
  });

  it('keeps what the body says as data: no path reaches past its own fields, and no summary is empty', () => {
    const probe = {
      summary: '$.constructor',
      event_id: '$.list.length',
      details: "$['__proto__']",
    };
    const [event] = eventsWith(genericWebhook, { mapping: probe }, { list: [1, 2] });
    expect(event).toMatchObject({ summary: 'Alert', eventId: 'Alert' });
    expect(event).not.toHaveProperty('details');
    const [quoted] = eventsWith(
      genericWebhook,
      { mapping: { summary: "$['a.b']['c d'][1]" } },
      { 'a.b': { 'c d': ['x', 'y'] } },
    );
    expect(quoted!.summary).toBe('y');
  });

  it('reads only the safe subset of JSONPath', () => {
    for (const path of ['$', '$.a', "$['a b']", '$["a"]', '$.a[0]', '$.a[*].b', '$[*]'])
      expect(parsePath(path)).not.toBeNull();
    for (const path of [
      'a',
      '$.',
      '$..a',
      '$.*',
      '$.a[-1]',
      '$.a[?(@.x)]',
      "$['a",
      '$.a[1:2]',
      `$${'.a'.repeat(40)}`,
    ]) {
      expect(parsePath(path)).toBeNull();
    }
  });

  it('checks the mapping, naming the field of the configuration that is wrong', () => {
    expect(genericMappingSchema.safeParse(mapping).success).toBe(true);
    const wrong = (m: unknown) => () => eventsWith(genericWebhook, { mapping: m }, firing);
    expect(wrong({ event_id: '$.id' })).toThrow(/mapping\.summary/);
    expect(wrong({ summary: 'title' })).toThrow(/mapping\.summary/);
    // A field given as a path or as {path, map, default} is named as a whole.
    expect(wrong({ summary: '$.title', status: { path: '$.state', map: { firing: 'burning' } } })).toThrow(
      /mapping\.status/,
    );
    expect(wrong({ summary: '$.title', urgency: { path: '$.severity', default: 'loud' } })).toThrow(/mapping\.urgency/);
    expect(wrong({ summary: '$.a[*].b[*].c' })).toThrow(/mapping\.summary/);
    expect(wrong({ summary: '$.title', sumary: '$.x' })).toThrow(/mapping/);
  });

  it('answers 400 naming the field for a body without the array the summary goes through', () => {
    const perAlert = { mapping: { summary: '$.alerts[*].name' } };
    expect(() => eventsWith(genericWebhook, perAlert, { alerts: 'none' })).toThrow(/alerts/);
    expect(
      fieldsOfError(() => eventsWith(genericWebhook, perAlert, { alerts: Array(1001).fill({ name: 'x' }) })),
    ).toEqual([{ field: 'alerts', message: 'more than 1000 alerts' }]);
    expect(eventsWith(genericWebhook, perAlert, { alerts: [] })).toEqual([]);
    expect(() => eventsFrom(genericWebhook, 'title=x')).toThrow(/JSON/);
  });
});
