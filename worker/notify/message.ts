// The one home of message texts and of escaping. Texts come in ko, en, ja and zh by the recipient's
// locale; every value an alert carried passes through the escaper of its medium before it reaches a
// person. Providers compose their request from these.
import type { IncidentStatus, Locale, Urgency } from '../vocabulary';
import type { Outbound, Subject } from './provider';

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** For HTML email, the respond page and Telegram's HTML parse mode. */
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => HTML[c]!);

/** For TwiML: the same five characters XML reserves. */
export const escapeXml = (text: string) => text.replace(/[&<>"']/g, (c) => (c === "'" ? '&apos;' : HTML[c]!));

/** For Slack mrkdwn, which reserves only these three (and so `<!channel>` cannot be forged). */
export const escapeMrkdwn = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export type Texts = {
  urgency: (urgency: Urgency) => string;
  status: Record<IncidentStatus, string>;
  acknowledge: string;
  resolve: string;
  handoff: string;
  startsNow: string;
  startsIn: (minutes: number) => string;
  verify: string;
  test: string;
  testBody: string;
  view: string;
  invite: string;
  reset: string;
  /** What a password link does, and until when (a time in the recipient's zone). */
  inviteBody: (until: string) => string;
  resetBody: (until: string) => string;
  setPassword: string;
  /** How to answer an SMS about incident `n`. */
  replyHint: (n: number) => string;
  /** What a call says, and what it asks. */
  call: (n: number, urgency: string, summary: string) => string;
  keypad: string;
  goodbye: string;
};

export const texts: Record<Locale, Texts> = {
  en: {
    urgency: (u) =>
      `Urgency: ${{ highest: 'highest', high: 'high', medium: 'medium', low: 'low', lowest: 'lowest', none: 'none' }[u]}`,
    status: { triggered: 'Triggered', acknowledged: 'Acknowledged', resolved: 'Resolved' },
    acknowledge: 'Acknowledge',
    resolve: 'Resolve',
    handoff: 'On-call shift',
    startsNow: 'starts now',
    startsIn: (m) => `starts in ${m} min`,
    verify: 'Tocsin verification code',
    test: 'Tocsin test notification',
    testBody: 'Push notifications reach this device.',
    view: 'View',
    invite: 'You are invited to Tocsin',
    reset: 'Reset your Tocsin password',
    inviteBody: (until) => `Choose a password to sign in to Tocsin. The link works once, until ${until}.`,
    resetBody: (until) =>
      `Someone asked to reset your Tocsin password. The link works once, until ${until}; if it was not you, ignore this message.`,
    setPassword: 'Set password',
    replyHint: (n) => `Reply 1 ${n} to acknowledge, 2 ${n} to resolve`,
    call: (n, urgency, summary) => `This is Tocsin. Incident ${n}. ${urgency}. ${summary}.`,
    keypad: 'Press 1 to acknowledge, 2 to resolve.',
    goodbye: 'No answer was given. Goodbye.',
  },
  ko: {
    urgency: (u) =>
      `긴급도: ${{ highest: '매우 높음', high: '높음', medium: '보통', low: '낮음', lowest: '매우 낮음', none: '없음' }[u]}`,
    status: { triggered: '발생', acknowledged: '확인됨', resolved: '해결됨' },
    acknowledge: '확인',
    resolve: '해결',
    handoff: '온콜 근무',
    startsNow: '지금 시작',
    startsIn: (m) => `${m}분 후 시작`,
    verify: 'Tocsin 인증 코드',
    test: 'Tocsin 테스트 알림',
    testBody: '이 기기로 푸시 알림이 옵니다.',
    view: '보기',
    invite: 'Tocsin에 초대되었습니다',
    reset: 'Tocsin 비밀번호 재설정',
    inviteBody: (until) => `Tocsin에 로그인할 비밀번호를 정하세요. 링크는 ${until}까지 한 번만 쓸 수 있습니다.`,
    resetBody: (until) =>
      `Tocsin 비밀번호 재설정이 요청되었습니다. 링크는 ${until}까지 한 번만 쓸 수 있습니다. 요청하지 않았다면 이 메시지를 무시하세요.`,
    setPassword: '비밀번호 설정',
    replyHint: (n) => `답장: 1 ${n} 확인 · 2 ${n} 해결`,
    call: (n, urgency, summary) => `Tocsin 장애 알림입니다. 장애 ${n}번. ${urgency}. ${summary}.`,
    keypad: '확인하려면 1번, 해결하려면 2번을 누르세요.',
    goodbye: '입력이 없어 통화를 종료합니다.',
  },
  ja: {
    urgency: (u) =>
      `緊急度: ${{ highest: '最高', high: '高', medium: '中', low: '低', lowest: '最低', none: 'なし' }[u]}`,
    status: { triggered: '発生', acknowledged: '確認済み', resolved: '解決済み' },
    acknowledge: '確認',
    resolve: '解決',
    handoff: 'オンコール当番',
    startsNow: '今から開始',
    startsIn: (m) => `${m}分後に開始`,
    verify: 'Tocsin 確認コード',
    test: 'Tocsin テスト通知',
    testBody: 'このデバイスにプッシュ通知が届きます。',
    view: '表示',
    invite: 'Tocsin に招待されました',
    reset: 'Tocsin のパスワード再設定',
    inviteBody: (until) =>
      `Tocsin にサインインするパスワードを決めてください。リンクは ${until} まで一度だけ使えます。`,
    resetBody: (until) =>
      `Tocsin のパスワード再設定が依頼されました。リンクは ${until} まで一度だけ使えます。心当たりがなければ、このメッセージは無視してください。`,
    setPassword: 'パスワードを設定',
    replyHint: (n) => `確認は 1 ${n}、解決は 2 ${n} と返信してください`,
    call: (n, urgency, summary) => `Tocsin からの障害通知です。障害 ${n} 番。${urgency}。${summary}。`,
    keypad: '確認は1を、解決は2を押してください。',
    goodbye: '入力がありませんでした。失礼します。',
  },
  zh: {
    urgency: (u) =>
      `紧急程度：${{ highest: '最高', high: '高', medium: '中', low: '低', lowest: '最低', none: '无' }[u]}`,
    status: { triggered: '已触发', acknowledged: '已确认', resolved: '已解决' },
    acknowledge: '确认',
    resolve: '解决',
    handoff: '值班',
    startsNow: '现在开始',
    startsIn: (m) => `${m} 分钟后开始`,
    verify: 'Tocsin 验证码',
    test: 'Tocsin 测试通知',
    testBody: '推送通知可以送达此设备。',
    view: '查看',
    invite: '您已受邀加入 Tocsin',
    reset: '重置 Tocsin 密码',
    inviteBody: (until) => `请设置用于登录 Tocsin 的密码。链接仅可使用一次，有效期至 ${until}。`,
    resetBody: (until) =>
      `有人请求重置您的 Tocsin 密码。链接仅可使用一次，有效期至 ${until}；如果不是您本人，请忽略此消息。`,
    setPassword: '设置密码',
    replyHint: (n) => `回复 1 ${n} 确认，回复 2 ${n} 解决`,
    call: (n, urgency, summary) => `这里是 Tocsin 故障通知。故障 ${n} 号。${urgency}。${summary}。`,
    keypad: '确认请按 1，解决请按 2。',
    goodbye: '没有收到输入，再见。',
  },
};

/** Cut by code point, so an emoji or a Hangul syllable is never split. */
export function truncate(text: string, chars: number): string {
  const points = [...text];
  return points.length <= chars ? text : `${points.slice(0, chars - 1).join('')}…`;
}

/** An instant in the recipient's time zone and language. */
export function localTime(instant: string, locale: Locale, timeZone: string): string {
  const at = new Date(instant);
  if (Number.isNaN(at.getTime())) return instant;
  const options = { dateStyle: 'medium', timeStyle: 'short' } as const;
  try {
    return new Intl.DateTimeFormat(locale, { ...options, timeZone }).format(at);
  } catch {
    return new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' }).format(at);
  }
}

export const SUMMARY_CHARS = 120;
const SMS_SUMMARY_CHARS = 80;

/** The message's one line, unescaped: `[Tocsin] #42 db down (Web)`; the medium escapes it. */
export function headline(subject: Subject, locale: Locale, timeZone: string, summaryChars = SUMMARY_CHARS): string {
  const t = texts[locale];
  switch (subject.type) {
    case 'page': {
      const { incident } = subject;
      const state = incident.status === 'triggered' ? '' : ` [${t.status[incident.status]}]`;
      const service = incident.service === null ? '' : ` (${truncate(incident.service, 40)})`;
      // One line: a newline in an alert's summary would break an email subject or an SMS.
      const summary = truncate(incident.summary.replace(/\s+/g, ' ').trim(), summaryChars);
      return `[Tocsin] #${incident.number}${state} ${summary}${service}`;
    }
    case 'handoff': {
      const where = [subject.schedule, subject.layer].filter((part) => part !== null).join(' / ');
      const lead = subject.minutesBefore === 0 ? t.startsNow : t.startsIn(subject.minutesBefore);
      return `[Tocsin] ${t.handoff} ${where}: ${lead} (${localTime(subject.start, locale, timeZone)} – ${localTime(subject.end, locale, timeZone)})`;
    }
    // These texts name Tocsin themselves.
    case 'verify':
      return `${t.verify}: ${subject.code}`;
    case 'test':
      return t.test;
    case 'password_link':
      return `[Tocsin] ${subject.purpose === 'invite' ? t.invite : t.reset}`;
  }
}

/** An SMS: the headline cut short, never the answer or the link. */
export function smsText(message: Outbound): string {
  const { subject, locale } = message;
  const line = headline(subject, locale, message.timeZone, SMS_SUMMARY_CHARS);
  if (subject.type !== 'page') return line;
  const t = texts[locale];
  return `${line}\n${t.urgency(subject.incident.urgency)}\n${t.replyHint(subject.incident.number)}\n${t.acknowledge}: ${subject.links.acknowledge}`;
}

/** What a call says (plain text: TwiML escapes it). */
export function speech(message: Outbound): { say: string; ask: string; goodbye: string } {
  const t = texts[message.locale];
  const { subject } = message;
  const say =
    subject.type === 'page'
      ? t.call(subject.incident.number, t.urgency(subject.incident.urgency), truncate(subject.incident.summary, 200))
      : headline(subject, message.locale, message.timeZone).replace('[Tocsin] ', '');
  return { say, ask: subject.type === 'page' ? t.keypad : '', goodbye: t.goodbye };
}

/** An email: subject, plain text, and HTML with every alert value escaped. */
export function emailOf(message: Outbound): { subject: string; text: string; html: string } {
  const { subject, locale } = message;
  const t = texts[locale];
  const title = headline(subject, locale, message.timeZone);
  if (subject.type === 'password_link') {
    const until = localTime(subject.expiresAt, locale, message.timeZone);
    const body = subject.purpose === 'invite' ? t.inviteBody(until) : t.resetBody(until);
    return {
      subject: title,
      text: [title, '', body, '', `${t.setPassword}: ${subject.link}`].join('\n'),
      html: `<p>${escapeHtml(body)}</p>
<p><a href="${escapeHtml(subject.link)}" style="display:inline-block;padding:8px 16px;background:#c2410c;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(t.setPassword)}</a></p>
<p>${escapeHtml(subject.link)}</p>`,
    };
  }
  if (subject.type !== 'page') {
    return { subject: title, text: title, html: `<p>${escapeHtml(title)}</p>` };
  }
  const { incident, links } = subject;
  const facts = [t.urgency(incident.urgency), incident.service, t.status[incident.status]].filter((f) => f !== null);
  const text = [
    title,
    ...facts,
    '',
    `${t.acknowledge}: ${links.acknowledge}`,
    `${t.resolve}: ${links.resolve}`,
    `${t.view}: ${links.view}`,
  ].join('\n');
  const button = (href: string, label: string) =>
    `<a href="${escapeHtml(href)}" style="display:inline-block;padding:8px 16px;margin-right:8px;background:#c2410c;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(label)}</a>`;
  const html = `<h2>#${incident.number} ${escapeHtml(incident.summary)}</h2>
<p>${facts.map((f) => escapeHtml(f)).join(' · ')}</p>
<p>${button(links.acknowledge, t.acknowledge)}${button(links.resolve, t.resolve)}<a href="${escapeHtml(links.view)}">${escapeHtml(t.view)}</a></p>`;
  return { subject: title, text, html };
}
