// Stepping through an escalation policy as a pure function of the policy, who is on call, and time.
// The incident fires one position at a time from alarms; planEscalation is the same loop run to the end.
import type { Urgency } from '../vocabulary';
import { pagesFor, type Page, type Reachable } from '../users/contact';
import { after } from './delay';
import { describeResponder, responderLabel, type EscalationPolicy, type Responder } from './policy';

export { minutes } from './delay';

/** 0-based: which pass of the whole policy, which step, which run of a repeated step. */
export type Position = { cycle: number; step: number; run: number };

/** Who is who, backed by the schedules and the configuration. */
export interface Directory {
  onCall(schedule: string, at: Date): string[];
  teamMembers(team: string): string[];
  user(handle: string): Reachable | undefined;
}

/** Chooses one of `candidates`; `key` names the responder and position, so a retry chooses alike. */
export type Pick = (candidates: string[], key: string) => string;

export interface EscalationContext {
  directory: Directory;
  pick: Pick;
  urgency: Urgency;
}

/** The users a step pages and, for each, the responders (`schedule:primary`…) that brought them in. */
export type StepResponders = { users: string[]; via: Record<string, string[]> };

export type EscalationEvent =
  | { type: 'escalated'; at: Date; position: Position; users: string[]; via: Record<string, string[]> }
  | { type: 'step_skipped'; at: Date; position: Position; reason: string }
  | { type: 'cannot_reach'; at: Date; position: Position | 'final'; user: string; reason: string }
  | { type: 'final_notification'; at: Date; users: string[]; via: Record<string, string[]> }
  | { type: 'exhausted'; at: Date };

export type StepFiring = {
  events: EscalationEvent[];
  pages: Page[];
  /** When and where to fire next; null once the escalation is over. */
  next: { at: Date; position: Position | 'final' } | null;
};

export type EscalationPlan = {
  events: EscalationEvent[];
  /** Sorted by time; pages at the same time keep firing order. */
  pages: Page[];
  /** The firing the plan stopped before, when `until` or `maxFirings` cut it short. */
  next: StepFiring['next'];
};

export function firstPosition(): Position {
  return { cycle: 0, step: 0, run: 0 };
}

/** The next run of this step, else the next step, else the next pass, else the final notification or the end. */
export function nextPosition(policy: EscalationPolicy, pos: Position): Position | 'final' | 'exhausted' {
  const step = stepAt(policy, pos);
  if (pos.run < step.repeat) return { ...pos, run: pos.run + 1 };
  if (pos.step + 1 < policy.steps.length) return { cycle: pos.cycle, step: pos.step + 1, run: 0 };
  if (pos.cycle < policy.repeat) return { cycle: pos.cycle + 1, step: policy.repeat_from_step - 1, run: 0 };
  return policy.final_notification ? 'final' : 'exhausted';
}

/** The users the step at `pos` pages at `at`, earlier steps' responders first when it includes them. */
export function stepResponders(
  policy: EscalationPolicy,
  pos: Position,
  directory: Directory,
  at: Date,
  pick: Pick,
): StepResponders {
  const step = stepAt(policy, pos);
  const from = step.include_previous ? 0 : pos.step;
  return resolve(placedResponders(policy, from, pos.step), directory, at, pick, positionKey(pos));
}

/** Fire one position at `at`: the events for the timeline, the pages to send, and the next firing. */
export function fireStep(
  policy: EscalationPolicy,
  pos: Position | 'final',
  ctx: EscalationContext,
  at: Date,
): StepFiring {
  if (pos === 'final') return fireFinal(policy, ctx, at);
  const resolved = stepResponders(policy, pos, ctx.directory, at, ctx.pick);
  const skipped = resolved.users.length === 0;
  const { events, pages } = skipped ? { events: [], pages: [] } : reach(resolved.users, pos, ctx, at);
  events.unshift(
    skipped
      ? { type: 'step_skipped', at, position: pos, reason: nobodyReason(policy, pos) }
      : { type: 'escalated', at, position: pos, ...resolved },
  );
  const next = nextPosition(policy, pos);
  if (next === 'exhausted') return { events: [...events, { type: 'exhausted', at }], pages, next: null };
  // Waiting out the delay after a step that paged nobody would leave the incident unattended: go on at once.
  const delay = skipped ? 0 : stepAt(policy, pos).delay_minutes;
  return { events, pages, next: { at: after(at, delay), position: next } };
}

/** Every responder of every step, paged once; nothing follows it. */
function fireFinal(policy: EscalationPolicy, ctx: EscalationContext, at: Date): StepFiring {
  const resolved = resolve(placedResponders(policy, 0, policy.steps.length - 1), ctx.directory, at, ctx.pick, 'final');
  const { events, pages } = reach(resolved.users, 'final', ctx, at);
  return {
    events: [{ type: 'final_notification', at, ...resolved }, ...events, { type: 'exhausted', at }],
    pages,
    next: null,
  };
}

