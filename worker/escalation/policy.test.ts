import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defaultPolicy, policy } from './fixtures';
import { escalationPolicySchema, policyReferences, singleResponderPolicy } from './policy';

const step = (fields: Record<string, unknown> = {}) => ({ responders: [{ user: 'kim' }], delay_minutes: 5, ...fields });

function issues(fields: Record<string, unknown>) {
  const result = escalationPolicySchema.safeParse({ id: 'test', name: 'Test', ...fields });
  return (result.error?.issues ?? []).map((i) => ({ path: z.core.toDotPath(i.path), message: i.message }));
}

describe('the escalation policy from the config example', () => {
  it('parses from YAML', () => {
    expect(defaultPolicy).toEqual({
      id: 'default',
      name: 'Default',
      stop_when: 'acknowledged',
      repeat: 1,
      repeat_from_step: 1,
      final_notification: true,
      steps: [
        { responders: [{ schedule: 'primary' }], delay_minutes: 5, repeat: 0, include_previous: false },
        {
          responders: [{ team: 'noc' }, { random_member_of: 'noc' }, { user: 'kim' }],
          delay_minutes: 10,
          repeat: 2,
          include_previous: true,
        },
      ],
    });
  });

  it('names the users, schedules and teams it refers to, with their paths', () => {
    expect(policyReferences(defaultPolicy)).toEqual([
      { kind: 'schedule', handle: 'primary', path: ['steps', 0, 'responders', 0, 'schedule'] },
      { kind: 'team', handle: 'noc', path: ['steps', 1, 'responders', 0, 'team'] },
      { kind: 'team', handle: 'noc', path: ['steps', 1, 'responders', 1, 'random_member_of'] },
      { kind: 'user', handle: 'kim', path: ['steps', 1, 'responders', 2, 'user'] },
    ]);
  });
});

describe('escalation policy validation', () => {
  it('fills in the defaults', () => {
    expect(policy({ steps: [step()] })).toMatchObject({
      stop_when: 'acknowledged',
      repeat: 0,
      repeat_from_step: 1,
      final_notification: false,
      steps: [{ repeat: 0, include_previous: false }],
    });
  });

  it('rejects a responder naming two kinds, at that responder', () => {
    expect(issues({ steps: [step(), step({ responders: [{ user: 'kim', team: 'noc' }] })] })).toEqual([
      {
        path: 'steps[1].responders[0]',
        message: 'a responder is one of user, schedule, team or random_member_of, not user and team together',
      },
    ]);
  });

  it('rejects a responder naming nothing known', () => {
    expect(issues({ steps: [step({ responders: [{ rotation: 'x' }] })] })).toEqual([
      {
        path: 'steps[0].responders[0]',
        message: 'a responder is exactly one of user, schedule, team or random_member_of',
      },
    ]);
  });

  it("names a responder's bad handle at its field", () => {
    expect(issues({ steps: [step({ responders: [{ schedule: 'no spaces' }] })] }).map((i) => i.path)).toEqual([
      'steps[0].responders[0].schedule',
    ]);
  });

  it('rejects a step without responders', () => {
    expect(issues({ steps: [step({ responders: [] })] }).map((i) => i.path)).toEqual(['steps[0].responders']);
  });

  it('takes 1 to 20 steps', () => {
    expect(issues({ steps: Array.from({ length: 20 }, () => step()) })).toEqual([]);
    expect(issues({ steps: Array.from({ length: 21 }, () => step()) }).map((i) => i.path)).toEqual(['steps']);
    expect(issues({ steps: [] }).map((i) => i.path)).toEqual(['steps']);
  });

  it('rejects repeat_from_step beyond the last step', () => {
    expect(issues({ repeat: 1, repeat_from_step: 3, steps: [step(), step()] })).toEqual([
      { path: 'repeat_from_step', message: 'repeat_from_step 3 is beyond the last step (2)' },
    ]);
    expect(issues({ repeat: 1, repeat_from_step: 2, steps: [step(), step()] })).toEqual([]);
    expect(issues({ repeat_from_step: 0, steps: [step()] }).map((i) => i.path)).toEqual(['repeat_from_step']);
  });

  it('takes fractional delays but not negative ones', () => {
    expect(issues({ steps: [step({ delay_minutes: 0.1 })] })).toEqual([]);
    expect(issues({ steps: [step({ delay_minutes: -1 })] }).map((i) => i.path)).toEqual(['steps[0].delay_minutes']);
  });

  it('counts repeats in whole runs', () => {
    expect(issues({ repeat: 1.5, steps: [step({ repeat: -1 })] }).map((i) => i.path)).toEqual([
      'repeat',
      'steps[0].repeat',
    ]);
  });

  it('rejects unknown fields and an unknown stop_when', () => {
    expect(issues({ stop_when: 'closed', steps: [step({ wait: 3 })] }).map((i) => i.path)).toEqual([
      'stop_when',
      'steps[0]',
    ]);
  });
});

describe('escalation policy bounds', () => {
  it('refuses a policy that repeats steps which wait for nothing, at repeat', () => {
    const instant = step({ delay_minutes: 0 });
    expect(issues({ repeat: 3, steps: [instant, instant] }).map((i) => i.path)).toEqual(['repeat']);
    expect(issues({ repeat: 3, repeat_from_step: 2, steps: [step(), instant] }).map((i) => i.path)).toEqual(['repeat']);
    expect(issues({ repeat: 3, steps: [instant, step()] })).toEqual([]);
    expect(issues({ repeat: 0, steps: [instant] })).toEqual([]);
  });

  it('refuses a step that repeats without a delay, at the step', () => {
    expect(issues({ steps: [step({ delay_minutes: 0, repeat: 2 })] }).map((i) => i.path)).toEqual(['steps[0].repeat']);
  });

  it('caps repeats, steps, responders and delays', () => {
    expect(issues({ repeat: 21, steps: [step()] }).map((i) => i.path)).toEqual(['repeat']);
    expect(issues({ steps: [step({ repeat: 21 })] }).map((i) => i.path)).toEqual(['steps[0].repeat']);
    expect(issues({ steps: Array.from({ length: 21 }, () => step()) }).map((i) => i.path)).toEqual(['steps']);
    const many = Array.from({ length: 21 }, (_, i) => ({ user: `u${i}` }));
    expect(issues({ steps: [step({ responders: many })] }).map((i) => i.path)).toEqual(['steps[0].responders']);
    expect(issues({ steps: [step({ delay_minutes: 7 * 24 * 60 + 1 })] }).map((i) => i.path)).toEqual([
      'steps[0].delay_minutes',
    ]);
  });
});

describe('a single-responder policy', () => {
  it('is a valid one-step policy without repeats', () => {
    const single = singleResponderPolicy({ schedule: 'primary' }, 'service-web');
    expect(escalationPolicySchema.parse(single)).toEqual(single);
    expect(single.steps).toHaveLength(1);
    expect(single).toMatchObject({
      repeat: 0,
      final_notification: false,
      steps: [{ responders: [{ schedule: 'primary' }], repeat: 0 }],
    });
  });
});
