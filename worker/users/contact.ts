// A user's contact methods and personal notification rules, and the pages they make once an
// escalation reaches the user.
import { z } from 'zod';
import { pushSubscriptionSchema } from '../notify/providers/push';
import { contactMethodTypeSchema, handleSchema, type ContactMethodType } from '../vocabulary';

export { contactMethodTypeSchema, type ContactMethodType };
import { after } from '../escalation/delay';
import { urgencySchema, type Locale, type Urgency } from '../vocabulary';

const phone = z.string().regex(/^\+[1-9][0-9]{6,14}$/, 'an E.164 phone number such as +821012345678');
const webhook = z.url({ protocol: /^https?$/, error: 'the https URL of an incoming webhook' }).max(1000);

/** What each type's address is, as its provider needs it. */
const addressSchemas: Record<ContactMethodType, z.ZodType> = {
  email: z.email('an email address'),
  sms: phone,
  voice: phone,
  kakao: phone,
  slack: z.string().regex(/^[UW][A-Z0-9]{2,20}$/, 'a Slack member id such as U012AB3CD'),
  telegram: z.string().regex(/^-?[0-9]{1,20}$/, 'a Telegram chat id such as 123456789'),
  teams: webhook,
  discord: webhook,
  push: z.string().transform((text, ctx) => {
    try {
      if (pushSubscriptionSchema.safeParse(JSON.parse(text)).success) return text;
    } catch {
      // Not JSON: reported below.
    }
    ctx.addIssue({ code: 'custom', message: 'a push subscription: {"endpoint", "keys": {"p256dh", "auth"}}' });
    return z.NEVER;
  }),
};

/** `address` is the phone number, email address, chat id… as the type's provider needs it. */
export const contactMethodSchema = z
  .object({
    id: handleSchema,
    type: contactMethodTypeSchema,
    address: z
      // A push subscription may be given as the object the browser gives; it is kept as its JSON.
      .union([z.string().min(1).max(4096), pushSubscriptionSchema.transform((s) => JSON.stringify(s))])
      .optional(),
  })
  .strict()
  .superRefine((method, ctx) => {
    if (method.address === undefined) return;
    const parsed = addressSchemas[method.type].safeParse(method.address);
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', path: ['address'], message: parsed.error.issues[0]?.message ?? 'invalid' });
    }
  });

/** For incidents of these urgencies, page through `contact_method` this long after being reached. */
export const notificationRuleSchema = z
  .object({
    urgencies: z.array(urgencySchema).min(1).max(urgencySchema.options.length),
    contact_method: handleSchema,
    delay_minutes: z
      .number()
      .nonnegative()
      .max(24 * 60),
    /** Wake-up mode (voice, push): page again this often until the incident is acknowledged… */
    repeat_every_minutes: z.number().min(1).max(60).optional(),
    /** …at most this many more times. */
    repeat_max: z.number().int().min(1).max(20).optional(),
  })
  .strict()
  .refine((rule) => (rule.repeat_every_minutes === undefined) === (rule.repeat_max === undefined), {
    message: 'repeat_every_minutes and repeat_max go together',
    path: ['repeat_max'],
  });

/** The channels that can wake someone: a page repeated over SMS or email would only be noise. */
export const WAKE_UP_CHANNELS: readonly ContactMethodType[] = ['voice', 'push'];

/** Upper bounds on what one user holds. */
export const MAX_CONTACT_METHODS = 20;
export const MAX_NOTIFICATION_RULES = 50;

export type ContactMethod = z.infer<typeof contactMethodSchema>;
export type NotificationRule = z.infer<typeof notificationRuleSchema>;

/** What paging a user needs to know about them. */
export type Reachable = {
  handle: string;
  /** As people read it (an extension's ASSIGNEE). */
  name?: string;
  email?: string;
  /** How their messages read. */
  locale?: Locale;
  time_zone?: string;
  contact_methods: ContactMethod[];
  notification_rules: NotificationRule[];
};

/**
 * One message to send: to `user` through `contactMethod` at `at`, by rule number `rule` (null: by
 * default); `repeat` counts a wake-up rule's repeats (0: the first page).
 */
export type Page = { user: string; contactMethod: ContactMethod; at: Date; rule: number | null; repeat?: number };

