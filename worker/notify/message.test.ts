import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localeSchema, urgencySchema, incidentStatuses } from '../vocabulary';
import {
  SUMMARY_CHARS,
  emailOf,
  escapeHtml,
  escapeMrkdwn,
  escapeXml,
  headline,
  localTime,
  smsText,
  speech,
  texts,
  truncate,
} from './message';
import type { Outbound, Subject } from './provider';
import { pageMessage } from './providers/fixtures';

/** Summaries an alert could carry, each trying to break out of its medium. */
const HOSTILE = [
  '<script>alert(1)</script>',
  'disk & memory',
  'say "hi" and \'bye\'',
  '<!channel> <!here> <@U024BE7LH> <https://evil.test|click>',
  ']]></Say><Hangup/><Say>',
  '&lt;already escaped&gt;',
];

/** A page whose incident differs from the fixture's by `changes`. */
function page(changes: Partial<Extract<Subject, { type: 'page' }>['incident']>, overrides: Partial<Outbound> = {}) {
  const message = pageMessage(overrides);
  if (message.subject.type !== 'page') throw new Error('the fixture is a page');
  message.subject.incident = { ...message.subject.incident, ...changes };
  return message;
}

const handoff = (overrides: Partial<Extract<Subject, { type: 'handoff' }>> = {}): Subject => ({
  type: 'handoff',
  schedule: 'Primary',
  layer: 'Weekdays',
  start: '2026-01-05T00:00:00Z',
  end: '2026-01-06T00:00:00Z',
  minutesBefore: 10,
  ...overrides,
});

