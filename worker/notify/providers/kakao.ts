// KakaoTalk AlimTalk through NHN Cloud Bizmessage. AlimTalk sends only pre-approved templates: register
// one whose variables are #{incident_number}, #{summary}, #{urgency}, #{service}, #{status} and #{url}
// and name it in NHN_ALIMTALK_TEMPLATE. A send the template refuses for good falls back to SMS.
import { headline, texts, truncate } from '../message';
import { request, classify, type Delivery, type Outbound, type Provider } from '../provider';

/** NHN takes Korean numbers in their domestic form: +82 10… is 010…. */
export const recipientNo = (e164: string) => (e164.startsWith('+82') ? `0${e164.slice(3)}` : e164.replace(/^\+/, ''));

export function templateParameter(message: Outbound): Record<string, string> {
  const { subject, locale } = message;
  const t = texts[locale];
  if (subject.type !== 'page')
    return {
      summary: headline(subject, locale, message.timeZone),
      incident_number: '',
      urgency: '',
      service: '',
      status: '',
      url: '',
    };
  const { incident, links } = subject;
  return {
    incident_number: String(incident.number),
    // AlimTalk variables hold plain text; the template's own length limits apply.
    summary: truncate(incident.summary, 200),
    urgency: t.urgency(incident.urgency),
    service: incident.service ?? '',
    status: t.status[incident.status],
    url: links.acknowledge,
  };
}

const TEMPORARY = new Set([-9999, -7000]);

type NhnAnswer = {
  header?: { isSuccessful?: boolean; resultCode?: number; resultMessage?: string };
  message?: { requestId?: string; sendResults?: { resultCode?: number; resultMessage?: string }[] };
};

async function send(env: Env, message: Outbound): Promise<Delivery> {
  const base = (env.NHN_ALIMTALK_BASE_URL ?? 'https://kakaotalk-bizmessage.api.nhncloudservice.com').replace(
    /\/+$/,
    '',
  );
  const answer = await request(
    `${base}/alimtalk/v2.3/appkeys/${encodeURIComponent(env.NHN_ALIMTALK_APPKEY!)}/messages`,
    {
      method: 'POST',
      headers: { 'x-secret-key': env.NHN_ALIMTALK_SECRET!, 'content-type': 'application/json;charset=UTF-8' },
      body: JSON.stringify({
        senderKey: env.NHN_ALIMTALK_SENDER_KEY,
        templateCode: env.NHN_ALIMTALK_TEMPLATE,
        recipientList: [{ recipientNo: recipientNo(message.address), templateParameter: templateParameter(message) }],
      }),
    },
  );
  if (!(answer instanceof Response)) return answer;
  if (!answer.ok) return classify(answer);
  const reply = (await answer.json().catch(() => null)) as NhnAnswer | null;
  const result = reply?.message?.sendResults?.[0];
  if (reply?.header?.isSuccessful && (result?.resultCode ?? 0) === 0) {
    return { status: 'sent', providerMessageId: reply.message?.requestId ?? null };
  }
  const code = result?.resultCode ?? reply?.header?.resultCode;
  const text = result?.resultMessage ?? reply?.header?.resultMessage ?? 'no answer';
  const reason = `nhn ${code ?? '?'}: ${text}`;
  // NHN's own system error and a failing Kakao API are temporary: no reason to fall back to SMS yet.
  return code !== undefined && TEMPORARY.has(code) ? { status: 'retry', reason } : { status: 'failed', reason };
}

export function kakaoProvider(env: Env, fallback: Provider | null): Provider | null {
  const { NHN_ALIMTALK_APPKEY, NHN_ALIMTALK_SECRET, NHN_ALIMTALK_SENDER_KEY, NHN_ALIMTALK_TEMPLATE } = env;
  if (!NHN_ALIMTALK_APPKEY || !NHN_ALIMTALK_SECRET || !NHN_ALIMTALK_SENDER_KEY || !NHN_ALIMTALK_TEMPLATE) return null;
  return {
    name: 'nhn',
    send: async (message) => {
      const delivery = await send(env, message);
      if (delivery.status !== 'failed' || !fallback) return delivery;
      console.warn('kakao: AlimTalk refused the message, sending it by SMS', message.id, delivery.reason);
      const sms = await fallback.send({ ...message, channel: 'sms' });
      return sms.status === 'sent'
        ? { ...sms, via: fallback.name }
        : { ...sms, reason: `${delivery.reason}; SMS: ${sms.reason}` };
    },
  };
}
