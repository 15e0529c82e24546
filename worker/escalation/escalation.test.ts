import { describe, expect, it, vi } from 'vitest';
import type { Page } from '../users/contact';
import {
  fireStep,
  firstPosition,
  minutes,
  nextPosition,
  planEscalation,
  seededPick,
  stepResponders,
  type EscalationContext,
  type EscalationEvent,
  type Pick,
  type Position,
} from './escalation';
import { defaultPolicy, directory, lee, policy } from './fixtures';
import { singleResponderPolicy } from './policy';

const t0 = new Date('2026-11-02T09:00:00Z');
const plus = (m: number) => new Date(t0.getTime() + minutes(m));
const offset = (at: Date) => `+${(at.getTime() - t0.getTime()) / 60_000}m`;
const pos = (cycle: number, step: number, run: number): Position => ({ cycle, step, run });
const where = (p: Position | 'final') => (p === 'final' ? 'final' : `c${p.cycle} s${p.step} r${p.run}`);

const last: Pick = (candidates) => candidates[candidates.length - 1]!;

/** Events as `+minutes type position: detail`, for comparing whole timelines. */
function timeline(events: EscalationEvent[]) {
  return events.map((e) => {
    switch (e.type) {
      case 'escalated':
        return `${offset(e.at)} escalated ${where(e.position)}: ${e.users.join(', ')}`;
      case 'final_notification':
        return `${offset(e.at)} final: ${e.users.join(', ')}`;
      case 'step_skipped':
        return `${offset(e.at)} skipped ${where(e.position)}: ${e.reason}`;
      case 'cannot_reach':
        return `${offset(e.at)} cannot reach ${e.user} at ${where(e.position)}: ${e.reason}`;
      case 'exhausted':
        return `${offset(e.at)} exhausted`;
    }
  });
}

const sent = (pages: Page[]) => pages.map((p) => `${offset(p.at)} ${p.user} ${p.contactMethod.id}`);

const noc = directory({ schedules: { primary: ['kim'] }, teams: { noc: ['kim', 'lee', 'park'] } });
const ctx: EscalationContext = { directory: noc, pick: last, urgency: 'high' };

describe('the default policy from the config example, if nobody acknowledges', () => {
  const plan = planEscalation(defaultPolicy, ctx, t0);

  it('steps through both steps, repeats step 2 twice, runs the policy once more, then notifies everyone', () => {
    const all = 'kim, lee, park';
    expect(timeline(plan.events)).toEqual([
      '+0m escalated c0 s0 r0: kim',
      `+5m escalated c0 s1 r0: ${all}`,
      `+15m escalated c0 s1 r1: ${all}`,
      `+25m escalated c0 s1 r2: ${all}`,
      '+35m escalated c1 s0 r0: kim',
      `+40m escalated c1 s1 r0: ${all}`,
      `+50m escalated c1 s1 r1: ${all}`,
      `+60m escalated c1 s1 r2: ${all}`,
      `+70m final: ${all}`,
      '+70m exhausted',
    ]);
    expect(plan.next).toBeNull();
  });

  it('pages kim by push and two minutes later by SMS, and lee and park by their defaults', () => {
    const everyone = (m: number) => [`+${m}m kim kim-push`, `+${m}m lee lee-push`, `+${m}m park email`];
    expect(sent(plan.pages)).toEqual([
      '+0m kim kim-push',
      '+2m kim kim-sms',
      ...everyone(5),
      '+7m kim kim-sms',
      ...everyone(15),
      '+17m kim kim-sms',
      ...everyone(25),
      '+27m kim kim-sms',
      '+35m kim kim-push',
      '+37m kim kim-sms',
      ...everyone(40),
      '+42m kim kim-sms',
      ...everyone(50),
      '+52m kim kim-sms',
      ...everyone(60),
      '+62m kim kim-sms',
      ...everyone(70),
      '+72m kim kim-sms',
    ]);
  });

  it('says which responders brought each user in at step 2, including step 1 schedule', () => {
    expect(plan.events[1]).toEqual({
      type: 'escalated',
      at: plus(5),
      position: pos(0, 1, 0),
      users: ['kim', 'lee', 'park'],
      via: {
        kim: ['schedule:primary', 'team:noc', 'user:kim'],
        lee: ['team:noc'],
        park: ['team:noc', 'random_member_of:noc'],
      },
    });
  });
});