describe('escaping for each medium', () => {
  it('HTML: the five reserved characters become entities, and nothing else changes', () => {
    expect(escapeHtml(`<a href="x">Tom's & Jerry's</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom&#39;s &amp; Jerry&#39;s&lt;/a&gt;',
    );
    expect(escapeHtml('디스크 가득 참 🔥 — ディスク 磁盘')).toBe('디스크 가득 참 🔥 — ディスク 磁盘');
  });

  it('HTML: an entity in an alert is shown as typed, never decoded', () => {
    expect(escapeHtml('&lt;b&gt;')).toBe('&amp;lt;b&amp;gt;');
  });

  it('XML (TwiML): the five reserved characters, with &apos;, so no CDATA end or tag survives', () => {
    expect(escapeXml(`]]></Say><Hangup/> 'a' & "b"`)).toBe(
      ']]&gt;&lt;/Say&gt;&lt;Hangup/&gt; &apos;a&apos; &amp; &quot;b&quot;',
    );
  });

  it('Slack mrkdwn: only & < > are escaped, so no mention, link or entity can be forged', () => {
    expect(escapeMrkdwn('<!channel> <@U024BE7LH> <https://evil.test|click> &amp;')).toBe(
      '&lt;!channel&gt; &lt;@U024BE7LH&gt; &lt;https://evil.test|click&gt; &amp;amp;',
    );
    // Slack's docs name only these three: quotes and markup characters are left as the alert wrote them.
    expect(escapeMrkdwn(`"*bold*" _it_ 'q'`)).toBe(`"*bold*" _it_ 'q'`);
  });

  it('no escaper lets a reserved character through, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(escapeHtml(text)).not.toMatch(/[<>"']/);
        expect(escapeXml(text)).not.toMatch(/[<>"']/);
        expect(escapeMrkdwn(text)).not.toMatch(/[<>]/);
        // Every & left is the start of an entity the escaper wrote.
        for (const escaped of [escapeHtml(text), escapeXml(text), escapeMrkdwn(text)])
          expect(escaped.replace(/&(amp|lt|gt|quot|apos|#39);/g, '')).not.toContain('&');
      }),
    );
  });
});

describe('texts in four languages', () => {
  it('every locale has every word, for every urgency and status', () => {
    for (const locale of localeSchema.options) {
      const t = texts[locale];
      for (const word of [t.acknowledge, t.resolve, t.view, t.handoff, t.startsNow, t.verify, t.test, t.keypad])
        expect(word.trim()).not.toBe('');
      for (const urgency of urgencySchema.options) expect(t.urgency(urgency)).not.toMatch(/undefined/);
      for (const status of incidentStatuses) expect(t.status[status].trim()).not.toBe('');
      expect(t.replyHint(42)).toMatch(/1 42.*2 42/);
      expect(t.startsIn(15)).toContain('15');
    }
  });

  it('speaks Korean to a Korean NOC engineer', () => {
    const t = texts.ko;
    expect([t.acknowledge, t.resolve, t.view]).toEqual(['확인', '해결', '보기']);
    expect([t.urgency('high'), t.urgency('low')]).toEqual(['긴급도: 높음', '긴급도: 낮음']);
    expect(t.status).toEqual({ triggered: '발생', acknowledged: '확인됨', resolved: '해결됨' });
    expect(t.startsIn(10)).toBe('10분 후 시작');
    expect(t.keypad).toBe('확인하려면 1번, 해결하려면 2번을 누르세요.');
  });

  it('has Japanese and Chinese buttons', () => {
    expect([texts.ja.acknowledge, texts.ja.resolve]).toEqual(['確認', '解決']);
    expect([texts.zh.acknowledge, texts.zh.resolve]).toEqual(['确认', '解决']);
  });
});

describe('truncate', () => {
  it('leaves a short text alone and cuts a long one with an ellipsis', () => {
    expect(truncate('db down', 10)).toBe('db down');
    expect(truncate('database is down', 8)).toBe('databas…');
  });

  it('never splits an emoji or a Hangul syllable', () => {
    expect(truncate('🔥🔥🔥🔥', 3)).toBe('🔥🔥…');
    expect(truncate('데이터베이스 장애', 4)).toBe('데이터…');
  });

  it('always fits in the limit and keeps a prefix of the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.integer({ min: 1, max: 200 }), (text, chars) => {
        const cut = truncate(text, chars);
        expect([...cut].length).toBeLessThanOrEqual(chars);
        if ([...text].length <= chars) expect(cut).toBe(text);
        else expect(text.startsWith(cut.slice(0, -1))).toBe(true);
      }),
    );
  });
});

describe('times in the recipient’s zone and language', () => {
  it('formats an instant in the recipient’s time zone, in their language', () => {
    const seoul = localTime('2026-01-05T00:00:00Z', 'ko', 'Asia/Seoul');
    expect(seoul).toContain('2026');
    expect(seoul).toMatch(/오전\s?9:00/);
    expect(localTime('2026-01-05T00:00:00Z', 'en', 'America/New_York')).toMatch(/Jan 4, 2026.*7:00\sPM/);
    expect(localTime('2026-01-05T00:00:00Z', 'ja', 'Asia/Tokyo')).toMatch(/2026\/01\/05 9:00/);
  });

  it('falls back to UTC for a time zone it does not know, and shows an unreadable instant as given', () => {
    expect(localTime('2026-01-05T00:00:00Z', 'en', 'Mars/Olympus')).toMatch(/Jan 5, 2026.*12:00\sAM/);
    expect(localTime('not a time', 'en', 'UTC')).toBe('not a time');
  });
});

describe('headline', () => {
  it('names the incident, its summary and service, unescaped for the medium to escape', () => {
    const { subject } = pageMessage();
    expect(headline(subject, 'en', 'UTC')).toBe('[Tocsin] #42 <b>db</b> & "down" <!channel> (Web)');
  });

  it('shows the status once the incident moved on, in the recipient’s language', () => {
    expect(headline(page({ status: 'acknowledged' }).subject, 'ko', 'UTC')).toMatch(/^\[Tocsin\] #42 \[확인됨\] /);
    expect(headline(page({ status: 'resolved' }).subject, 'en', 'UTC')).toMatch(/^\[Tocsin\] #42 \[Resolved\] /);
  });

  it('leaves out a missing service and cuts a long summary and service', () => {
    expect(headline(page({ service: null, summary: 'db down' }).subject, 'en', 'UTC')).toBe('[Tocsin] #42 db down');
    const long = headline(page({ summary: '가'.repeat(500), service: 'S'.repeat(100) }).subject, 'ko', 'UTC');
    expect(long).toContain(`${'가'.repeat(SUMMARY_CHARS - 1)}…`);
    expect(long).not.toContain('가'.repeat(SUMMARY_CHARS));
    expect(long).toContain(`(${'S'.repeat(39)}…)`);
  });

  it('announces a shift with its schedule, layer, lead time and local times', () => {
    const line = headline(handoff(), 'ko', 'Asia/Seoul');
    expect(line).toMatch(/^\[Tocsin\] 온콜 근무 Primary \/ Weekdays: 10분 후 시작 \(/);
    expect(line).toContain(localTime('2026-01-05T00:00:00Z', 'ko', 'Asia/Seoul'));
    expect(line).toContain(localTime('2026-01-06T00:00:00Z', 'ko', 'Asia/Seoul'));
    expect(line).toMatch(/오전\s?9:00/);
  });

  it('says a shift starts now, and names only the schedule when it has no layer', () => {
    expect(headline(handoff({ minutesBefore: 0, layer: null }), 'en', 'UTC')).toMatch(
      /^\[Tocsin\] On-call shift Primary: starts now \(/,
    );
  });

  it('carries a verification code and the test text', () => {
    expect(headline({ type: 'verify', code: '123456' }, 'ko', 'UTC')).toBe('Tocsin 인증 코드: 123456');
    expect(headline({ type: 'test' }, 'en', 'UTC')).toBe('Tocsin test notification');
  });
});

describe('SMS text', () => {
  it('has the headline, the urgency, how to answer by reply, and the acknowledge link', () => {
    expect(smsText(pageMessage())).toBe(
      [
        '[Tocsin] #42 <b>db</b> & "down" <!channel> (Web)',
        'Urgency: high',
        'Reply 1 42 to acknowledge, 2 42 to resolve',
        'Acknowledge: https://tocsin.test/respond/ACK',
      ].join('\n'),
    );
  });

  it('is written in Korean for a Korean user', () => {
    expect(smsText(pageMessage({ locale: 'ko' }))).toBe(
      [
        '[Tocsin] #42 <b>db</b> & "down" <!channel> (Web)',
        '긴급도: 높음',
        '답장: 1 42 확인 · 2 42 해결',
        '확인: https://tocsin.test/respond/ACK',
      ].join('\n'),
    );
  });

  it('cuts a long summary but never the answer or the link', () => {
    // As long as a signed link gets: the compact incident, action and expiry, a user handle, the MAC.
    const link = `https://tocsin.example.com/respond/${'x'.repeat(45)}-1.a${'9'.repeat(6)}.kim.${'m'.repeat(22)}`;
    const message = page({ summary: '🔥 '.repeat(300), service: 'payments-api' });
    if (message.subject.type === 'page') message.subject.links.acknowledge = link;
    const sms = smsText(message);
    expect(sms).toContain('…');
    expect(sms).toContain('Reply 1 42 to acknowledge, 2 42 to resolve');
    expect(sms.endsWith(link)).toBe(true);
    expect([...sms].length).toBeLessThanOrEqual(300);
  });

  it('is the headline alone for anything but a page', () => {
    expect(smsText({ ...pageMessage(), subject: { type: 'verify', code: '123456' } })).toBe(
      'Tocsin verification code: 123456',
    );
  });
});

