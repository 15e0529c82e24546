// Email in: Cloudflare Email Routing sends every message for EMAIL_DOMAIN to the Worker. A message to
// an email integration's address (its key, or anything+key, at the domain) is an alert; any other is
// a reply to a notification (respond/email.ts). Too large or to an unknown address: bounced, with why.
import PostalMime from 'postal-mime';
import { liveConfig } from '../config/live';
import { HttpError } from '../http';
import { respondByEmail } from '../respond/email';
import { eventsOf } from './routes';
import { ingestEvents, stagesOf } from './pipeline';
import { email, type InboundEmail } from './adapters/email';

/** The most of a message read; attachments are listed, never kept. */
export const MAX_EMAIL_BYTES = 2 * 1024 * 1024;
const MAX_TEXT = 64 * 1024;

/** Script, styles, frames, event handlers and javascript: links out: what is left is shown escaped anyway. */
export function sanitizedHtml(html: string): string {
  return html
    .replace(/<(script|style|iframe|object|embed|noscript)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<(script|style|iframe|object|embed|link|meta|base)\b[^>]*>/gi, '')
    .replace(/\s+on[a-z]+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, '')
    .replace(/(href|src)\s*=\s*("\s*javascript:[^"]*"|'\s*javascript:[^']*'|javascript:[^\s>]+)/gi, '$1="#"');
}

/** The email integration an envelope recipient names, if any. */
async function integrationFor(env: Env, recipient: string, keepAlive: (p: Promise<unknown>) => void) {
  const [local = '', domain = ''] = recipient.toLowerCase().split('@');
  if (env.EMAIL_DOMAIN && domain !== env.EMAIL_DOMAIN.toLowerCase()) return undefined;
  const stored = await liveConfig(env, keepAlive);
  const { config, ids } = stored;
  const tag = local.slice(local.lastIndexOf('+') + 1);
  const integration = config.integrations.find(
    (i) => i.type === 'email' && [local, tag].includes((i.key ?? '').toLowerCase()),
  );
  const id = integration && ids.integrations.get(integration.id);
  const serviceId = integration && ids.services.get(integration.service);
  if (!integration || !id || !serviceId) return undefined;
  return {
    id,
    handle: integration.id,
    serviceId,
    settings: integration,
    stages: stagesOf(stored),
  };
}

export async function receiveEmail(message: ForwardableEmailMessage, env: Env, ctx: ExecutionContext): Promise<void> {
  const integration = await integrationFor(env, message.to, (p) => ctx.waitUntil(p));
  if (!integration) {
    // Not an alert address: a reply to a notification, or nothing Tocsin knows.
    await respondByEmail(message, env);
    return;
  }
  if (message.rawSize > MAX_EMAIL_BYTES) {
    message.setReject(`Tocsin: the message is over ${MAX_EMAIL_BYTES / 1024 / 1024} MiB`);
    return;
  }
  const parsed = await PostalMime.parse(message.raw);
  const mail: InboundEmail = {
    from: message.from,
    to: message.to,
    subject: parsed.subject ?? '',
    text: (parsed.text ?? '').slice(0, MAX_TEXT),
    html: parsed.html ? sanitizedHtml(parsed.html).slice(0, MAX_TEXT) : null,
    attachments: parsed.attachments.map((a) => ({
      filename: a.filename,
      mimeType: a.mimeType,
      size: typeof a.content === 'string' ? a.content.length : a.content.byteLength,
    })),
    messageId: parsed.messageId ?? null,
    date: parsed.date ?? null,
  };
  const request = { method: 'EMAIL', headers: new Headers(), query: new URLSearchParams(), text: '', json: mail };
  try {
    const events = eventsOf(email, request, { now: new Date(), settings: integration.settings });
    await ingestEvents(env, integration, events, integration.stages);
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    message.setReject(`Tocsin: ${error.message}`);
  }
}