describe('the next position', () => {
  const steps = (n: number, fields: Record<string, unknown> = {}) =>
    Array.from({ length: n }, () => ({ responders: [{ user: 'kim' }], delay_minutes: 1, ...fields }));

  /** Every position from the first until the policy ends. */
  function walk(p: ReturnType<typeof policy>) {
    const seen: string[] = [];
    let at: Position | 'final' | 'exhausted' = firstPosition();
    while (at !== 'final' && at !== 'exhausted') {
      seen.push(where(at));
      at = nextPosition(p, at);
    }
    return [...seen, at];
  }

  it('runs a step repeat + 1 times before the next step', () => {
    expect(walk(policy({ steps: [{ ...steps(1)[0], repeat: 2 }, ...steps(1)] }))).toEqual([
      'c0 s0 r0',
      'c0 s0 r1',
      'c0 s0 r2',
      'c0 s1 r0',
      'exhausted',
    ]);
  });

  it('runs the whole policy repeat + 1 times, restarting from repeat_from_step', () => {
    expect(walk(policy({ repeat: 2, repeat_from_step: 2, steps: steps(3) }))).toEqual([
      'c0 s0 r0',
      'c0 s1 r0',
      'c0 s2 r0',
      'c1 s1 r0',
      'c1 s2 r0',
      'c2 s1 r0',
      'c2 s2 r0',
      'exhausted',
    ]);
  });

  it('ends in the final notification when the policy has one', () => {
    expect(walk(policy({ final_notification: true, steps: steps(1) }))).toEqual(['c0 s0 r0', 'final']);
  });
});

describe('who a step pages', () => {
  it('pages only its own responders without include_previous', () => {
    const p = policy({
      steps: [
        { responders: [{ schedule: 'primary' }], delay_minutes: 5 },
        { responders: [{ user: 'lee' }], delay_minutes: 5 },
      ],
    });
    expect(stepResponders(p, pos(0, 1, 0), noc, t0, last)).toEqual({ users: ['lee'], via: { lee: ['user:lee'] } });
  });

  it('resolves schedules at the time the step fires', () => {
    const shifts = directory({ schedules: { primary: (at) => (at < plus(10) ? ['kim'] : ['lee']) } });
    const p = policy({ steps: [{ responders: [{ schedule: 'primary' }], delay_minutes: 0 }] });
    expect(stepResponders(p, pos(0, 0, 0), shifts, plus(9), last).users).toEqual(['kim']);
    expect(stepResponders(p, pos(0, 0, 0), shifts, plus(10), last).users).toEqual(['lee']);
  });

  it('pages no one for a random member of an empty team, without asking pick', () => {
    const pick = vi.fn<Pick>(last);
    const p = policy({ steps: [{ responders: [{ random_member_of: 'empty' }], delay_minutes: 0 }] });
    expect(stepResponders(p, pos(0, 0, 0), noc, t0, pick)).toEqual({ users: [], via: {} });
    expect(pick).not.toHaveBeenCalled();
  });

  it('asks pick with the same key for the same position, and a different key elsewhere', () => {
    const pick = vi.fn<Pick>(last);
    const p = policy({
      steps: [
        { responders: [{ random_member_of: 'noc' }, { random_member_of: 'noc' }], delay_minutes: 1, repeat: 1 },
        { responders: [{ user: 'kim' }], delay_minutes: 1, include_previous: true },
      ],
    });
    const keysAt = (position: Position) => {
      pick.mockClear();
      stepResponders(p, position, noc, t0, pick);
      return pick.mock.calls.map(([candidates, key]) => {
        expect(candidates).toEqual(['kim', 'lee', 'park']);
        return key;
      });
    };
    const first = keysAt(pos(0, 0, 0));
    expect(keysAt(pos(0, 0, 0))).toEqual(first);
    expect(new Set(first).size).toBe(2);
    const all = [first, keysAt(pos(0, 0, 1)), keysAt(pos(0, 1, 0)), keysAt(pos(1, 0, 0))].flat();
    expect(new Set(all).size).toBe(all.length);
  });

  it('keeps a user whose handle is an Object.prototype name', () => {
    const p = policy({ steps: [{ responders: [{ user: 'constructor' }, { user: 'toString' }], delay_minutes: 0 }] });
    expect(stepResponders(p, pos(0, 0, 0), noc, t0, last)).toEqual({
      users: ['constructor', 'toString'],
      via: { constructor: ['user:constructor'], toString: ['user:toString'] },
    });
  });
});

