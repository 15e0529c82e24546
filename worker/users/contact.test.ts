import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import {
  contactMethodProblems,
  contactMethodSchema,
  notificationRuleSchema,
  pagesFor,
  type Page,
  type Reachable,
} from './contact';

const usersYaml = `
users:
  - id: kim
    name: Kim Minji
    email: kim@example.com
    contact_methods:
      - { id: kim-push, type: push }
      - { id: kim-sms, type: sms, address: "+821000000001" }
    notification_rules:
      - { urgencies: [highest, high], contact_method: kim-push, delay_minutes: 0 }
      - { urgencies: [highest, high], contact_method: kim-sms, delay_minutes: 2 }
`;

const userContactSchema = z.object({
  id: z.string(),
  email: z.string().optional(),
  contact_methods: z.array(contactMethodSchema),
  notification_rules: z.array(notificationRuleSchema),
});

function reachable(raw: unknown): Reachable {
  const { id, ...rest } = userContactSchema.parse(raw);
  return { handle: id, ...rest };
}

const kim = reachable(parse(usersYaml).users[0]);
const t0 = new Date('2026-11-02T09:00:00Z');

/** Pages as `+minutes method (rule)`, for comparing whole lists. */
const readable = (pages: Page[]) =>
  pages.map(
    (p) => `+${(p.at.getTime() - t0.getTime()) / 60_000}m ${p.user} ${p.contactMethod.id} ${p.rule ?? 'default'}`,
  );

function user(fields: Partial<Reachable>): Reachable {
  return { handle: 'lee', contact_methods: [], notification_rules: [], ...fields };
}

describe('contact methods and notification rules from the config example', () => {
  it('parse from YAML', () => {
    expect(kim.contact_methods.map((m) => m.type)).toEqual(['push', 'sms']);
    expect(kim.notification_rules[1]).toEqual({
      urgencies: ['highest', 'high'],
      contact_method: 'kim-sms',
      delay_minutes: 2,
    });
  });

  it('page a high-urgency incident by push at once and by SMS two minutes later', () => {
    const pages = pagesFor(kim, 'high', t0);
    expect(readable(pages)).toEqual(['+0m kim kim-push 0', '+2m kim kim-sms 1']);
    expect(pages[1]!.contactMethod).toEqual({ id: 'kim-sms', type: 'sms', address: '+821000000001' });
  });

  it('page an urgency no rule covers through every contact method at once', () => {
    expect(readable(pagesFor(kim, 'low', t0))).toEqual(['+0m kim kim-push default', '+0m kim kim-sms default']);
  });

  it('are valid as given', () => {
    expect(contactMethodProblems(kim)).toEqual([]);
  });
});

describe('paging a user', () => {
  it('sorts pages by time, then by rule order', () => {
    const lee = user({
      contact_methods: [
        { id: 'voice', type: 'voice', address: '+15550001' },
        { id: 'push', type: 'push' },
      ],
      notification_rules: [
        { urgencies: ['high'], contact_method: 'voice', delay_minutes: 10 },
        { urgencies: ['high'], contact_method: 'push', delay_minutes: 0 },
        { urgencies: ['high'], contact_method: 'voice', delay_minutes: 0 },
      ],
    });
    expect(readable(pagesFor(lee, 'high', t0))).toEqual(['+0m lee push 1', '+0m lee voice 2', '+10m lee voice 0']);
  });

  it('only follows rules for the incident urgency', () => {
    const lee = user({
      contact_methods: [
        { id: 'push', type: 'push' },
        { id: 'sms', type: 'sms', address: '+15550001' },
      ],
      notification_rules: [
        { urgencies: ['highest'], contact_method: 'sms', delay_minutes: 0 },
        { urgencies: ['medium', 'low'], contact_method: 'push', delay_minutes: 1 },
      ],
    });
    expect(readable(pagesFor(lee, 'highest', t0))).toEqual(['+0m lee sms 0']);
    expect(readable(pagesFor(lee, 'low', t0))).toEqual(['+1m lee push 1']);
  });

  it('waits fractional minutes to the millisecond', () => {
    const lee = user({
      contact_methods: [{ id: 'push', type: 'push' }],
      notification_rules: [{ urgencies: ['high'], contact_method: 'push', delay_minutes: 0.05 }],
    });
    expect(pagesFor(lee, 'high', t0)[0]!.at.getTime() - t0.getTime()).toBe(3000);
  });

  it('emails a user with no contact methods at their address at once', () => {
    expect(pagesFor(user({ email: 'lee@example.com' }), 'high', t0)).toEqual([
      { user: 'lee', contactMethod: { id: 'email', type: 'email', address: 'lee@example.com' }, at: t0, rule: null },
    ]);
  });

  it('cannot page a user with neither contact methods nor email', () => {
    expect(pagesFor(user({}), 'highest', t0)).toEqual([]);
  });

  it("sends an email contact method without an address to the user's email", () => {
    const lee = user({ email: 'lee@example.com', contact_methods: [{ id: 'mail', type: 'email' }] });
    expect(pagesFor(lee, 'high', t0)[0]!.contactMethod).toEqual({
      id: 'mail',
      type: 'email',
      address: 'lee@example.com',
    });
  });

  it('falls back to the default when the only rules for the urgency name a missing contact method', () => {
    const lee = user({
      contact_methods: [{ id: 'push', type: 'push' }],
      notification_rules: [{ urgencies: ['high'], contact_method: 'gone', delay_minutes: 0 }],
    });
    expect(readable(pagesFor(lee, 'high', t0))).toEqual(['+0m lee push default']);
  });
});

