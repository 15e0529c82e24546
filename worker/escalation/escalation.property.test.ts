import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Page } from '../users/contact';
import {
  fireStep,
  firstPosition,
  planEscalation,
  seededPick,
  stepResponders,
  type EscalationContext,
  type EscalationEvent,
  type StepFiring,
} from './escalation';
import { directory, kim, lee, park, policy } from './fixtures';

const t0 = new Date('2026-11-02T09:00:00Z');
const handle = fc.stringMatching(/^[a-z][a-z0-9-]{0,7}$/);

/** Policies over a directory where `day` changes hands every minute, `empty` has no one and `void` no members. */
const responder = fc.oneof(
  fc.constantFrom('kim', 'lee', 'park', 'ghost').map((user) => ({ user })),
  fc.constantFrom('day', 'empty').map((schedule) => ({ schedule })),
  fc.constantFrom('noc', 'void').map((team) => ({ team })),
  fc.constantFrom('noc', 'void').map((random_member_of) => ({ random_member_of })),
);
// The schema refuses repeats that wait for nothing: a step repeating without a delay, a pass without one.
const step = fc
  .record({
    responders: fc.array(responder, { minLength: 1, maxLength: 3 }),
    delay_minutes: fc.constantFrom(0, 0.05, 0.1, 1, 2.5, 5),
    repeat: fc.integer({ min: 0, max: 2 }),
    include_previous: fc.boolean(),
  })
  .map((s) => (s.delay_minutes === 0 ? { ...s, repeat: 0 } : s));
const waits = (steps: { delay_minutes: number }[]) => steps.some((s) => s.delay_minutes > 0);
const anyPolicy = fc
  .record({
    steps: fc.array(step, { minLength: 1, maxLength: 5 }),
    repeat: fc.integer({ min: 0, max: 2 }),
    repeat_from_step: fc.integer({ min: 1, max: 5 }),
    final_notification: fc.boolean(),
  })
  .map((p) => {
    const repeat_from_step = Math.min(p.repeat_from_step, p.steps.length);
    const repeat = waits(p.steps.slice(repeat_from_step - 1)) ? p.repeat : 0;
    return policy({ ...p, repeat, repeat_from_step });
  });

const people = directory({
  schedules: { day: (at) => [Math.floor(at.getTime() / 60_000) % 2 === 0 ? 'kim' : 'lee'] },
  teams: { noc: ['kim', 'lee', 'park'] },
  users: [kim, lee, park],
});

describe('escalation, for any policy', () => {
  it('plans exactly what firing the steps one by one does', () => {
    fc.assert(
      fc.property(anyPolicy, fc.constantFrom('highest', 'high', 'low'), handle, (p, urgency, seed) => {
        const ctx: EscalationContext = { directory: people, pick: seededPick(seed), urgency };
        const events: EscalationEvent[] = [];
        const pages: Page[] = [];
        let next: StepFiring['next'] = { at: t0, position: firstPosition() };
        while (next) {
          const firing = fireStep(p, next.position, ctx, next.at);
          events.push(...firing.events);
          pages.push(...firing.pages);
          next = firing.next;
        }
        const byTime = [...pages].sort((a, b) => a.at.getTime() - b.at.getTime());
        expect(planEscalation(p, ctx, t0)).toEqual({ events, pages: byTime, next: null });
      }),
    );
  });

  it('fires forward in time and ends with exhausted', () => {
    fc.assert(
      fc.property(anyPolicy, handle, (p, seed) => {
        const { events } = planEscalation(p, { directory: people, pick: seededPick(seed), urgency: 'high' }, t0);
        const times = events.map((e) => e.at.getTime());
        expect(times).toEqual([...times].sort((a, b) => a - b));
        expect(events.at(-1)?.type).toBe('exhausted');
        expect(events.filter((e) => e.type === 'exhausted')).toHaveLength(1);
      }),
    );
  });
});

describe('a random member', () => {
  it('is always a member of the team, and none of an empty one', () => {
    fc.assert(
      fc.property(fc.array(handle, { maxLength: 8 }), handle, fc.nat(3), fc.nat(3), (team, seed, cycle, run) => {
        const p = policy({ steps: [{ responders: [{ random_member_of: 'team' }], delay_minutes: 1, repeat: 3 }] });
        const { users } = stepResponders(
          p,
          { cycle, step: 0, run },
          directory({ teams: { team } }),
          t0,
          seededPick(seed),
        );
        if (team.length === 0) expect(users).toEqual([]);
        else {
          expect(users).toHaveLength(1);
          expect(team).toContain(users[0]);
        }
      }),
    );
  });

  it('is picked by a seeded pick from the candidates for any key', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1 }), fc.string(), fc.string(), (candidates, seed, key) => {
        const pick = seededPick(seed);
        expect(candidates).toContain(pick(candidates, key));
        expect(pick(candidates, key)).toBe(pick([...candidates], key));
      }),
    );
  });
});