/** A finding in a user's config, with its path relative to the user. */
export type ContactProblem = { path: (string | number)[]; message: string };

/**
 * The user's pages for an incident of `urgency` that reaches them at `firedAt`, by time then rule order.
 * Without a usable rule for the urgency, every contact method is paged at once, as PagerDuty does for a
 * new user; without contact methods, the user's email is. [] means the user cannot be reached.
 */
export function pagesFor(user: Reachable, urgency: Urgency, firedAt: Date): Page[] {
  const byRules = rulePages(user, urgency, firedAt);
  return byRules.length > 0 ? byRules : defaultPages(user, firedAt);
}

function rulePages(user: Reachable, urgency: Urgency, firedAt: Date): Page[] {
  const pages = user.notification_rules.flatMap((rule, i): Page[] => {
    if (!rule.urgencies.includes(urgency)) return [];
    const method = user.contact_methods.find((m) => m.id === rule.contact_method);
    const usable = method && deliverable(user, method);
    if (!usable) return [];
    const first = after(firedAt, rule.delay_minutes);
    const repeats = rule.repeat_max ?? 0;
    return Array.from({ length: repeats + 1 }, (_, k): Page => {
      const at = after(first, k * (rule.repeat_every_minutes ?? 0));
      return { user: user.handle, contactMethod: usable, at, rule: i, ...(k > 0 ? { repeat: k } : {}) };
    });
  });
  // Array sort is stable, so pages at the same time keep rule order.
  return pages.sort((a, b) => a.at.getTime() - b.at.getTime());
}

function defaultPages(user: Reachable, firedAt: Date): Page[] {
  const methods = user.contact_methods.flatMap((m) => deliverable(user, m) ?? []);
  if (methods.length === 0 && user.email !== undefined) {
    methods.push({ id: 'email', type: 'email', address: user.email });
  }
  return methods.map((contactMethod) => ({ user: user.handle, contactMethod, at: new Date(firedAt), rule: null }));
}

/** The method with the address its provider will use, or undefined when it has none to use. */
function deliverable(user: Reachable, method: ContactMethod): ContactMethod | undefined {
  if (method.address !== undefined || method.type === 'push') return method;
  if (method.type === 'email' && user.email !== undefined) return { ...method, address: user.email };
  return undefined;
}

/** Rules naming a missing contact method, repeated ids, and methods with no address to send to. */
export function contactMethodProblems(user: Reachable): ContactProblem[] {
  const problems: ContactProblem[] = [];
  const ids = new Set<string>();
  user.contact_methods.forEach((method, i) => {
    // Rules name contact methods by id, so an id must name one method.
    if (ids.has(method.id)) {
      problems.push({ path: ['contact_methods', i, 'id'], message: `duplicate contact method id ${method.id}` });
    }
    ids.add(method.id);
    if (!deliverable(user, method)) {
      const message =
        method.type === 'email'
          ? 'an email contact method needs an address when the user has no email'
          : `a ${method.type} contact method needs an address`;
      problems.push({ path: ['contact_methods', i, 'address'], message });
    }
  });
  user.notification_rules.forEach((rule, j) => {
    const method = user.contact_methods.find((m) => m.id === rule.contact_method);
    if (!method) {
      problems.push({
        path: ['notification_rules', j, 'contact_method'],
        message: `${user.handle} has no contact method ${rule.contact_method}`,
      });
    } else if (rule.repeat_max !== undefined && !WAKE_UP_CHANNELS.includes(method.type)) {
      problems.push({
        path: ['notification_rules', j, 'repeat_every_minutes'],
        message: `only ${WAKE_UP_CHANNELS.join(' and ')} pages repeat; ${rule.contact_method} is ${method.type}`,
      });
    }
  });
  return problems;
}

/** How a user hears of something that is not an incident (a handoff): every way but a phone call. */
export function noticeMethods(user: Reachable & { email?: string }): ContactMethod[] {
  const quiet = user.contact_methods.filter((m) => m.type !== 'voice');
  if (quiet.length > 0)
    return quiet.map((m) => (m.type === 'email' && !m.address && user.email ? { ...m, address: user.email } : m));
  return user.email ? [{ id: 'email', type: 'email', address: user.email }] : [];
}