describe('firing a step', () => {
  const twoSteps = policy({
    steps: [
      { responders: [{ schedule: 'empty' }, { team: 'nobody' }], delay_minutes: 5 },
      { responders: [{ user: 'kim' }], delay_minutes: 5 },
    ],
  });

  it('skips a step that resolves to nobody at once, saying why', () => {
    const firing = fireStep(twoSteps, firstPosition(), ctx, t0);
    expect(firing).toEqual({
      events: [
        {
          type: 'step_skipped',
          at: t0,
          position: pos(0, 0, 0),
          reason: 'no one is on call for schedule empty; team nobody has no members',
        },
      ],
      pages: [],
      next: { at: t0, position: pos(0, 1, 0) },
    });
  });

  it('goes straight to the next step in the plan after a skipped one', () => {
    const plan = planEscalation(twoSteps, ctx, t0);
    expect(timeline(plan.events)).toEqual([
      '+0m skipped c0 s0 r0: no one is on call for schedule empty; team nobody has no members',
      '+0m escalated c0 s1 r0: kim',
      '+0m exhausted',
    ]);
    expect(sent(plan.pages)).toEqual(['+0m kim kim-push', '+2m kim kim-sms']);
  });

  it('exhausts a policy whose every step is empty without waiting', () => {
    const empty = policy({
      repeat: 1,
      steps: [
        { responders: [{ schedule: 'empty' }], delay_minutes: 30 },
        { responders: [{ random_member_of: 'nobody' }], delay_minutes: 30, repeat: 1 },
      ],
    });
    const plan = planEscalation(empty, ctx, t0);
    expect(timeline(plan.events)).toEqual([
      '+0m skipped c0 s0 r0: no one is on call for schedule empty',
      '+0m skipped c0 s1 r0: team nobody has no members',
      '+0m skipped c0 s1 r1: team nobody has no members',
      '+0m skipped c1 s0 r0: no one is on call for schedule empty',
      '+0m skipped c1 s1 r0: team nobody has no members',
      '+0m skipped c1 s1 r1: team nobody has no members',
      '+0m exhausted',
    ]);
    expect(plan.pages).toEqual([]);
  });

  it('logs a user who cannot be reached and pages the others', () => {
    const p = policy({
      steps: [{ responders: [{ user: 'ghost' }, { user: 'mute' }, { user: 'lee' }], delay_minutes: 1 }],
    });
    const people = directory({ users: [{ handle: 'mute', contact_methods: [], notification_rules: [] }, lee] });
    const firing = fireStep(p, firstPosition(), { ...ctx, directory: people }, t0);
    expect(timeline(firing.events)).toEqual([
      '+0m escalated c0 s0 r0: ghost, mute, lee',
      '+0m cannot reach ghost at c0 s0 r0: there is no user ghost',
      '+0m cannot reach mute at c0 s0 r0: mute has no contact method and no email',
      '+0m exhausted',
    ]);
    expect(sent(firing.pages)).toEqual(['+0m lee lee-push']);
  });

  it("follows each user's rules for the incident urgency", () => {
    const p = policy({ steps: [{ responders: [{ user: 'kim' }], delay_minutes: 1 }] });
    expect(sent(fireStep(p, firstPosition(), { ...ctx, urgency: 'highest' }, t0).pages)).toEqual([
      '+0m kim kim-push',
      '+2m kim kim-sms',
    ]);
    expect(sent(fireStep(p, firstPosition(), { ...ctx, urgency: 'low' }, t0).pages)).toEqual([
      '+0m kim kim-push',
      '+0m kim kim-sms',
    ]);
  });

  it('waits fractional delays to the millisecond', () => {
    expect(minutes(0.1)).toBe(6000);
    expect(minutes(0.05)).toBe(3000);
    const p = policy({
      steps: [
        { responders: [{ user: 'kim' }], delay_minutes: 0.1 },
        { responders: [{ user: 'lee' }], delay_minutes: 0 },
      ],
    });
    expect(fireStep(p, firstPosition(), ctx, t0).next).toEqual({
      at: new Date(t0.getTime() + 6000),
      position: pos(0, 1, 0),
    });
  });

  it('fires the final notification at every responder of every step once, then ends', () => {
    const firing = fireStep(defaultPolicy, 'final', ctx, t0);
    expect(firing.events[0]).toEqual({
      type: 'final_notification',
      at: t0,
      users: ['kim', 'lee', 'park'],
      via: {
        kim: ['schedule:primary', 'team:noc', 'user:kim'],
        lee: ['team:noc'],
        park: ['team:noc', 'random_member_of:noc'],
      },
    });
    expect(timeline(firing.events.slice(1))).toEqual(['+0m exhausted']);
    expect(firing.next).toBeNull();
  });

  it('moves to the final notification after the last step delay', () => {
    const p = policy({ final_notification: true, steps: [{ responders: [{ user: 'kim' }], delay_minutes: 3 }] });
    expect(fireStep(p, firstPosition(), ctx, t0)).toMatchObject({ next: { at: plus(3), position: 'final' } });
  });
});