describe('what a call says', () => {
  it('reads the incident, then asks for one key, then says goodbye', () => {
    expect(speech(pageMessage())).toEqual({
      say: 'This is Tocsin. Incident 42. Urgency: high. <b>db</b> & "down" <!channel>.',
      ask: 'Press 1 to acknowledge, 2 to resolve.',
      goodbye: 'No answer was given. Goodbye.',
    });
  });

  it('speaks natural Korean', () => {
    expect(speech(pageMessage({ locale: 'ko' }))).toEqual({
      say: 'Tocsin 장애 알림입니다. 장애 42번. 긴급도: 높음. <b>db</b> & "down" <!channel>.',
      ask: '확인하려면 1번, 해결하려면 2번을 누르세요.',
      goodbye: '입력이 없어 통화를 종료합니다.',
    });
  });

  it('reads at most 200 characters of a summary', () => {
    const { say } = speech(page({ summary: 'a'.repeat(1000) }));
    expect(say).toContain(`${'a'.repeat(199)}…`);
    expect(say).not.toContain('a'.repeat(200));
  });

  it('reads a shift notice without the [Tocsin] tag and asks nothing', () => {
    const { say, ask } = speech({ ...pageMessage(), subject: handoff() });
    expect(say).toMatch(/^On-call shift Primary \/ Weekdays: starts in 10 min/);
    expect(ask).toBe('');
  });
});

