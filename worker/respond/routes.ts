// Answers from messages: signed links, Slack buttons and commands, Telegram buttons and replies, SMS
// replies, a call's keypad, and the providers' delivery reports. Each request is verified first (a bad
// signature or a stale timestamp is a 401 and changes nothing), its sender attributed to the one user
// behind the contact method (else 403), and only then acted on.
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { incidentObject } from '../incident/commands';
import { escapeMrkdwn, escapeXml } from '../notify/message';
import { publicUrl } from '../notify/outbound';
import { confirmPage, resultPage } from './page';
import {
  act,
  incidentNumbered,
  lastPagedBy,
  openIncidents,
  raise,
  responderFor,
  responderNamed,
  type Action,
  type Answer,
  type Channel,
  type Responder,
} from './respond';
import { verifySlack, verifyTelegram, verifyTwilio } from './signatures';
import { readAction, readButtonValue } from './token';

type App = { Bindings: Env };
type Ctx = Context<App>;

const refuse = (c: Ctx, status: 401 | 403 | 404, message: string) =>
  c.json(
    { status: 'error', error: status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : 'not_found', message },
    status,
  );

/** What a user said in a reply: `ack 42`, `1 42`, `resolve`, `2`, 확인 / 종료. */
export function readReply(text: string): { action: Action; number: number | null } | null {
  const match = /^\s*(1|ack|acknowledge|확인|2|resolve|종료)\s*#?\s*(\d{1,9})?\s*$/iu.exec(text);
  if (!match) return null;
  const word = match[1]!.toLowerCase();
  const action: Action = ['1', 'ack', 'acknowledge', '확인'].includes(word) ? 'acknowledge' : 'resolve';
  return { action, number: match[2] === undefined ? null : Number(match[2]) };
}

/** One line on what an answer did, for a reply in the same channel. */
export function answerText(answer: Answer, action: Action): string {
  if (!answer.ok) return answer.message;
  const { result } = answer;
  if (result.action === 'ignored') return result.message ?? `#${result.incident.number} is ${result.incident.status}`;
  return `#${result.incident.number} ${action === 'acknowledge' ? 'acknowledged' : 'resolved'}`;
}

/** The URL as the provider signed it: the public base, this path and its query. */
function signedUrl(c: Ctx): string {
  const url = new URL(c.req.url);
  return `${publicUrl(c.env)}${url.pathname}${url.search}`;
}

/** A Twilio form post whose signature holds, or null. */
async function twilioForm(c: Ctx): Promise<URLSearchParams | null> {
  const token = c.env.TWILIO_AUTH_TOKEN;
  const params = new URLSearchParams(await c.req.text());
  if (!token) return null;
  const verified = await verifyTwilio(token, signedUrl(c), params, c.req.header('x-twilio-signature') ?? null);
  return verified.ok ? params : null;
}

const twiml = (c: Ctx, body: string) =>
  c.body(`<?xml version="1.0" encoding="UTF-8"?><Response>${body}</Response>`, 200, { 'content-type': 'text/xml' });

/** The incident a reply is about: the number it names, else the one that paged this address last. */
async function replyTarget(env: Env, number: number | null, channel: 'sms', address: string) {
  return number === null ? lastPagedBy(env, channel, address) : incidentNumbered(env, number);
}

async function actOn(env: Env, incident: string | null, action: Action, responder: Responder, channel: Channel) {
  if (incident === null) return { ok: false, status: 404, message: 'no such incident' } as const;
  return act(env, incident, action, responder, channel);
}

export const respondRoutes = new Hono<App>();

// A provider's webhook is a few kilobytes: anything far bigger is refused before it is read.
respondRoutes.use(
  '/webhooks/*',
  bodyLimit({
    maxSize: 64 * 1024,
    onError: (c) => c.json({ status: 'error', error: 'too_large', message: 'the body is over 64 KiB' }, 413),
  }),
);

// Signed links: GET shows what the link does, POST does it.
async function linkClaim(c: Ctx) {
  const key = c.env.TOCSIN_SIGNING_KEY;
  if (!key) return { error: resultPage('Links are off', 'This Tocsin has no signing key.'), status: 403 as const };
  const read = await readAction(c.req.param('token') ?? '', key, new Date());
  if (!read.ok) {
    const why =
      read.reason === 'expired'
        ? 'This link has expired. Open the incident in Tocsin instead.'
        : 'This link is not valid: it was changed or cut short.';
    return {
      error: resultPage('Nothing was done', why),
      status: read.reason === 'expired' ? (410 as const) : (403 as const),
    };
  }
  const object = incidentObject(c.env.INCIDENTS, read.claim.incident);
  const incident = object ? await object.headline(read.claim.incident) : null;
  if (!incident) {
    return { error: resultPage('Nothing was done', 'This incident no longer exists.'), status: 404 as const };
  }
  return { claim: read.claim, incident };
}

