// A page's delivery record, step by step: claimed before its request, recorded after, so that it is
// sent once, retried when the provider says so, and never ends without a final status.
import { describe, expect, it } from 'vitest';
import type { PageJob } from '../notify/job';
import type { Incident } from './lifecycle';
import { CLAIM_MS, claim, givenUp, queued, reported, sent, type PageRecord } from './pages';

const t0 = new Date('2026-12-01T00:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const job: PageJob = {
  kind: 'page',
  id: 'page:i-1:0:0.0.0:kim:kim-sms',
  user: 'kim',
  contactMethod: { id: 'kim-sms', type: 'sms', address: '+821000000001' },
  attempt: 1,
  dueAt: t0.toISOString(),
  locale: 'ko',
  timeZone: 'Asia/Seoul',
  incidentId: 'i-1',
  incidentNumber: 42,
  summary: 'db down',
  urgency: 'high',
  service: 'Web',
  stopWhen: 'acknowledged',
};
const incident = (status: Incident['status']) => ({ number: 42, status }) as Incident;
const triggered = incident('triggered');

/** Claims the page and applies the provider's answer, as the consumer does. */
function sendOnce(record: PageRecord, answer: Parameters<typeof sent>[1], now = t0): PageRecord {
  const claimed = claim(record, triggered, now);
  expect(claimed.answer.answer).toBe('send');
  return sent(claimed.record!, answer, 'twilio', now).record ?? claimed.record!;
}

describe('a page on its way', () => {
  it('is claimed, then sent with the provider id, and a second claim sends nothing', () => {
    const record = sendOnce(queued(job, t0), { status: 'sent', providerMessageId: 'SM1' });
    expect(record).toMatchObject({ status: 'sent', provider: 'twilio', providerMessageId: 'SM1', attempts: 1 });
    expect(claim(record, triggered, at(1000)).answer).toEqual({ answer: 'done', reason: 'the page is sent' });
  });

  it('puts the notified entry on the timeline with its provider', () => {
    const claimed = claim(queued(job, t0), triggered, t0).record!;
    const step = sent(claimed, { status: 'sent', providerMessageId: 'SM1' }, 'twilio', t0);
    expect(step.timeline).toEqual([
      {
        type: 'notified',
        at: t0.toISOString(),
        actor: { type: 'system', id: null },
        details: {
          job: job.id,
          user: 'kim',
          contact_method: 'kim-sms',
          channel: 'sms',
          provider: 'twilio',
          attempts: 1,
        },
      },
    ]);
  });

  it('names the provider that took it when another one did (KakaoTalk falling back to SMS)', () => {
    const record = sendOnce(queued(job, t0), { status: 'sent', providerMessageId: 'SM1', via: 'twilio' });
    expect(record.provider).toBe('twilio');
  });

  it('waits while another send holds the claim, and sends again once the claim lapsed', () => {
    const claimed = claim(queued(job, t0), triggered, t0).record!;
    expect(claim(claimed, triggered, at(1000)).answer).toEqual({ answer: 'wait', seconds: 29 });
    const again = claim(claimed, triggered, at(CLAIM_MS));
    expect(again.answer).toEqual({ answer: 'send', attempt: 2 });
    expect(again.record).toMatchObject({ unknown: 1 });
  });

  it('is sent at most twice when sends end without an answer, then fails saying why', () => {
    const first = claim(queued(job, t0), triggered, t0).record!;
    const second = claim(first, triggered, at(CLAIM_MS)).record!;
    const third = claim(second, triggered, at(2 * CLAIM_MS));
    expect(third.answer).toMatchObject({ answer: 'done' });
    expect(third.record).toMatchObject({ status: 'failed', attempts: 2 });
    expect(third.timeline.map((t) => t.type)).toEqual(['page_failed']);
  });

  it('goes back to the queue with the reason when the provider says to retry', () => {
    const record = sendOnce(queued(job, t0), { status: 'retry', reason: '503 busy', retryAfterSeconds: 30 });
    expect(record).toMatchObject({ status: 'queued', error: '503 busy', attempts: 1, claimedAt: null });
    expect(claim(record, triggered, at(30_000)).answer).toEqual({ answer: 'send', attempt: 2 });
  });

  it('fails at once on a permanent failure, and is not sent again', () => {
    const record = sendOnce(queued(job, t0), { status: 'failed', reason: '21211 invalid To' });
    expect(record).toMatchObject({ status: 'failed', error: '21211 invalid To' });
    expect(claim(record, triggered, at(1000)).answer.answer).toBe('done');
  });

  it('is cancelled when its incident no longer asks for it', () => {
    const step = claim(queued(job, t0), incident('acknowledged'), t0);
    expect(step.record).toMatchObject({ status: 'cancelled', error: 'incident #42 is acknowledged' });
    expect(step.timeline.map((t) => t.type)).toEqual(['page_cancelled']);
  });

  it('fails with the last reason when the queue gives up on it, but a sent page stays sent', () => {
    const retried = sendOnce(queued(job, t0), { status: 'retry', reason: '503 busy' });
    expect(givenUp(retried, 'out of retries', t0).record).toMatchObject({
      status: 'failed',
      error: 'out of retries; last: 503 busy',
    });
    const delivered = sendOnce(queued(job, t0), { status: 'sent', providerMessageId: 'SM1' });
    expect(givenUp(delivered, 'out of retries', t0).record).toBeNull();
  });

  it('moves to delivered or failed by the delivery report, once', () => {
    const record = sendOnce(queued(job, t0), { status: 'sent', providerMessageId: 'SM1' });
    const delivered = reported(record, { status: 'delivered', reason: null, providerMessageId: 'SM1' }, at(5000));
    expect(delivered.record).toMatchObject({ status: 'delivered', deliveredAt: at(5000).toISOString() });
    expect(delivered.timeline.map((t) => t.type)).toEqual(['page_delivered']);
    expect(
      reported(delivered.record!, { status: 'failed', reason: 'x', providerMessageId: null }, t0).record,
    ).toBeNull();
    const undelivered = reported(
      record,
      { status: 'failed', reason: '30003 unreachable', providerMessageId: null },
      t0,
    );
    expect(undelivered.record).toMatchObject({ status: 'failed', error: '30003 unreachable' });
  });

  it('keeps the provider id when the delivery report overtakes the consumer’s own record', () => {
    const claimed = claim(queued(job, t0), triggered, t0).record!;
    const delivered = reported(claimed, { status: 'delivered', reason: null, providerMessageId: null }, t0).record!;
    const late = sent(delivered, { status: 'sent', providerMessageId: 'SM1' }, 'twilio', t0);
    expect(late.record).toMatchObject({ status: 'delivered', providerMessageId: 'SM1' });
    expect(late.timeline).toEqual([]);
  });

  it('counts every change in its revision, so that the copy in D1 only moves forward', () => {
    const record = sendOnce(queued(job, t0), { status: 'sent', providerMessageId: 'SM1' });
    expect(record.revision).toBe(3);
  });
});
