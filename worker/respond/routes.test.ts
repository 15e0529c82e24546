// Acting from a message, through the real Worker: each inbound path from its request to the incident's
// new status and timeline entry, and each of its refusals.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { api, postEvent, send } from '../test/helpers';
import { incidentObject } from '../incident/commands';
import { slackSignature, twilioSignature } from './signatures';
import { buttonValue, signAction } from './token';

const KEY = 'key-respond-0123456789abcdef';
const PUBLIC = 'https://tocsin.test';

beforeAll(async () => {
  const config = await api('PUT', '/config', {
    users: [
      {
        id: 'kim',
        name: 'Kim',
        email: 'kim@example.com',
        contact_methods: [
          { id: 'kim-sms', type: 'sms', address: '+821000000001' },
          { id: 'kim-slack', type: 'slack', address: 'UKIM0001' },
          { id: 'kim-tg', type: 'telegram', address: '7001' },
        ],
      },
      {
        id: 'obs',
        name: 'Observer',
        role: 'observer',
        contact_methods: [{ id: 'obs-slack', type: 'slack', address: 'UOBS0001' }],
      },
    ],
    services: [{ id: 'respond', name: 'Respond', routing: { user: 'kim' } }],
    integrations: [{ id: 'respond-std', name: 'Std', type: 'standard', service: 'respond', key: KEY }],
  });
  expect(config.status, JSON.stringify(config.body)).toBe(200);
});

let run = 0;
/** A new triggered incident paging kim, once D1 has its copy (replies find incidents by number there). */
async function incident(summary = 'db down') {
  const { body } = await postEvent(KEY, { summary, event_id: `respond-${++run}` });
  const id = body.incident_id as string;
  const number = (await api('GET', `/incidents/${id}`)).body.number as number;
  await vi.waitFor(
    async () =>
      expect(
        (await api('GET', `/incidents?service=respond`)).body.incidents.map((i: { id: string }) => i.id),
      ).toContain(id),
    {
      timeout: 5000,
      interval: 20,
    },
  );
  return { id, number };
}

async function state(id: string) {
  const { body } = await api('GET', `/incidents/${id}`);
  const last = body.timeline.filter((t: { type: string }) => t.type === 'acknowledged' || t.type === 'resolved').at(-1);
  return { status: body.status as string, last };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields);

async function twilio(path: string, fields: Record<string, string>, signature?: string) {
  const params = form(fields);
  const sig = signature ?? (await twilioSignature('test-twilio-token', `${PUBLIC}${path}`, params));
  return send(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sig },
    body: params.toString(),
  });
}

async function slack(path: string, body: string, at = Math.floor(Date.now() / 1000), secret = 'test-slack-secret') {
  const signature = await slackSignature(secret, String(at), body);
  return send(path, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(at),
      'x-slack-signature': signature,
    },
    body,
  });
}

const slackButton = (user: string, value: string) =>
  form({
    payload: JSON.stringify({
      type: 'block_actions',
      user: { id: user },
      actions: [{ action_id: 'acknowledge', value }],
    }),
  }).toString();

describe('a signed link', () => {
  const link = async (id: string, action: 'acknowledge' | 'resolve', expiresAt = new Date(Date.now() + 3600_000)) =>
    `/respond/${await signAction({ incident: id, action, user: 'kim', expiresAt }, 'test-signing-key')}`;

  it('shows a confirmation page, escaped, and acts only when its form is posted', async () => {
    const { id, number } = await incident('<script>alert(1)</script> & co');
    const path = await link(id, 'acknowledge');
    const page = await send(path);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; co');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('<form method="post">');
    expect((await state(id)).status).toBe('triggered');
    const done = await send(path, { method: 'POST' });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain(`#${number} acknowledged`);
    expect(await state(id)).toMatchObject({
      status: 'acknowledged',
      last: { type: 'acknowledged', actor: { type: 'user', id: 'kim' }, details: { channel: 'link' } },
    });
  });

  it('refuses an altered or expired link with a clear page, and does nothing after the incident is resolved', async () => {
    const { id } = await incident();
    const path = await link(id, 'acknowledge');
    const altered = await send(`${path.slice(0, -2)}AA`, { method: 'POST' });
    expect(altered.status).toBe(403);
    expect(await altered.text()).toContain('not valid');
    const expired = await send(await link(id, 'acknowledge', new Date(Date.now() - 1000)), { method: 'POST' });
    expect(expired.status).toBe(410);
    expect((await state(id)).status).toBe('triggered');
    await send(await link(id, 'resolve'), { method: 'POST' });
    const after = await send(path);
    expect(await after.text()).toContain('is resolved');
    expect((await send(path, { method: 'POST' })).status).toBe(200);
    expect((await state(id)).status).toBe('resolved');
  });
});

