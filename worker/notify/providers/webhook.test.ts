import { afterEach, describe, expect, it, vi } from 'vitest';
import { answering, json, pageMessage } from './fixtures';
import { discordProvider, teamsProvider } from './webhook';

afterEach(() => vi.restoreAllMocks());

describe('incoming webhooks', () => {
  it('post an Adaptive Card to Teams with the links to act', async () => {
    const requests = answering(() => new Response('1', { status: 200 }));
    const url = 'https://example.webhook.office.com/webhookb2/x';
    expect((await teamsProvider().send(pageMessage({ channel: 'teams', address: url }))).status).toBe('sent');
    const body = JSON.parse(requests[0]!.body);
    expect(requests[0]!.url).toBe(url);
    const card = body.attachments[0];
    expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.content.actions.map((a: { type: string; url: string }) => [a.type, a.url])).toEqual([
      ['Action.OpenUrl', 'https://tocsin.test/respond/ACK'],
      ['Action.OpenUrl', 'https://tocsin.test/respond/RES'],
      ['Action.OpenUrl', expect.stringContaining('/incidents/')],
    ]);
  });

  it('post to Discord with ?wait=true, markdown escaped and no mentions, keeping the message id', async () => {
    const requests = answering(() => json({ id: '1122' }));
    const url = 'https://discord.com/api/webhooks/1/abc';
    const discord = pageMessage({ channel: 'discord', address: url });
    if (discord.subject.type === 'page') discord.subject.incident.summary = '**@everyone** _down_';
    expect(await discordProvider().send(discord)).toEqual({ status: 'sent', providerMessageId: '1122' });
    expect(requests[0]!.url).toBe(`${url}?wait=true`);
    const body = JSON.parse(requests[0]!.body);
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.content).toContain('\\*\\*@everyone\\*\\* \\_down\\_');
    expect(body.content).toContain('[Acknowledge](https://tocsin.test/respond/ACK)');
  });

  it('fail for good on a 404 (the webhook was deleted)', async () => {
    answering(() => json({ message: 'Unknown Webhook', code: 10015 }, 404));
    const url = 'https://discord.com/api/webhooks/1/abc';
    expect((await discordProvider().send(pageMessage({ channel: 'discord', address: url }))).status).toBe('failed');
  });
});
