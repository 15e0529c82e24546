// Acting by replying to a notification email: a reply whose first line says ack or resolve (or 확인 /
// 종료) acts on the incident its subject names (`#42`), for the user whose address sent it. Anything
// else is bounced with the reason, and changes nothing.
import PostalMime from 'postal-mime';
import { act, incidentNumbered, responderFor, type Action } from './respond';

/** The answer a reply gives: the first line written above the quoted message. */
export function readEmailReply(subject: string, text: string): { action: Action; number: number } | null {
  const first = text.split(/\r?\n/).find((line) => line.trim() !== '' && !line.startsWith('>')) ?? '';
  // An English word stands alone ("acknowledged?" is a question); a Korean one may go on (종료합니다).
  const match = /^\s*(?:(ack|acknowledge|resolve)(?![\p{L}\p{N}])|(확인|종료))/iu.exec(first);
  const word = (match?.[1] ?? match?.[2])?.toLowerCase();
  const number = /#(\d{1,9})\b/.exec(subject)?.[1] ?? /#(\d{1,9})\b/.exec(first)?.[1];
  if (!word || !number) return null;
  const action: Action = ['ack', 'acknowledge', '확인'].includes(word) ? 'acknowledge' : 'resolve';
  return { action, number: Number(number) };
}

export async function respondByEmail(message: ForwardableEmailMessage, env: Env): Promise<void> {
  const parsed = await PostalMime.parse(message.raw);
  const reply = readEmailReply(parsed.subject ?? '', parsed.text ?? '');
  if (!reply) {
    message.setReject('Tocsin: reply with "ack" or "resolve" on the first line, to a notification about #N');
    return;
  }
  // The envelope's sender, which Email Routing has checked (SPF/DKIM), not the From header's.
  const responder = await responderFor(env, ['email'], message.from);
  if (!responder) {
    message.setReject('Tocsin: this address is not a contact method of any user');
    return;
  }
  const incident = await incidentNumbered(env, reply.number);
  const answer = incident
    ? await act(env, incident, reply.action, responder, 'email')
    : ({ ok: false, message: `no incident #${reply.number}` } as const);
  if (!answer.ok) message.setReject(`Tocsin: ${answer.message}`);
}