describe('Slack', () => {
  it('acknowledges from a button for the user behind the Slack id', async () => {
    const { id } = await incident();
    const response = await slack(
      '/webhooks/slack/interactions',
      slackButton('UKIM0001', buttonValue('acknowledge', id)),
    );
    expect(response.status).toBe(200);
    expect(await state(id)).toMatchObject({
      status: 'acknowledged',
      last: { actor: { type: 'user', id: 'kim' }, details: { channel: 'slack' } },
    });
  });

  it('refuses a bad signature or a stale timestamp (401), an unknown user or an observer (403)', async () => {
    const { id } = await incident();
    const body = slackButton('UKIM0001', buttonValue('acknowledge', id));
    expect((await slack('/webhooks/slack/interactions', body, undefined, 'wrong')).status).toBe(401);
    expect((await slack('/webhooks/slack/interactions', body, Math.floor(Date.now() / 1000) - 400)).status).toBe(401);
    const stranger = slackButton('UNOBODY1', buttonValue('acknowledge', id));
    expect((await slack('/webhooks/slack/interactions', stranger)).status).toBe(403);
    const observer = slackButton('UOBS0001', buttonValue('acknowledge', id));
    expect((await slack('/webhooks/slack/interactions', observer)).status).toBe(403);
    expect((await state(id)).status).toBe('triggered');
  });

  it('lists, acknowledges and resolves with /tocsin', async () => {
    const { id, number } = await incident('disk <full>');
    const command = (text: string) => form({ command: '/tocsin', text, user_id: 'UKIM0001' }).toString();
    const list = await (await slack('/webhooks/slack/commands', command('list'))).json<{ text: string }>();
    expect(list.text).toContain(`#${number} [triggered] disk &lt;full&gt;`);
    const ack = await (await slack('/webhooks/slack/commands', command(`ack ${number}`))).json<{ text: string }>();
    expect(ack.text).toBe(`#${number} acknowledged`);
    await slack('/webhooks/slack/commands', command(`resolve ${number}`));
    expect(await state(id)).toMatchObject({ status: 'resolved', last: { details: { channel: 'slack' } } });
  });
});

describe('Slack /tocsin create', () => {
  it('opens an incident on the service named, raised by the user, and refuses an unknown service or an observer', async () => {
    const command = (text: string, user = 'UKIM0001') =>
      slack('/webhooks/slack/commands', form({ command: '/tocsin', text, user_id: user }).toString());
    const made = await (await command('create respond <disk> full on db-1')).json<{ text: string }>();
    const number = Number(/^#(\d+) opened on respond: &lt;disk&gt; full on db-1$/.exec(made.text)?.[1]);
    expect(number).toBeGreaterThan(0);
    const found = await vi.waitFor(
      async () => {
        const list = (await api('GET', '/incidents?service=respond')).body.incidents;
        const incident = list.find((i: { number: number }) => i.number === number);
        expect(incident).toBeDefined();
        return incident as { id: string };
      },
      { timeout: 5000, interval: 20 },
    );
    const detail = (await api('GET', `/incidents/${found.id}`)).body;
    expect(detail).toMatchObject({ status: 'triggered', summary: '<disk> full on db-1' });
    expect(detail.timeline[0]).toMatchObject({ type: 'created', actor: { type: 'user', id: 'kim' } });
    expect((await (await command('create nowhere x')).json<{ text: string }>()).text).toBe(
      'there is no service nowhere',
    );
    expect((await (await command('create respond x', 'UOBS0001')).json<{ text: string }>()).text).toMatch(/may not/);
  });
});

describe('Telegram', () => {
  const post = (update: unknown, secret = 'test-telegram-secret') =>
    send('/webhooks/telegram', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
      body: JSON.stringify(update),
    });

  it('acknowledges from a button and answers the callback query', async () => {
    const { id, number } = await incident();
    const response = await post({
      callback_query: {
        id: 'cq1',
        from: { id: 7001 },
        data: buttonValue('acknowledge', id),
        message: { chat: { id: 7001 } },
      },
    });
    expect(await response.json()).toEqual({
      method: 'answerCallbackQuery',
      callback_query_id: 'cq1',
      text: `#${number} acknowledged`,
    });
    expect(await state(id)).toMatchObject({ status: 'acknowledged', last: { details: { channel: 'telegram' } } });
  });

  it('resolves from a reply, and refuses a wrong secret or an unknown chat', async () => {
    const { id, number } = await incident();
    expect((await post({ message: { chat: { id: 7001 }, text: `resolve ${number}` } }, 'wrong')).status).toBe(401);
    expect((await post({ message: { chat: { id: 9999 }, text: `resolve ${number}` } })).status).toBe(403);
    const reply = await post({ message: { chat: { id: 7001 }, text: `resolve ${number}` } });
    expect(await reply.json()).toMatchObject({ method: 'sendMessage', chat_id: '7001', text: `#${number} resolved` });
    expect((await state(id)).status).toBe('resolved');
  });
});

