import { afterEach, describe, expect, it, vi } from 'vitest';
import { answering, json, pageMessage } from './fixtures';
import { logProvider } from './log';

afterEach(() => vi.restoreAllMocks());

describe('the log provider', () => {
  it('writes one line naming the channel, the address and the text, and counts it as sent', async () => {
    const requests = answering(() => json({}));
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const delivery = await logProvider().send(pageMessage({ channel: 'sms', address: '+821012345678' }));
    expect(delivery).toEqual({ status: 'sent', providerMessageId: null });
    expect(log).toHaveBeenCalledTimes(1);
    expect(log).toHaveBeenCalledWith(
      '[tocsin] sms to +821012345678: [Tocsin] #42 <b>db</b> & "down" <!channel> (Web) (acknowledge: https://tocsin.test/respond/ACK)',
    );
    expect(requests).toEqual([]);
  });

  it('writes the text in the recipient’s language', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await logProvider().send({
      ...pageMessage({ channel: 'email', address: 'kim@example.com', locale: 'ko' }),
      subject: { type: 'verify', code: '123456' },
    });
    expect(log).toHaveBeenCalledWith('[tocsin] email to kim@example.com: Tocsin 인증 코드: 123456');
  });

  it('is named log in the notification log', () => {
    expect(logProvider().name).toBe('log');
  });
});
