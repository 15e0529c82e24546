// Email ingest in the real runtime: real messages (swaks, GNU mail, mutt) to an email integration's
// address open incidents; a recovery mail closes the one it recovers; anything else is bounced.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import mailutils from './fixtures/email/mailutils-multipart.eml?raw';
import encodedSubject from './fixtures/email/swaks-multipart-rfc2047.eml?raw';
import eightBit from './fixtures/email/swaks-8bit-utf8-subject.eml?raw';
import { incidentObjectName } from '../incident/commands';
import type { Incident } from '../incident/lifecycle';
import { api, deliverEmail } from '../test/helpers';
import { sanitizedHtml } from './email';
import { subjectKey } from './adapters/email';

const KEY = 'mailkey-0123456789abcdef';

const mail = (raw: string, to = `${KEY}@tocsin.test`, from = 'alerts@monitor.example') =>
  deliverEmail(raw, { from, to });

const message = (subject: string, body = 'Disk usage on db-1 is 97%.') =>
  [
    'From: zabbix@monitor.example',
    `To: ${KEY}@tocsin.test`,
    `Subject: ${subject}`,
    `Message-ID: <${crypto.randomUUID()}@monitor.example>`,
    'Date: Tue, 24 Nov 2026 17:40:00 +0000',
    'Content-Type: text/plain; charset=UTF-8',
    '',
    body,
  ].join('\r\n');

async function incidentOf(eventId: string) {
  const integration = (await api('GET', '/integrations/mail')).body.id as string;
  return (await env.INCIDENTS.getByName(incidentObjectName(integration, eventId)).latestIncident()) as Incident | null;
}

beforeAll(async () => {
  const result = await api('PUT', '/config', {
    services: [{ id: 'mailsvc', name: 'Mail' }],
    integrations: [
      {
        id: 'mail',
        name: 'Zabbix mail',
        type: 'email',
        service: 'mailsvc',
        key: KEY,
        email: { creation: 'per_subject', resolve_keywords: ['RESOLVED', '[해결]'] },
      },
    ],
  });
  expect(result.status, JSON.stringify(result.body)).toBe(200);
});

describe('email ingest', () => {
  it('opens an incident from a real multipart message, its subject decoded (RFC 2047), attachments listed', async () => {
    const rejected = await mail(encodedSubject, `oncall+${KEY}@tocsin.test`);
    expect(rejected).not.toHaveBeenCalled();
    const key = `subject:${subjectKey('[ALERT] Überlast auf db-1 — Festplatte 97% ✓', ['RESOLVED', '[해결]'])}`;
    const incident = await incidentOf(key);
    expect(incident).toMatchObject({ status: 'triggered', summary: '[ALERT] Überlast auf db-1 — Festplatte 97% ✓' });
    const detail = (await api('GET', `/incidents/${incident!.id}`)).body;
    expect(detail.alerts[0].payload).toMatchObject({
      subject: '[ALERT] Überlast auf db-1 — Festplatte 97% ✓',
      attachments: [{ filename: 'metrics.csv', mimeType: 'text/csv', size: 40 }],
    });
    expect(detail.alerts[0].payload.text).toContain('日本語テキスト');
  });

  it('reads 8-bit UTF-8 subjects and GNU mail’s multipart', async () => {
    expect(await mail(eightBit)).not.toHaveBeenCalled();
    expect(await mail(mailutils)).not.toHaveBeenCalled();
  });

  it('closes the incident of the same subject when a recovery mail comes, in English or Korean', async () => {
    await mail(message('PROBLEM: Disk full on db-7'));
    const key = `subject:${subjectKey('Disk full on db-7', [])}`;
    expect((await incidentOf(key))?.status).toBe('triggered');
    await mail(message('RESOLVED: Disk full on db-7'));
    expect((await incidentOf(key))?.status).toBe('resolved');

    await mail(message('[장애] 결제 서버 응답 없음'));
    const korean = `subject:${subjectKey('결제 서버 응답 없음', [])}`;
    expect((await incidentOf(korean))?.status).toBe('triggered');
    await mail(message('[해결] 결제 서버 응답 없음'));
    expect((await incidentOf(korean))?.status).toBe('resolved');
  });

  it('bounces a message too large, and treats mail to another address as a reply', async () => {
    const huge = await mail(message('big', 'x'.repeat(3 * 1024 * 1024)));
    expect(huge).toHaveBeenCalledWith(expect.stringMatching(/over 2 MiB/));
    const stray = await mail(message('hello'), 'someone-else@tocsin.test');
    expect(stray).toHaveBeenCalledWith(expect.stringMatching(/reply with "ack" or "resolve"/));
  });

  it('shows the address on the integration and in the exported configuration', async () => {
    expect((await api('GET', '/integrations/mail')).body.email_address).toBe(`${KEY}@tocsin.test`);
    const exported = (await api('GET', '/config')).body;
    const mail = exported.integrations.find((i: { id: string }) => i.id === 'mail');
    expect(mail.email_address).toBe(`${KEY}@tocsin.test`);
    // The exported document applies again as it is, changing nothing.
    expect(await api('PUT', '/config', { integrations: exported.integrations })).toMatchObject({
      status: 200,
      body: { changed: false },
    });
  });
});

describe('an alert email’s parts', () => {
  it('keep no script, handler or javascript: link in the HTML', () => {
    const html = sanitizedHtml(
      '<p onclick="steal()">hi</p><script>alert(1)</script><a href="javascript:alert(1)">x</a><img src=x onerror=alert(1)>',
    );
    expect(html).toBe('<p>hi</p><a href="#">x</a><img src=x>');
  });

  it('name an alert by its subject without status words or reply prefixes', () => {
    const words = ['RESOLVED', 'OK'];
    expect(subjectKey('Re: PROBLEM: Disk full on db-1', words)).toBe(subjectKey('RESOLVED: Disk full on db-1', words));
    expect(subjectKey('OK: TOKEN expired', words)).toBe('token expired');
  });
});