describe('email', () => {
  it('has a plain subject, a text part with every link, and an HTML part with buttons', () => {
    const email = emailOf(pageMessage());
    expect(email.subject).toBe('[Tocsin] #42 <b>db</b> & "down" <!channel> (Web)');
    expect(email.text).toBe(
      [
        '[Tocsin] #42 <b>db</b> & "down" <!channel> (Web)',
        'Urgency: high',
        'Web',
        'Triggered',
        '',
        'Acknowledge: https://tocsin.test/respond/ACK',
        'Resolve: https://tocsin.test/respond/RES',
        `View: https://tocsin.test/incidents/${'ab'.repeat(32)}-1`,
      ].join('\n'),
    );
    expect(email.html).toContain('<h2>#42 &lt;b&gt;db&lt;/b&gt; &amp; &quot;down&quot; &lt;!channel&gt;</h2>');
    expect(email.html).toMatch(/<a href="https:\/\/tocsin.test\/respond\/ACK"[^>]*>Acknowledge<\/a>/);
    expect(email.html).toMatch(/<a href="https:\/\/tocsin.test\/respond\/RES"[^>]*>Resolve<\/a>/);
    expect(email.html).toContain(`<a href="https://tocsin.test/incidents/${'ab'.repeat(32)}-1">View</a>`);
  });

  it('lets no alert value write markup into the HTML', () => {
    for (const hostile of HOSTILE) {
      const { html } = emailOf(page({ summary: hostile, service: hostile }));
      expect(html).toContain(escapeHtml(hostile));
      // The only tags are the template's own.
      expect(html.match(/<\/?[a-z0-9]+/g)!.every((tag) => /^<\/?(h2|p|a)$/.test(tag))).toBe(true);
    }
  });

  it('escapes a link’s & inside its href', () => {
    const message = pageMessage();
    if (message.subject.type === 'page') message.subject.links.view = 'https://tocsin.test/i?a=1&b=2';
    expect(emailOf(message).html).toContain('href="https://tocsin.test/i?a=1&amp;b=2"');
  });

  it('labels the buttons in Korean and keeps Korean and emoji summaries intact', () => {
    const { subject, html } = emailOf(page({ summary: '결제 API 응답 지연 🔥', service: '결제' }, { locale: 'ko' }));
    expect(subject).toBe('[Tocsin] #42 결제 API 응답 지연 🔥 (결제)');
    expect(html).toContain('<h2>#42 결제 API 응답 지연 🔥</h2>');
    expect(html).toContain('<p>긴급도: 높음 · 결제 · 발생</p>');
    expect(html).toMatch(/>확인<\/a>.*>해결<\/a>.*>보기<\/a>/s);
  });

  it('is the escaped headline alone for anything but a page', () => {
    const email = emailOf({ ...pageMessage(), subject: { type: 'verify', code: '123456' } });
    expect(email).toEqual({
      subject: 'Tocsin verification code: 123456',
      text: 'Tocsin verification code: 123456',
      html: '<p>Tocsin verification code: 123456</p>',
    });
    const shift = emailOf({ ...pageMessage(), subject: handoff({ schedule: '<Ops & DBA>' }) });
    expect(shift.html).toContain('&lt;Ops &amp; DBA&gt;');
  });

  it('carries a password link, never in the subject, valid until a time in the recipient’s zone', () => {
    const link = 'https://tocsin.test/set-password?token=pwl_1&x=2';
    const subject: Subject = { type: 'password_link', purpose: 'invite', link, expiresAt: '2026-03-08T00:00:00Z' };
    const email = emailOf({ ...pageMessage({ locale: 'en', timeZone: 'Asia/Seoul' }), subject });
    expect(email.subject).toBe('[Tocsin] You are invited to Tocsin');
    expect(email.subject).not.toContain('pwl_');
    expect(email.text).toContain(`Set password: ${link}`);
    expect(email.text).toContain('until Mar 8, 2026, 9:00 AM');
    expect(email.html).toContain('href="https://tocsin.test/set-password?token=pwl_1&amp;x=2"');
    const reset = emailOf({ ...pageMessage({ locale: 'ja' }), subject: { ...subject, purpose: 'reset' } });
    expect(reset.subject).toBe('[Tocsin] Tocsin のパスワード再設定');
  });
});
