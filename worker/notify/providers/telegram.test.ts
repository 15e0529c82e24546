import { afterEach, describe, expect, it, vi } from 'vitest';
import { answering, json, pageMessage } from './fixtures';
import { telegramProvider } from './telegram';

const env = { TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_API_BASE_URL: 'https://telegram.fake' } as Env;
const message = pageMessage({ channel: 'telegram', address: '7001' });

afterEach(() => vi.restoreAllMocks());

describe('Telegram', () => {
  it('sends an HTML message, escaped, with inline buttons, and keeps the message id', async () => {
    const requests = answering(() => json({ ok: true, result: { message_id: 99 } }));
    expect(await telegramProvider(env)!.send(message)).toEqual({ status: 'sent', providerMessageId: '99' });
    expect(requests[0]!.url).toBe('https://telegram.fake/bot123:abc/sendMessage');
    const body = JSON.parse(requests[0]!.body);
    expect(body).toMatchObject({ chat_id: '7001', parse_mode: 'HTML' });
    expect(body.text).toContain('&lt;b&gt;db&lt;/b&gt; &amp; &quot;down&quot;');
    expect(body.reply_markup.inline_keyboard).toEqual([
      [
        { text: 'Acknowledge', callback_data: 'a:ref' },
        { text: 'Resolve', callback_data: 'r:ref' },
      ],
    ]);
  });

  it('edits the message in place once acknowledged, keeping only Resolve', async () => {
    const requests = answering(() => json({ ok: true, result: { message_id: 99 } }));
    const acked = pageMessage({ channel: 'telegram', address: '7001' });
    if (acked.subject.type === 'page') acked.subject.incident.status = 'acknowledged';
    expect(await telegramProvider(env)!.update!(acked, '99')).toEqual({ status: 'sent', providerMessageId: '99' });
    const body = JSON.parse(requests[0]!.body);
    expect(requests[0]!.url).toBe('https://telegram.fake/bot123:abc/editMessageText');
    expect(body.message_id).toBe(99);
    expect(body.reply_markup.inline_keyboard).toEqual([[{ text: 'Resolve', callback_data: 'r:ref' }]]);
  });

  it('fails for good when the bot was blocked, retries after retry_after on 429', async () => {
    answering(() => json({ ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' }, 403));
    expect(await telegramProvider(env)!.send(message)).toMatchObject({ status: 'failed', reason: /blocked/ });
    vi.restoreAllMocks();
    answering(() =>
      json({ ok: false, error_code: 429, description: 'Too Many Requests', parameters: { retry_after: 7 } }, 429),
    );
    expect(await telegramProvider(env)!.send(message)).toMatchObject({ status: 'retry', retryAfterSeconds: 7 });
  });
});
