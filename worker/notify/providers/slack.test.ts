import { afterEach, describe, expect, it, vi } from 'vitest';
import { answering, json, pageMessage } from './fixtures';
import { slackProvider } from './slack';

const env = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_API_BASE_URL: 'https://slack.fake/api' } as Env;
const message = pageMessage({ channel: 'slack', address: 'UKIM0001' });

afterEach(() => vi.restoreAllMocks());

describe('Slack', () => {
  it('posts a direct message with escaped text and Acknowledge / Resolve buttons, and keeps channel/ts', async () => {
    const requests = answering(() => json({ ok: true, channel: 'D024BE91L', ts: '1503435956.000247' }));
    expect(await slackProvider(env)!.send(message)).toEqual({
      status: 'sent',
      providerMessageId: 'D024BE91L/1503435956.000247',
    });
    const [sent] = requests;
    expect(sent).toMatchObject({
      method: 'POST',
      url: 'https://slack.fake/api/chat.postMessage',
      headers: { authorization: 'Bearer xoxb-1', 'content-type': 'application/json; charset=utf-8' },
    });
    const body = JSON.parse(sent!.body);
    expect(body.channel).toBe('UKIM0001');
    expect(body.text).toBe('[Tocsin] #42 &lt;b&gt;db&lt;/b&gt; &amp; "down" &lt;!channel&gt; (Web)');
    const buttons = body.blocks.at(-1).elements;
    expect(buttons.map((b: { action_id: string; value?: string }) => [b.action_id, b.value])).toEqual([
      ['acknowledge', 'a:ref'],
      ['resolve', 'r:ref'],
      ['view', undefined],
    ]);
  });

  it('rewrites the message in place, without buttons once resolved', async () => {
    const requests = answering(() => json({ ok: true, channel: 'D024BE91L', ts: '1.2' }));
    const resolved = pageMessage({ channel: 'slack', address: 'UKIM0001' });
    if (resolved.subject.type === 'page') resolved.subject.incident.status = 'resolved';
    await slackProvider(env)!.update!(resolved, 'D024BE91L/1.2');
    const body = JSON.parse(requests[0]!.body);
    expect(requests[0]!.url).toBe('https://slack.fake/api/chat.update');
    expect([body.channel, body.ts]).toEqual(['D024BE91L', '1.2']);
    expect(body.blocks.at(-1).elements.map((b: { action_id: string }) => b.action_id)).toEqual(['view']);
  });

  it('fails for good on channel_not_found, retries on ratelimited and on HTTP 429 with Retry-After', async () => {
    answering(() => json({ ok: false, error: 'channel_not_found' }));
    expect(await slackProvider(env)!.send(message)).toEqual({ status: 'failed', reason: 'slack: channel_not_found' });
    vi.restoreAllMocks();
    answering(() => json({ ok: false, error: 'ratelimited' }));
    expect((await slackProvider(env)!.send(message)).status).toBe('retry');
    vi.restoreAllMocks();
    answering(() => new Response('', { status: 429, headers: { 'retry-after': '12' } }));
    expect(await slackProvider(env)!.send(message)).toMatchObject({ status: 'retry', retryAfterSeconds: 12 });
  });

  it('is not there without a bot token', () => {
    expect(slackProvider({} as Env)).toBeNull();
  });
});
