// Alert emails (Zabbix, Nagios, cron, vendors that can only mail): one message, one event. The email
// handler (ingest/email.ts) parses the MIME message and hands the parts here as JSON. How messages
// become incidents is the integration's `email` setting:
//   per_subject     each distinct subject is its own incident (the default; status words stripped, so
//                   "PROBLEM: disk full on db-1" and "RESOLVED: disk full on db-1" are one alert)
//   one_per_window  all mail into one incident per `window_minutes`
//   extract         the dedup key from a regular expression's first group on the subject, then the body
// A subject with one of `resolve_keywords` (or matching `extract.resolve`) closes the matching incident.
import { z } from 'zod';
import { validate } from '../../http';
import { urgencySchema } from '../../vocabulary';
import type { Adapter } from '../adapter';
import { bounded, eventIdOf, instantOf, jsonBody, summaryOf } from '../normalize';

const regexSchema = z
  .string()
  .min(1)
  .max(500)
  .refine((source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  }, 'not a regular expression');

export const emailSettingsSchema = z
  .object({
    creation: z.enum(['per_subject', 'one_per_window', 'extract']).default('per_subject'),
    window_minutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(60),
    extract: z.object({ event_id: regexSchema, resolve: regexSchema.optional() }).strict().optional(),
    resolve_keywords: z
      .array(z.string().trim().min(1).max(100))
      .max(20)
      .default(['RESOLVED', 'RECOVERY', 'RECOVERED', '[해결]', '[복구]']),
    urgency: urgencySchema.default('high'),
  })
  .strict()
  .superRefine((settings, ctx) => {
    if (settings.creation === 'extract' && settings.extract === undefined) {
      ctx.addIssue({ code: 'custom', path: ['extract'], message: 'extract needs extract.event_id' });
    }
  });
export type EmailSettings = z.infer<typeof emailSettingsSchema>;

/** A message as the email handler hands it over. */
export const inboundEmailSchema = z.object({
  from: z.string(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  html: z.string().nullable(),
  attachments: z.array(z.object({ filename: z.string().nullable(), mimeType: z.string(), size: z.number() })),
  messageId: z.string().nullable(),
  date: z.string().nullable(),
});
export type InboundEmail = z.infer<typeof inboundEmailSchema>;

/** An email integration's address: its key at the domain Email Routing sends to the Worker. */
export const emailAddressOf = (key: string, domain: string | undefined) => `${key}@${domain ?? 'localhost'}`;

/** Words a status line is made of, which do not name the alert. */
const STATUS_WORDS = ['problem', 'alert', 'alarm', 'firing', 'triggered', 'critical', 'warning', '장애', '경고'];
const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A keyword as a whole token of the subject (OK must not match "TOKEN"), case-insensitively. */
function hasKeyword(subject: string, keyword: string): boolean {
  return new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegex(keyword)}(?![\\p{L}\\p{N}])`, 'iu').test(subject);
}

/** The subject with reply prefixes, status words and resolve keywords taken out: what names the alert. */
export function subjectKey(subject: string, keywords: readonly string[]): string {
  let key = subject.replace(/^\s*((re|fwd?|aw|wg|답장|전달)\s*:\s*)+/giu, '');
  for (const word of [...keywords, ...STATUS_WORDS]) {
    key = key.replace(new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegex(word)}(?![\\p{L}\\p{N}])`, 'giu'), '$1');
  }
  return key
    .replace(/[[\](){}:|*!\-–—]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

export const email: Adapter = {
  title: 'Email',
  events(request, { now, settings }) {
    const mail = validate(inboundEmailSchema, jsonBody(request, 'The email handler'), 'email');
    const rules = emailSettingsSchema.parse(settings.email ?? {});
    const subject = mail.subject.trim();
    const extracted =
      rules.creation === 'extract'
        ? (new RegExp(rules.extract!.event_id, 'u').exec(subject) ??
          new RegExp(rules.extract!.event_id, 'mu').exec(mail.text))
        : null;
    const key =
      rules.creation === 'one_per_window'
        ? `window:${Math.floor(now.getTime() / (rules.window_minutes * 60_000))}`
        : extracted?.[1]
          ? `extract:${extracted[1]}`
          : `subject:${subjectKey(subject, rules.resolve_keywords) || bounded(mail.from, 200)}`;
    const resolves =
      rules.resolve_keywords.some((word) => hasKeyword(subject, word)) ||
      (rules.extract?.resolve !== undefined && new RegExp(rules.extract.resolve, 'iu').test(subject));
    const firstLine = mail.text.split(/\r?\n/).find((line) => line.trim() !== '');
    return [
      {
        eventId: eventIdOf(key),
        action: resolves ? 'close' : 'open',
        summary: summaryOf(subject, firstLine, `Email from ${mail.from}`),
        urgency: rules.urgency,
        eventTime: instantOf(mail.date, now),
        payload: mail,
        source: mail.from,
        details: { from: mail.from, attachments: mail.attachments },
      },
    ];
  },
};
