import { describe, expect, it } from 'vitest';
import criticalOn from '../fixtures/whatap/critical-on.json?raw';
import warningOff from '../fixtures/whatap/warning-off.json?raw';
import warningOn from '../fixtures/whatap/warning-on.json?raw';
import { eventsFrom } from './testing';
import { whatap } from './whatap';

describe('the WhaTap adapter', () => {
  it('opens an incident for an event that is on, named by its rule and agent', () => {
    const [event] = eventsFrom(whatap, warningOn);
    expect(event).toMatchObject({
      action: 'open',
      summary: 'CPU 사용률 경고 on WAS-01',
      urgency: 'medium',
      eventTime: '2026-11-24T17:21:00.000Z',
      resource: 'WAS-01',
      metric: 'cpu',
      source: 'whatap',
      details: {
        pcode: '31337',
        projectName: 'shop-prod',
        metricValue: '97.3',
        metricThreshold: '90',
        message: 'CPU 사용률이 90%를 넘었습니다 (현재 97.3%)',
      },
    });
  });

  it('closes it when the same event is off again', () => {
    const [on] = eventsFrom(whatap, warningOn);
    const [off] = eventsFrom(whatap, warningOff);
    expect(off).toMatchObject({ action: 'close', eventTime: '2026-11-24T17:27:12.000Z' });
    expect(off!.eventId).toBe(on!.eventId);
    // A repeat of the notification joins the incident it opened.
    expect(eventsFrom(whatap, warningOn)[0]!.eventId).toBe(on!.eventId);
  });

  it('pages high for a critical event, reading codes and values written as text or as numbers', () => {
    const [event] = eventsFrom(whatap, criticalOn);
    expect(event).toMatchObject({
      action: 'open',
      summary: 'Heap memory critical on WAS-02',
      urgency: 'high',
      eventTime: '2026-11-24T17:21:00.000Z',
      details: { pcode: '31337', metricValue: 98 },
    });
    expect(event!.eventId).not.toBe(eventsFrom(whatap, warningOn)[0]!.eventId);
  });

  it('keys the same rule on two agents, or in two projects, apart', () => {
    const body = JSON.parse(warningOn);
    const ids = [body, { ...body, oid: 42, oname: 'WAS-03' }, { ...body, pcode: 7 }].map(
      (b) => eventsFrom(whatap, b)[0]!.eventId,
    );
    expect(new Set(ids).size).toBe(3);
  });

  it('maps the levels of the Korean console, and opens an event that has no status', () => {
    const levels = ['위험', '경고', '정보', 'Info', 'whatever'].map(
      (level) => eventsFrom(whatap, { title: 'Disk', level })[0]!,
    );
    expect(levels.map((e) => e.urgency)).toEqual(['high', 'medium', 'low', 'low', 'high']);
    expect(levels.every((e) => e.action === 'open')).toBe(true);
  });

  it('never names an event with an empty summary', () => {
    const [event] = eventsFrom(whatap, { pcode: 1, status: 'on' });
    expect(event!.summary).toBe('Alert');
    expect(event!.eventTime).toBe('2026-11-24T17:30:00.000Z');
  });

  it('answers 400 naming the field for a body that is no notification', () => {
    expect(() => eventsFrom(whatap, { title: ['a'] })).toThrow(/title/);
    expect(() => eventsFrom(whatap, [])).toThrow(/body/);
    expect(() => eventsFrom(whatap, '')).toThrow(/JSON/);
  });
});