respondRoutes.get('/respond/:token', async (c) => {
  const found = await linkClaim(c);
  if ('error' in found) return c.html(found.error!, found.status);
  const { incident, claim } = found;
  if (incident.status === 'resolved') {
    return c.html(resultPage(`#${incident.number} is resolved`, 'There is nothing left to do.'), 200);
  }
  return c.html(confirmPage(incident, claim.action, claim.user));
});

respondRoutes.post('/respond/:token', async (c) => {
  const found = await linkClaim(c);
  if ('error' in found) return c.html(found.error!, found.status);
  const responder = await responderNamed(c.env, found.claim.user);
  if (!responder) return c.html(resultPage('Nothing was done', `There is no user ${found.claim.user}.`), 403);
  const answer = await act(c.env, found.claim.incident, found.claim.action, responder, 'link');
  const text = answerText(answer, found.claim.action);
  return c.html(
    resultPage(answer.ok ? text : 'Nothing was done', answer.ok ? `As ${responder.handle}.` : text),
    answer.ok ? 200 : answer.status,
  );
});

// Twilio's delivery reports for a page: the URL names the incident and the page.
respondRoutes.post('/webhooks/twilio/status', async (c) => {
  const form = await twilioForm(c);
  if (!form) return refuse(c, 401, 'the Twilio signature does not match');
  const incident = c.req.query('incident');
  const page = c.req.query('page');
  const object = incident ? incidentObject(c.env.INCIDENTS, incident) : null;
  if (!object || !page) return c.body(null, 204);
  const status = form.get('MessageStatus') ?? form.get('CallStatus') ?? '';
  const sid = form.get('MessageSid') ?? form.get('CallSid');
  // A call counts as delivered when answered; a message when the carrier confirms it.
  const outcome = ['delivered', 'completed', 'read'].includes(status)
    ? 'delivered'
    : ['undelivered', 'failed', 'busy', 'no-answer', 'canceled'].includes(status)
      ? 'failed'
      : null;
  if (outcome) {
    const code = form.get('ErrorCode');
    const reason = outcome === 'failed' ? `${status}${code ? ` (Twilio error ${code})` : ''}` : null;
    await object.pageReport({ page, status: outcome, reason, providerMessageId: sid });
  }
  return c.body(null, 204);
});

respondRoutes.post('/webhooks/twilio/sms', async (c) => {
  const form = await twilioForm(c);
  if (!form) return refuse(c, 401, 'the Twilio signature does not match');
  const from = form.get('From') ?? '';
  const reply = readReply(form.get('Body') ?? '');
  if (!reply)
    return twiml(
      c,
      `<Message>Reply 1 or ack to acknowledge, 2 or resolve to resolve, with the incident number: ack 42</Message>`,
    );
  const responder = await responderFor(c.env, ['sms', 'voice', 'kakao'], from);
  if (!responder) return refuse(c, 403, 'this number is not a contact method of any user');
  const incident = await replyTarget(c.env, reply.number, 'sms', from);
  const answer = await actOn(c.env, incident, reply.action, responder, 'sms');
  if (!answer.ok && answer.status === 403) return refuse(c, 403, answer.message);
  return twiml(c, `<Message>${escapeXml(answerText(answer, reply.action))}</Message>`);
});

// A call's keypad: the call went to the user's number (`To`), about the incident its URL names.
respondRoutes.post('/webhooks/twilio/voice', async (c) => {
  const form = await twilioForm(c);
  if (!form) return refuse(c, 401, 'the Twilio signature does not match');
  const digit = form.get('Digits');
  const action: Action | null = digit === '1' ? 'acknowledge' : digit === '2' ? 'resolve' : null;
  if (!action) return twiml(c, '<Say>Goodbye.</Say><Hangup/>');
  const responder = await responderFor(c.env, ['voice', 'sms', 'kakao'], form.get('To') ?? '');
  if (!responder) return refuse(c, 403, 'this number is not a contact method of any user');
  const answer = await actOn(c.env, c.req.query('incident') ?? null, action, responder, 'voice');
  if (!answer.ok && answer.status === 403) return refuse(c, 403, answer.message);
  return twiml(c, `<Say>${escapeXml(answerText(answer, action).replace('#', 'Incident '))}.</Say><Hangup/>`);
});

/** A Slack request whose signature and timestamp hold, as its raw body; else the refusal. */
async function slackBody(c: Ctx): Promise<string | Response> {
  const body = await c.req.text();
  const secret = c.env.SLACK_SIGNING_SECRET;
  if (!secret) return refuse(c, 401, 'Slack is not configured');
  const verified = await verifySlack(
    secret,
    c.req.header('x-slack-request-timestamp') ?? null,
    c.req.header('x-slack-signature') ?? null,
    body,
    new Date(),
  );
  return verified.ok ? body : refuse(c, 401, `the Slack signature does not hold (${verified.reason})`);
}