/**
 * The escalation if nobody acknowledges: fireStep from the first position at `start`, then at each next
 * firing, exactly as the incident's alarms will. Firings after `until` and beyond `maxFirings` (default
 * 1000, so zero-delay repeats end) are left out and the first of them returned as `next`.
 */
export function planEscalation(
  policy: EscalationPolicy,
  ctx: EscalationContext,
  start: Date,
  options: { until?: Date; maxFirings?: number } = {},
): EscalationPlan {
  const { until, maxFirings = 1000 } = options;
  const events: EscalationEvent[] = [];
  const pages: Page[] = [];
  let next: StepFiring['next'] = { at: new Date(start), position: firstPosition() };
  for (let firings = 0; next && firings < maxFirings; firings++) {
    if (until && next.at.getTime() > until.getTime()) break;
    const firing = fireStep(policy, next.position, ctx, next.at);
    events.push(...firing.events);
    pages.push(...firing.pages);
    next = firing.next;
  }
  return { events, pages: byTime(pages), next };
}

/**
 * A Pick that hashes `seed` (say, the incident id) with the key: the same incident and position always
 * choose the same member, and different incidents spread over the team.
 */
export function seededPick(seed: string): Pick {
  return (candidates, key) => {
    if (candidates.length === 0) throw new RangeError('nobody to pick from');
    return candidates[fnv1a(`${seed}\u0000${key}`) % candidates.length]!;
  };
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function stepAt(policy: EscalationPolicy, pos: Position) {
  const step = policy.steps[pos.step];
  if (!step) throw new RangeError(`policy ${policy.id} has no step ${pos.step + 1}`);
  return step;
}

const positionKey = (pos: Position) => `${pos.cycle}.${pos.step}.${pos.run}`;

/** A responder and where it sits in the policy, which keys its random pick. */
type Placed = { responder: Responder; step: number; index: number };

function placedResponders(policy: EscalationPolicy, from: number, to: number): Placed[] {
  return policy.steps
    .slice(from, to + 1)
    .flatMap((step, i) => step.responders.map((responder, index) => ({ responder, step: from + i, index })));
}

/** The users behind the responders at `at`, de-duplicated in responder order. */
function resolve(placed: Placed[], directory: Directory, at: Date, pick: Pick, key: string): StepResponders {
  const via = new Map<string, string[]>();
  for (const { responder, step, index } of placed) {
    const label = responderLabel(responder);
    for (const user of usersOf(responder, directory, at, pick, `${key}/${step}.${index}`)) {
      const labels = via.get(user) ?? [];
      if (!labels.includes(label)) labels.push(label);
      via.set(user, labels);
    }
  }
  // A Map, not an object, while building: a handle such as `constructor` must not meet Object.prototype.
  return { users: [...via.keys()], via: Object.fromEntries(via) };
}

function usersOf(responder: Responder, directory: Directory, at: Date, pick: Pick, key: string): string[] {
  const { kind, handle } = describeResponder(responder);
  switch (kind) {
    case 'user':
      return [handle];
    case 'schedule':
      return directory.onCall(handle, at);
    case 'team':
      return directory.teamMembers(handle);
    case 'random_member_of': {
      const members = [...new Set(directory.teamMembers(handle))];
      return members.length > 0 ? [pick(members, key)] : [];
    }
  }
}

/** The users' pages from `at`, and a cannot_reach event for each user with none. */
function reach(
  users: string[],
  position: Position | 'final',
  ctx: EscalationContext,
  at: Date,
): { events: EscalationEvent[]; pages: Page[] } {
  const events: EscalationEvent[] = [];
  const pages = users.flatMap((handle) => {
    const user = ctx.directory.user(handle);
    const userPages = user ? pagesFor(user, ctx.urgency, at) : [];
    if (userPages.length === 0) {
      const reason = user ? `${handle} has no contact method and no email` : `there is no user ${handle}`;
      events.push({ type: 'cannot_reach', at, position, user: handle, reason });
    }
    return userPages;
  });
  return { events, pages: byTime(pages) };
}

/** Why the step at `pos` paged nobody, naming each responder that came up empty. */
function nobodyReason(policy: EscalationPolicy, pos: Position): string {
  const from = stepAt(policy, pos).include_previous ? 0 : pos.step;
  const empty = placedResponders(policy, from, pos.step).map(({ responder }) => {
    const { kind, handle } = describeResponder(responder);
    return kind === 'schedule' ? `no one is on call for schedule ${handle}` : `team ${handle} has no members`;
  });
  return [...new Set(empty)].join('; ');
}

/** Stable: pages at the same time keep their order. */
function byTime(pages: Page[]): Page[] {
  return [...pages].sort((a, b) => a.at.getTime() - b.at.getTime());
}