describe('contact method problems', () => {
  it('name a rule whose contact method the user does not have', () => {
    const lee = user({
      contact_methods: [{ id: 'push', type: 'push' }],
      notification_rules: [
        { urgencies: ['high'], contact_method: 'push', delay_minutes: 0 },
        { urgencies: ['high'], contact_method: 'lee-sms', delay_minutes: 5 },
      ],
    });
    expect(contactMethodProblems(lee)).toEqual([
      { path: ['notification_rules', 1, 'contact_method'], message: 'lee has no contact method lee-sms' },
    ]);
  });

  it('name contact methods that need an address and have none', () => {
    const lee = user({
      contact_methods: (['sms', 'voice', 'kakao', 'telegram', 'slack', 'email', 'push'] as const).map((type) => ({
        id: type,
        type,
      })),
    });
    expect(contactMethodProblems(lee).map((p) => p.path)).toEqual(
      [0, 1, 2, 3, 4, 5].map((i) => ['contact_methods', i, 'address']),
    );
  });

  it('accept an email contact method without an address when the user has an email', () => {
    expect(
      contactMethodProblems(user({ email: 'lee@example.com', contact_methods: [{ id: 'mail', type: 'email' }] })),
    ).toEqual([]);
  });

  it('name a repeated contact method id', () => {
    const lee = user({
      contact_methods: [
        { id: 'push', type: 'push' },
        { id: 'push', type: 'push' },
      ],
    });
    expect(contactMethodProblems(lee)).toEqual([
      { path: ['contact_methods', 1, 'id'], message: 'duplicate contact method id push' },
    ]);
  });
});

describe('the contact schemas', () => {
  const issuePaths = (result: { error?: z.ZodError }) => result.error?.issues.map((i) => i.path);

  it('reject an unknown contact method type and unknown fields', () => {
    expect(contactMethodSchema.safeParse({ id: 'x', type: 'pager' }).success).toBe(false);
    expect(issuePaths(contactMethodSchema.safeParse({ id: 'x', type: 'push', token: 'y' }))).toEqual([[]]);
  });

  it('reject a rule without urgencies or with a negative delay, and accept a fractional one', () => {
    expect(
      issuePaths(notificationRuleSchema.safeParse({ urgencies: [], contact_method: 'x', delay_minutes: 0 })),
    ).toEqual([['urgencies']]);
    expect(
      issuePaths(notificationRuleSchema.safeParse({ urgencies: ['high'], contact_method: 'x', delay_minutes: -1 })),
    ).toEqual([['delay_minutes']]);
    expect(
      notificationRuleSchema.parse({ urgencies: ['high'], contact_method: 'x', delay_minutes: 0.5 }).delay_minutes,
    ).toBe(0.5);
  });
});

describe('wake-up mode', () => {
  const sleeper = user({
    contact_methods: [
      { id: 'call', type: 'voice', address: '+821000000002' },
      { id: 'mail', type: 'email', address: 'lee@example.com' },
    ],
    notification_rules: [
      { urgencies: ['high'], contact_method: 'call', delay_minutes: 1, repeat_every_minutes: 3, repeat_max: 2 },
    ],
  });

  it('repeats a voice page every N minutes, M more times', () => {
    const pages = pagesFor(sleeper, 'high', t0);
    expect(readable(pages)).toEqual(['+1m lee call 0', '+4m lee call 0', '+7m lee call 0']);
    expect(pages.map((p) => p.repeat ?? 0)).toEqual([0, 1, 2]);
  });

  it('is refused for a channel that cannot wake anyone, and needs both fields', () => {
    const noisy = { ...sleeper, notification_rules: [{ ...sleeper.notification_rules[0]!, contact_method: 'mail' }] };
    expect(contactMethodProblems(noisy)).toEqual([
      {
        path: ['notification_rules', 0, 'repeat_every_minutes'],
        message: expect.stringMatching(/only voice and push/),
      },
    ]);
    const half = notificationRuleSchema.safeParse({
      urgencies: ['high'],
      contact_method: 'call',
      delay_minutes: 0,
      repeat_max: 3,
    });
    expect(half.success).toBe(false);
  });
});

describe('contact method addresses', () => {
  const subscription = {
    endpoint: 'https://fcm.googleapis.com/fcm/send/abc',
    keys: { p256dh: 'B'.repeat(87), auth: 'a'.repeat(22) },
  };
  const check = (type: string, address: unknown) => contactMethodSchema.safeParse({ id: 'm', type, address });

  it.each([
    ['email', 'kim@example.com'],
    ['sms', '+821012345678'],
    ['voice', '+14155550100'],
    ['kakao', '+821012345678'],
    ['slack', 'U012AB3CD'],
    ['telegram', '123456789'],
    ['telegram', '-1001234567890'],
    ['teams', 'https://example.webhook.office.com/webhookb2/x'],
    ['discord', 'https://discord.com/api/webhooks/1/abc'],
    ['push', JSON.stringify(subscription)],
  ])('accepts a %s address %s', (type, address) => {
    expect(check(type, address).success).toBe(true);
  });

  it('takes a push subscription as an object too, and keeps it as its JSON', () => {
    const parsed = check('push', subscription);
    expect(parsed.success && JSON.parse(parsed.data.address!)).toEqual(subscription);
  });

  it.each([
    ['email', 'not-an-address', /email/],
    ['sms', '010-1234-5678', /E\.164/],
    ['voice', '+0123', /E\.164/],
    ['slack', '#general', /Slack member id/],
    ['telegram', '@someone', /chat id/],
    ['teams', 'ftp://example.com/hook', /webhook/],
    ['push', '{"endpoint":"http://x"}', /push subscription/],
    ['push', 'not json', /push subscription/],
  ])('refuses a %s address %s, naming the field', (type, address, message) => {
    const result = check(type, address);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path, i.message])).toEqual([
      [['address'], expect.stringMatching(message)],
    ]);
  });
});