respondRoutes.post('/webhooks/slack/interactions', async (c) => {
  const body = await slackBody(c);
  if (body instanceof Response) return body;
  let payload: { type?: string; user?: { id?: string }; actions?: { action_id?: string; value?: string }[] };
  try {
    payload = JSON.parse(new URLSearchParams(body).get('payload') ?? '');
  } catch {
    return c.json({ status: 'error', error: 'invalid_request', message: 'payload: not JSON' }, 400);
  }
  const button = payload.actions?.map((a) => readButtonValue(a.value ?? '')).find((b) => b !== null);
  if (payload.type !== 'block_actions' || !button) return c.body(null, 200);
  const responder = await responderFor(c.env, ['slack'], payload.user?.id ?? '');
  if (!responder) return refuse(c, 403, 'this Slack user is not a contact method of any user');
  const answer = await act(c.env, button.incident, button.action, responder, 'slack');
  if (!answer.ok) return refuse(c, answer.status, answer.message);
  // The message itself is rewritten in place when the incident changes (chat.update).
  return c.json({ response_type: 'ephemeral', replace_original: false, text: answerText(answer, button.action) });
});

/** `/tocsin list`, `/tocsin ack 42`, `/tocsin resolve 42`, `/tocsin create <service> <summary>`. */
respondRoutes.post('/webhooks/slack/commands', async (c) => {
  const body = await slackBody(c);
  if (body instanceof Response) return body;
  const form = new URLSearchParams(body);
  const ephemeral = (text: string) => c.json({ response_type: 'ephemeral', text });
  const responder = await responderFor(c.env, ['slack'], form.get('user_id') ?? '');
  if (!responder) return refuse(c, 403, 'this Slack user is not a contact method of any user');
  const text = (form.get('text') ?? '').trim();
  if (/^list$/i.test(text)) {
    const open = await openIncidents(c.env);
    const lines = open.map((i) => `#${i.number} [${i.status}] ${escapeMrkdwn(i.summary)}`);
    return ephemeral(lines.length > 0 ? lines.join('\n') : 'No open incidents.');
  }
  const create = /^create\s+(\S+)\s+(.+)$/is.exec(text);
  if (create) {
    const raised = await raise(c.env, create[1]!, create[2]!.trim(), responder);
    if ('error' in raised) return ephemeral(escapeMrkdwn(raised.error));
    return ephemeral(`#${raised.incident!.number} opened on ${create[1]}: ${escapeMrkdwn(raised.incident!.summary)}`);
  }
  const reply = readReply(text);
  if (!reply || reply.number === null) {
    return ephemeral('Usage: /tocsin list · /tocsin ack 42 · /tocsin resolve 42 · /tocsin create <service> <summary>');
  }
  const answer = await actOn(c.env, await incidentNumbered(c.env, reply.number), reply.action, responder, 'slack');
  if (!answer.ok && answer.status === 403) return refuse(c, 403, answer.message);
  return ephemeral(answerText(answer, reply.action));
});

type TelegramUpdate = {
  callback_query?: { id: string; from?: { id?: number }; data?: string; message?: { chat?: { id?: number } } };
  message?: { chat?: { id?: number }; from?: { id?: number }; text?: string };
};

/** Telegram's buttons and replies; answered in the webhook's own response, as the Bot API allows. */
respondRoutes.post('/webhooks/telegram', async (c) => {
  const secret = c.env.TELEGRAM_WEBHOOK_SECRET;
  if (!secret || !verifyTelegram(secret, c.req.header('x-telegram-bot-api-secret-token') ?? null)) {
    return refuse(c, 401, 'the Telegram secret token does not match');
  }
  let update: TelegramUpdate;
  try {
    update = await c.req.json<TelegramUpdate>();
  } catch {
    return c.json({ status: 'error', error: 'invalid_json', message: 'the body is not JSON' }, 400);
  }
  const query = update.callback_query;
  const chat = String(query?.message?.chat?.id ?? update.message?.chat?.id ?? '');
  const responder = chat ? await responderFor(c.env, ['telegram'], chat) : null;
  if (query) {
    const button = readButtonValue(query.data ?? '');
    const answered = (text: string) => c.json({ method: 'answerCallbackQuery', callback_query_id: query.id, text });
    if (!button) return answered('This button is not from Tocsin.');
    if (!responder) return refuse(c, 403, 'this chat is not a contact method of any user');
    return answered(answerText(await act(c.env, button.incident, button.action, responder, 'telegram'), button.action));
  }
  const reply = readReply(update.message?.text ?? '');
  if (!update.message || !chat) return c.body(null, 200);
  const say = (text: string) => c.json({ method: 'sendMessage', chat_id: chat, text });
  if (!reply || reply.number === null) return say('Reply ack 42 or resolve 42.');
  if (!responder) return refuse(c, 403, 'this chat is not a contact method of any user');
  const answer = await actOn(c.env, await incidentNumbered(c.env, reply.number), reply.action, responder, 'telegram');
  return say(answerText(answer, reply.action));
});
