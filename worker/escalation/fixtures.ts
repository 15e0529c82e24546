// The escalation policy from the config docs, and a small directory of people for tests.
import { parse } from 'yaml';
import type { Reachable } from '../users/contact';
import type { Directory } from './escalation';
import { escalationPolicySchema } from './policy';

export const defaultPolicyYaml = `
escalation_policies:
  - id: default
    name: Default
    stop_when: acknowledged               # or resolved (default acknowledged)
    repeat: 1                             # the whole policy runs once more after its last step (default 0)
    repeat_from_step: 1                   # optional (default 1): where a whole-policy repeat restarts (1-based)
    final_notification: true              # default false
    steps:                                # 1..20 steps
      - responders: [{ schedule: primary }]
        delay_minutes: 5                  # before the next step; ≥ 0, fractional (0.1 = 6 s)
      - responders: [{ team: noc }, { random_member_of: noc }, { user: kim }]
        delay_minutes: 10
        repeat: 2                         # this step runs 3 times in all before the next (default 0)
        include_previous: true            # also page every previous step's responders (default false)
`;

export const defaultPolicy = escalationPolicySchema.parse(parse(defaultPolicyYaml).escalation_policies[0]);

/** A policy from its config shape, with an id and name filled in. */
export function policy(fields: Record<string, unknown>) {
  return escalationPolicySchema.parse({ id: 'test', name: 'Test', ...fields });
}

export const kim: Reachable = {
  handle: 'kim',
  email: 'kim@example.com',
  contact_methods: [
    { id: 'kim-push', type: 'push' },
    { id: 'kim-sms', type: 'sms', address: '+821000000001' },
  ],
  notification_rules: [
    { urgencies: ['highest', 'high'], contact_method: 'kim-push', delay_minutes: 0 },
    { urgencies: ['highest', 'high'], contact_method: 'kim-sms', delay_minutes: 2 },
  ],
};
/** No rules: paged through every contact method at once. */
export const lee: Reachable = {
  handle: 'lee',
  contact_methods: [{ id: 'lee-push', type: 'push' }],
  notification_rules: [],
};
/** No contact methods: paged at their email. */
export const park: Reachable = {
  handle: 'park',
  email: 'park@example.com',
  contact_methods: [],
  notification_rules: [],
};

export function directory(fields: {
  schedules?: Record<string, string[] | ((at: Date) => string[])>;
  teams?: Record<string, string[]>;
  users?: Reachable[];
}): Directory {
  const { schedules = {}, teams = {}, users = [kim, lee, park] } = fields;
  return {
    onCall: (schedule, at) => {
      const who = schedules[schedule] ?? [];
      return typeof who === 'function' ? who(at) : who;
    },
    teamMembers: (team) => teams[team] ?? [],
    user: (handle) => users.find((u) => u.handle === handle),
  };
}
