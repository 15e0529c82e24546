// Slack: a direct message from the app (chat.postMessage to the user's member id) with Acknowledge and
// Resolve buttons, rewritten in place (chat.update) when the incident changes. Slack answers most
// errors with HTTP 200 and `ok: false`: those are classified here by their error code.
import { escapeMrkdwn, headline, texts } from '../message';
import { request, classify, type Delivery, type Outbound, type Provider } from '../provider';

/**
 * Errors worth trying again; every other `ok: false` is permanent (channel_not_found, invalid_auth…).
 * Not fatal_error: Slack says part of it may have happened, and a retry could post twice.
 */
const TRANSIENT = new Set(['ratelimited', 'internal_error', 'service_unavailable', 'request_timeout']);

export function blocksOf(message: Outbound): unknown[] {
  const { subject, locale } = message;
  const t = texts[locale];
  const text = escapeMrkdwn(headline(subject, locale, message.timeZone));
  if (subject.type !== 'page') return [{ type: 'section', text: { type: 'mrkdwn', text } }];
  const { incident, links, buttons } = subject;
  const facts = [t.status[incident.status], t.urgency(incident.urgency), incident.service].filter((f) => f !== null);
  const actions = [
    ...(incident.status === 'triggered'
      ? [
          {
            type: 'button',
            action_id: 'acknowledge',
            text: { type: 'plain_text', text: t.acknowledge },
            style: 'primary',
            value: buttons.acknowledge,
          },
        ]
      : []),
    ...(incident.status !== 'resolved'
      ? [
          {
            type: 'button',
            action_id: 'resolve',
            text: { type: 'plain_text', text: t.resolve },
            style: 'danger',
            value: buttons.resolve,
          },
        ]
      : []),
    { type: 'button', action_id: 'view', text: { type: 'plain_text', text: t.view }, url: links.view },
  ];
  return [
    { type: 'section', text: { type: 'mrkdwn', text: `*${text}*` } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: facts.map((f) => escapeMrkdwn(f)).join(' · ') }] },
    { type: 'actions', elements: actions },
  ];
}

async function call(env: Env, method: string, body: Record<string, unknown>): Promise<Delivery> {
  const base = (env.SLACK_API_BASE_URL ?? 'https://slack.com/api').replace(/\/+$/, '');
  const answer = await request(`${base}/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${env.SLACK_BOT_TOKEN}`, 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
  });
  if (!(answer instanceof Response)) return answer;
  if (!answer.ok) return classify(answer);
  const reply = (await answer.json().catch(() => null)) as {
    ok?: boolean;
    error?: string;
    channel?: string;
    ts?: string;
  } | null;
  if (reply?.ok) return { status: 'sent', providerMessageId: `${reply.channel}/${reply.ts}` };
  const error = reply?.error ?? 'no answer';
  return TRANSIENT.has(error)
    ? { status: 'retry', reason: `slack: ${error}` }
    : { status: 'failed', reason: `slack: ${error}` };
}

export function slackProvider(env: Env): Provider | null {
  if (!env.SLACK_BOT_TOKEN) return null;
  const content = (message: Outbound) => ({
    text: escapeMrkdwn(headline(message.subject, message.locale, message.timeZone)),
    blocks: blocksOf(message),
  });
  return {
    name: 'slack',
    send: (message) => call(env, 'chat.postMessage', { channel: message.address, ...content(message) }),
    update: (message, id) => {
      const [channel, ts] = id.split('/');
      return call(env, 'chat.update', { channel, ts, ...content(message) });
    },
  };
}