describe('every webhook', () => {
  it('refuses a body far bigger than any provider sends, before reading it', async () => {
    const response = await send('/webhooks/slack/interactions', { method: 'POST', body: 'x'.repeat(70 * 1024) });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: 'too_large' });
  });
});

describe('Twilio', () => {
  it('acknowledges from an SMS reply `1 42`, and `2` alone resolves the incident that paged the number last', async () => {
    const { id, number } = await incident();
    await vi.waitFor(
      async () =>
        expect(
          (await api('GET', '/users/kim/notifications')).body.notifications.map(
            (n: { incident_id: string }) => n.incident_id,
          ),
        ).toContain(id),
      { timeout: 5000, interval: 20 },
    );
    const ack = await twilio('/webhooks/twilio/sms', { From: '+821000000001', Body: `1 ${number}` });
    expect(await ack.text()).toContain(`<Message>#${number} acknowledged</Message>`);
    expect(await state(id)).toMatchObject({ status: 'acknowledged', last: { details: { channel: 'sms' } } });
    await twilio('/webhooks/twilio/sms', { From: '+821000000001', Body: '2' });
    expect((await state(id)).status).toBe('resolved');
  });

  it('refuses an SMS with a bad signature (401) or from an unknown number (403)', async () => {
    const { id, number } = await incident();
    expect((await twilio('/webhooks/twilio/sms', { From: '+821000000001', Body: `1 ${number}` }, 'bad')).status).toBe(
      401,
    );
    expect((await twilio('/webhooks/twilio/sms', { From: '+15550000000', Body: `1 ${number}` })).status).toBe(403);
    expect((await state(id)).status).toBe('triggered');
  });

  it('acknowledges from the keypad of the call, and says so', async () => {
    const { id, number } = await incident();
    const path = `/webhooks/twilio/voice?${new URLSearchParams({ incident: id, page: 'p' })}`;
    const answer = await twilio(path, { To: '+821000000001', Digits: '1', CallSid: 'CA1' });
    expect(await answer.text()).toContain(`<Say>Incident ${number} acknowledged.</Say>`);
    expect(await state(id)).toMatchObject({ status: 'acknowledged', last: { details: { channel: 'voice' } } });
  });

  it('moves a page to delivered by its status callback', async () => {
    const { id } = await incident();
    let page = '';
    await vi.waitFor(async () => {
      const [first] = (await api('GET', `/incidents/${id}/notifications`)).body.notifications;
      expect(first.status).toBe('sent');
      page = first.id;
    });
    const path = `/webhooks/twilio/status?${new URLSearchParams({ incident: id, page })}`;
    expect((await twilio(path, { MessageSid: 'SM1', MessageStatus: 'delivered' }, 'bad')).status).toBe(401);
    expect((await twilio(path, { MessageSid: 'SM1', MessageStatus: 'delivered' })).status).toBe(204);
    const [after] = (await api('GET', `/incidents/${id}/notifications`)).body.notifications;
    expect(after).toMatchObject({ status: 'delivered', provider_message_id: 'SM1' });
    expect(after.delivered_at).toEqual(expect.any(String));
    const detail = await incidentObject(env.INCIDENTS, id)!.headline(id);
    expect(detail?.status).toBe('triggered');
  });
});
