// Replying to a notification email acts on its incident, for the user whose address sent it.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { api, deliverEmail, postEvent } from '../test/helpers';
import { readEmailReply } from './email';

const KEY = 'key-email-reply-0123456789';

beforeAll(async () => {
  const config = await api('PUT', '/config', {
    users: [{ id: 'sol', name: 'Sol', email: 'sol@example.com' }],
    services: [{ id: 'mail', name: 'Mail', routing: { user: 'sol' } }],
    integrations: [{ id: 'mail-std', name: 'Std', type: 'standard', service: 'mail', key: KEY }],
  });
  expect(config.status, JSON.stringify(config.body)).toBe(200);
});

let run = 0;
async function incident() {
  const { body } = await postEvent(KEY, { summary: 'queue stuck', event_id: `mail-${++run}` });
  const id = body.incident_id as string;
  const number = (await api('GET', `/incidents/${id}`)).body.number as number;
  await vi.waitFor(async () => expect((await api('GET', '/incidents?service=mail')).body.incidents.length).toBe(run), {
    timeout: 5000,
    interval: 20,
  });
  return { id, number };
}

async function reply(from: string, subject: string, text: string) {
  const raw = [
    `From: ${from}`,
    'To: pages@tocsin.test',
    `Subject: ${subject}`,
    `Message-ID: <${crypto.randomUUID()}@example.com>`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
  ].join('\r\n');
  return deliverEmail(raw, { from, to: 'pages@tocsin.test' });
}

describe('an email reply', () => {
  it('acknowledges, then resolves (확인 / 종료 too), for the sender', async () => {
    const { id, number } = await incident();
    const rejected = await reply('sol@example.com', `Re: [Tocsin] #${number} queue stuck`, 'ack\n\n> [Tocsin] …');
    expect(rejected).not.toHaveBeenCalled();
    const detail = (await api('GET', `/incidents/${id}`)).body;
    expect(detail.status).toBe('acknowledged');
    expect(detail.timeline.at(-1)).toMatchObject({ actor: { type: 'user', id: 'sol' }, details: { channel: 'email' } });
    await reply('Sol@Example.com', `Re: [Tocsin] #${number} queue stuck`, '종료합니다');
    expect((await api('GET', `/incidents/${id}`)).body.status).toBe('resolved');
  });

  it('is bounced, changing nothing, from an unknown sender or without an action', async () => {
    const { id, number } = await incident();
    expect(await reply('eve@example.com', `Re: [Tocsin] #${number}`, 'ack')).toHaveBeenCalledWith(
      expect.stringMatching(/not a contact method/),
    );
    expect(await reply('sol@example.com', `Re: [Tocsin] #${number}`, 'thanks!')).toHaveBeenCalled();
    expect((await api('GET', `/incidents/${id}`)).body.status).toBe('triggered');
  });

  it('reads the first line above the quote, and the number from the subject', () => {
    expect(readEmailReply('Re: [Tocsin] #42 db', 'Resolve\n> ack')).toEqual({ action: 'resolve', number: 42 });
    expect(readEmailReply('Re: hello', '확인 #7')).toEqual({ action: 'acknowledge', number: 7 });
    expect(readEmailReply('Re: [Tocsin] #42', 'acknowledged?')).toBeNull();
    expect(readEmailReply('Re: [Tocsin] #42', '> ack\n\nlater')).toBeNull();
  });
});