describe('planning an escalation', () => {
  it('ends a zero-delay policy after maxFirings, returning the firing it stopped before', () => {
    // The schema refuses such a policy; the engine stops it anyway.
    const spin = { ...policy({ steps: [{ responders: [{ user: 'lee' }], delay_minutes: 0 }] }), repeat: 1_000_000 };
    const plan = planEscalation(spin, ctx, t0);
    expect(plan.events).toHaveLength(1000);
    expect(plan.next).toEqual({ at: t0, position: pos(1000, 0, 0) });
    expect(planEscalation(spin, ctx, t0, { maxFirings: 3 }).events).toHaveLength(3);
  });

  it('leaves out firings after until', () => {
    const plan = planEscalation(defaultPolicy, ctx, t0, { until: plus(15) });
    expect(timeline(plan.events).map((e) => e.split(':')[0])).toEqual([
      '+0m escalated c0 s0 r0',
      '+5m escalated c0 s1 r0',
      '+15m escalated c0 s1 r1',
    ]);
    expect(plan.next).toEqual({ at: plus(25), position: pos(0, 1, 2) });
  });

  it('pages a user once through a single-responder policy', () => {
    const plan = planEscalation(singleResponderPolicy({ user: 'lee' }, 'service-web'), ctx, t0);
    expect(timeline(plan.events)).toEqual(['+0m escalated c0 s0 r0: lee', '+0m exhausted']);
    expect(sent(plan.pages)).toEqual(['+0m lee lee-push']);
  });

  it('picks the same random member for the same incident every time', () => {
    const p = policy({ steps: [{ responders: [{ random_member_of: 'noc' }], delay_minutes: 1, repeat: 20 }] });
    const members = (seed: string) =>
      planEscalation(p, { ...ctx, pick: seededPick(seed) }, t0).events.flatMap((e) =>
        e.type === 'escalated' ? e.users : [],
      );
    expect(members('incident-1')).toEqual(members('incident-1'));
    expect(new Set(members('incident-1')).size).toBeGreaterThan(1);
  });
});
