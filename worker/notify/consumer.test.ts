// The consumer between the queue and the providers, in the real runtime: a page is claimed from its
// incident, sent once, retried by the provider's word, and never ends silently.
import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { incidentObject } from '../incident/commands';
import { answering, json } from './providers/fixtures';
import { api, postEvent, refuseQueue } from '../test/helpers';
import { consumeNotifications, DEAD_LETTER_QUEUE, retryDelaySeconds } from './consumer';
import type { NotificationJob, PageJob } from './job';

const KEY = 'key-consumer-0123456789abcdef';
/** Twilio and Slack credentials pointing at fakes: this file's pages go out by SMS (or Slack). */
const withFakes = {
  ...env,
  SLACK_BOT_TOKEN: 'xoxb-1',
  SLACK_API_BASE_URL: 'https://slack.fake/api',
  TWILIO_ACCOUNT_SID: 'AC1',
  TWILIO_AUTH_TOKEN: 'test-twilio-token',
  TWILIO_FROM_NUMBER: '+15005550006',
  TWILIO_BASE_URL: 'https://twilio.fake',
} as Env;

beforeAll(async () => {
  const result = await api('PUT', '/config', {
    users: [{ id: 'ana', name: 'Ana', contact_methods: [{ id: 'ana-sms', type: 'sms', address: '+821000000007' }] }],
    services: [{ id: 'consumer', name: 'Consumer', routing: { user: 'ana' } }],
    integrations: [{ id: 'consumer-std', name: 'Std', type: 'standard', service: 'consumer', key: KEY }],
  });
  expect(result.status, JSON.stringify(result.body)).toBe(200);
});

let refused: ReturnType<typeof refuseQueue>;
afterEach(() => {
  refused?.restore();
  vi.restoreAllMocks();
});

let run = 0;
/** A new incident whose page the queue refused, so that only this test's consumer calls deliver it. */
async function pagedIncident(): Promise<{ id: string; job: PageJob }> {
  refused = refuseQueue();
  const { body } = await postEvent(KEY, { summary: 'db down', event_id: `consumer-${++run}` });
  const id = body.incident_id as string;
  const detail = (await incidentObject(env.INCIDENTS, id)!.detail(id)) as unknown as { pages: { job: PageJob }[] };
  return { id, job: detail.pages[0]!.job };
}

async function consume(job: NotificationJob, queue = 'tocsin-notifications', attempts = 1) {
  const batch = createMessageBatch(queue, [{ id: `m-${attempts}`, timestamp: new Date(), attempts, body: job }]);
  const retry = vi.spyOn(batch.messages[0]!, 'retry');
  const ctx = createExecutionContext();
  await consumeNotifications(batch, withFakes);
  await waitOnExecutionContext(ctx);
  return { ...(await getQueueResult(batch, ctx)), retriedWith: retry.mock.calls.map(([options]) => options) };
}

const log = async (id: string) => (await api('GET', `/incidents/${id}/notifications`)).body.notifications[0];

describe('the notification consumer', () => {
  it('sends a page once: a redelivered message whose provider took it sends nothing', async () => {
    const { id, job } = await pagedIncident();
    const requests = answering(() => json({ sid: 'SM1' }, 201));
    expect((await consume(job)).explicitAcks).toEqual(['m-1']);
    expect((await consume(job, undefined, 2)).explicitAcks).toEqual(['m-2']);
    expect(requests).toHaveLength(1);
    expect(await log(id)).toMatchObject({
      status: 'sent',
      provider: 'twilio',
      provider_message_id: 'SM1',
      attempts: 1,
      error: null,
      sent_at: expect.any(String),
    });
  });

  it('retries a provider’s 503 with backoff, then fails from the dead-letter queue with the last reason', async () => {
    const { id, job } = await pagedIncident();
    answering(() => new Response('busy', { status: 503, headers: { 'retry-after': '20' } }));
    const result = await consume(job);
    // The longer of the backoff (2 s) and the provider's Retry-After.
    expect(result.retriedWith).toEqual([{ delaySeconds: 20 }]);
    expect(await log(id)).toMatchObject({ status: 'queued', attempts: 1, error: '503 busy' });
    expect((await consume(job, DEAD_LETTER_QUEUE)).explicitAcks).toEqual(['m-1']);
    expect(await log(id)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/ran out of retries; last: 503 busy/),
    });
    const timeline = (await api('GET', `/incidents/${id}`)).body.timeline.map((t: { type: string }) => t.type);
    expect(timeline).toContain('page_failed');
  });

  it('stops at once on a permanent failure', async () => {
    const { id, job } = await pagedIncident();
    const requests = answering(() => json({ code: 21211, message: 'invalid To' }, 400));
    expect((await consume(job)).explicitAcks).toEqual(['m-1']);
    await consume(job, undefined, 2);
    expect(requests).toHaveLength(1);
    expect(await log(id)).toMatchObject({ status: 'failed', error: 'Twilio error 21211: invalid To' });
  });

  it('drops a page of an acknowledged incident at send time, recorded as cancelled', async () => {
    const { id, job } = await pagedIncident();
    await api('POST', `/incidents/${id}/acknowledge`);
    const requests = answering(() => json({ sid: 'SM1' }, 201));
    expect((await consume(job)).explicitAcks).toEqual(['m-1']);
    expect(requests).toHaveLength(0);
    expect(await log(id)).toMatchObject({ status: 'cancelled', error: expect.stringMatching(/acknowledged/) });
  });

  it('rewrites a sent Slack message in place to show its incident’s new status', async () => {
    const { job } = await pagedIncident();
    const requests = answering(() => json({ ok: true, channel: 'D1', ts: '1.1' }));
    const update = {
      ...job,
      kind: 'update' as const,
      contactMethod: { id: 'ana-slack', type: 'slack' as const, address: 'UANA0001' },
      status: 'acknowledged' as const,
      providerMessageId: 'D1/1.1',
    };
    expect((await consume(update)).explicitAcks).toEqual(['m-1']);
    expect(requests.map((r) => r.url)).toEqual(['https://slack.fake/api/chat.update']);
    const body = JSON.parse(requests[0]!.body);
    expect([body.channel, body.ts]).toEqual(['D1', '1.1']);
    expect(body.blocks.at(-1).elements.map((b: { action_id: string }) => b.action_id)).toEqual(['resolve', 'view']);
  });

  it('queues the rewrite of a sent Slack message when its incident is acknowledged', async () => {
    const { id, job } = await pagedIncident();
    const slackJob = {
      ...job,
      id: `${job.id}:slack`,
      contactMethod: { id: 'ana-slack', type: 'slack' as const, address: 'UANA0001' },
    };
    answering(() => json({ ok: true, channel: 'D9', ts: '9.9' }));
    await consume(slackJob);
    await api('POST', `/incidents/${id}/acknowledge`);
    await vi.waitFor(() => {
      const bodies = refused.batches.mock.calls.flatMap(([messages]) =>
        (messages as { body: { kind: string } }[]).map((m) => m.body),
      );
      expect(bodies).toContainEqual(
        expect.objectContaining({ kind: 'update', status: 'acknowledged', providerMessageId: 'D9/9.9' }),
      );
    });
  });

  it('backs off 2, 4, 8… seconds, at most five minutes, over more than six hours of the 100 retries allowed', () => {
    expect([1, 2, 3, 20].map(retryDelaySeconds)).toEqual([2, 4, 8, 300]);
    const total = Array.from({ length: 100 }, (_, i) => retryDelaySeconds(i + 1)).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(6 * 3600);
  });
});
