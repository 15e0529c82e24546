// Telegram: a bot message (HTML parse mode, every alert value escaped) with inline Acknowledge and
// Resolve buttons, edited in place when the incident changes. The Bot API answers `{ok:false,
// error_code, description, parameters.retry_after}` on errors.
import { escapeHtml, headline, texts } from '../message';
import { request, type Delivery, type Outbound, type Provider } from '../provider';

export function keyboardOf(message: Outbound): { inline_keyboard: { text: string; callback_data: string }[][] } {
  const { subject } = message;
  if (subject.type !== 'page' || subject.incident.status === 'resolved') return { inline_keyboard: [] };
  const t = texts[message.locale];
  const row = [
    ...(subject.incident.status === 'triggered'
      ? [{ text: t.acknowledge, callback_data: subject.buttons.acknowledge }]
      : []),
    { text: t.resolve, callback_data: subject.buttons.resolve },
  ];
  return { inline_keyboard: [row] };
}

function textOf(message: Outbound): string {
  const { subject, locale } = message;
  const line = `<b>${escapeHtml(headline(subject, locale, message.timeZone))}</b>`;
  if (subject.type !== 'page') return line;
  const t = texts[locale];
  return `${line}\n${escapeHtml(t.urgency(subject.incident.urgency))} · ${escapeHtml(t.status[subject.incident.status])}\n<a href="${escapeHtml(subject.links.view)}">${escapeHtml(t.view)}</a>`;
}

async function call(env: Env, method: string, body: Record<string, unknown>): Promise<Delivery> {
  const base = (env.TELEGRAM_API_BASE_URL ?? 'https://api.telegram.org').replace(/\/+$/, '');
  const answer = await request(`${base}/bot${env.TELEGRAM_BOT_TOKEN}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!(answer instanceof Response)) return answer;
  const reply = (await answer.json().catch(() => null)) as {
    ok?: boolean;
    result?: { message_id?: number };
    error_code?: number;
    description?: string;
    parameters?: { retry_after?: number };
  } | null;
  if (reply?.ok)
    return { status: 'sent', providerMessageId: reply.result?.message_id ? String(reply.result.message_id) : null };
  const code = reply?.error_code ?? answer.status;
  const reason = `telegram ${code}: ${reply?.description ?? 'no answer'}`;
  // Editing a message into what it already says is no failure.
  if (reply?.description?.includes('message is not modified')) return { status: 'sent', providerMessageId: null };
  if (code === 429) return { status: 'retry', reason, retryAfterSeconds: reply?.parameters?.retry_after ?? 30 };
  return code >= 500 ? { status: 'retry', reason } : { status: 'failed', reason };
}

export function telegramProvider(env: Env): Provider | null {
  if (!env.TELEGRAM_BOT_TOKEN) return null;
  const content = (message: Outbound) => ({
    chat_id: message.address,
    text: textOf(message),
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
    reply_markup: keyboardOf(message),
  });
  return {
    name: 'telegram',
    send: (message) => call(env, 'sendMessage', content(message)),
    update: async (message, id) => {
      const edited = await call(env, 'editMessageText', { ...content(message), message_id: Number(id) });
      return edited.status === 'sent' ? { ...edited, providerMessageId: id } : edited;
    },
  };
}
