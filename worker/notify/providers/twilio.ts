// Twilio: SMS through the Messages resource, and calls through Calls with inline TwiML that reads the
// incident aloud in the user's language and gathers one digit. Both report delivery to StatusCallback.
import { escapeXml, smsText, speech } from '../message';
import { deliver, type Delivery, type Outbound, type Provider } from '../provider';
import type { Locale } from '../../vocabulary';

/** Twilio's `<Say>` voice and language for each of our locales: the default voice speaks few languages. */
const VOICES: Record<Locale, { voice: string; language: string }> = {
  ko: { voice: 'Polly.Seoyeon', language: 'ko-KR' },
  en: { voice: 'Polly.Joanna', language: 'en-US' },
  ja: { voice: 'Polly.Mizuki', language: 'ja-JP' },
  zh: { voice: 'Polly.Zhiyu', language: 'cmn-CN' },
};

interface Account {
  base: string;
  sid: string;
  authorization: string;
  from: string;
}

function accountOf(env: Env): Account | null {
  const { TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: token, TWILIO_FROM_NUMBER: from } = env;
  if (!sid || !token || !from) return null;
  const base = (env.TWILIO_BASE_URL ?? 'https://api.twilio.com').replace(/\/+$/, '');
  return { base, sid, from, authorization: `Basic ${btoa(`${sid}:${token}`)}` };
}

/** Twilio's errors are JSON `{code, message, more_info, status}`: the code and message are the reason. */
async function post(account: Account, resource: 'Messages' | 'Calls', form: Record<string, string>): Promise<Delivery> {
  const delivery = await deliver(
    `${account.base}/2010-04-01/Accounts/${encodeURIComponent(account.sid)}/${resource}.json`,
    {
      method: 'POST',
      headers: { authorization: account.authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    },
    (body) => (body as { sid?: string } | null)?.sid ?? null,
  );
  if (delivery.status === 'sent') return delivery;
  const json = /^\d+ (\{.*\})$/s.exec(delivery.reason)?.[1];
  try {
    const error = json ? (JSON.parse(json) as { code?: number; message?: string }) : null;
    if (error?.code) return { ...delivery, reason: `Twilio error ${error.code}: ${error.message ?? ''}`.trim() };
  } catch {
    // Not Twilio's JSON: keep the reason as it came.
  }
  return delivery;
}

/** A Twilio resource that takes To, From and StatusCallback, and what the message is to it. */
function twilioProvider(
  env: Env,
  resource: 'Messages' | 'Calls',
  content: (message: Outbound) => Record<string, string>,
) {
  const account = accountOf(env);
  if (!account) return null;
  const provider: Provider = {
    name: 'twilio',
    send: (message) =>
      post(account, resource, {
        To: message.address,
        From: account.from,
        ...content(message),
        StatusCallback: message.callbacks.status,
      }),
  };
  return provider;
}

export const twilioSmsProvider = (env: Env) =>
  twilioProvider(env, 'Messages', (message) => ({ Body: smsText(message) }));

/** The call: read the incident, gather one digit (posted to the voice callback), say it twice at most. */
export function callTwiml(message: Outbound): string {
  const { say, ask, goodbye } = speech(message);
  const { voice, language } = VOICES[message.locale];
  const spoken = (text: string) => `<Say voice="${voice}" language="${language}">${escapeXml(text)}</Say>`;
  if (message.subject.type !== 'page') return `<Response>${spoken(say)}</Response>`;
  const gather = `<Gather numDigits="1" timeout="8" action="${escapeXml(message.callbacks.voice)}" method="POST">${spoken(say)}${spoken(ask)}</Gather>`;
  return `<Response>${gather}${gather}${spoken(goodbye)}</Response>`;
}

export const twilioVoiceProvider = (env: Env) =>
  twilioProvider(env, 'Calls', (message) => ({ Twiml: callTwiml(message) }));
