// Escalation policies: who is paged in which order, how often the steps and the whole policy repeat,
// and when an escalation stops. Stepping through a policy is escalation.ts.
import { z } from 'zod';
import { handleSchema } from '../vocabulary';

/** Upper bounds, so that no document makes an escalation that never ends or never waits. */
export const MAX_STEPS = 20;
export const MAX_RESPONDERS_PER_STEP = 20;
export const MAX_REPEAT = 20;
/** A week: a longer wait before the next step is a mistake, not a policy. */
export const MAX_DELAY_MINUTES = 7 * 24 * 60;

export const responderKinds = ['user', 'schedule', 'team', 'random_member_of'] as const;

/** A responder names exactly one user, schedule, team, or team to pick one member of at random. */
export const responderSchema = z.union(
  [
    z.object({ user: handleSchema }).strict(),
    z.object({ schedule: handleSchema }).strict(),
    z.object({ team: handleSchema }).strict(),
    z.object({ random_member_of: handleSchema }).strict(),
  ],
  // Only a responder that fits no option lands here; one with a single kind reports its own field.
  { error: (issue) => (issue.code === 'invalid_union' ? responderMessage(issue.input) : undefined) },
);

export const stepSchema = z
  .object({
    responders: z.array(responderSchema).min(1).max(MAX_RESPONDERS_PER_STEP),
    /** How long to wait after this step (and after each of its repeats) before the next. */
    delay_minutes: z.number().nonnegative().max(MAX_DELAY_MINUTES),
    /** Extra runs of this step before the next step. */
    repeat: z.int().nonnegative().max(MAX_REPEAT).default(0),
    /** Also page every earlier step's responders. */
    include_previous: z.boolean().default(false),
  })
  .strict()
  .refine((step) => !(step.repeat > 0 && step.delay_minutes === 0), {
    path: ['repeat'],
    message: 'a step that repeats needs a delay_minutes above 0, or its repeats all page at once',
  });

export const escalationPolicySchema = z
  .object({
    id: handleSchema,
    name: z.string().trim().min(1).max(200),
    /** The team that owns it: that team's admins may change it. */
    team: handleSchema.optional(),
    stop_when: z.enum(['acknowledged', 'resolved']).default('acknowledged'),
    /** Extra passes of the whole policy after its last step. */
    repeat: z.int().nonnegative().max(MAX_REPEAT).default(0),
    /** 1-based: the step a repeated pass restarts from. */
    repeat_from_step: z.int().min(1).max(MAX_STEPS).default(1),
    /** Page every responder of every step once more when the policy is exhausted. */
    final_notification: z.boolean().default(false),
    steps: z.array(stepSchema).min(1).max(MAX_STEPS),
  })
  .strict()
  .superRefine((policy, ctx) => {
    // Refinements run after field issues too: only compare when both fields are what they claim.
    if (!Array.isArray(policy.steps) || policy.steps.length === 0 || !Number.isInteger(policy.repeat_from_step)) return;
    if (policy.repeat_from_step > policy.steps.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['repeat_from_step'],
        message: `repeat_from_step ${policy.repeat_from_step} is beyond the last step (${policy.steps.length})`,
      });
      return;
    }
    // A pass that repeats without waiting anywhere pages everyone `repeat` times at once.
    const repeated = policy.steps.slice(policy.repeat_from_step - 1);
    const wait = repeated.reduce((sum, step) => sum + (step?.delay_minutes ?? 0) * (1 + (step?.repeat ?? 0)), 0);
    if (typeof policy.repeat === 'number' && policy.repeat > 0 && wait === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['repeat'],
        message:
          'a policy that repeats needs a delay_minutes above 0 in a step it repeats, or it loops without waiting',
      });
    }
  })
  .meta({ id: 'EscalationPolicy' });

export type ResponderKind = (typeof responderKinds)[number];
export type Responder = z.infer<typeof responderSchema>;
export type Step = z.infer<typeof stepSchema>;
export type EscalationPolicy = z.infer<typeof escalationPolicySchema>;

/** A handle a policy names, where it names it; random_member_of names a team. */
export type PolicyReference = { kind: 'user' | 'schedule' | 'team'; handle: string; path: (string | number)[] };

function responderMessage(input: unknown): string {
  const named = typeof input === 'object' && input !== null ? responderKinds.filter((kind) => kind in input) : [];
  const options = 'user, schedule, team or random_member_of';
  return named.length > 1
    ? `a responder is one of ${options}, not ${named.join(' and ')} together`
    : `a responder is exactly one of ${options}`;
}

/** A responder's kind and the handle it names. */
export function describeResponder(responder: Responder): { kind: ResponderKind; handle: string } {
  if ('user' in responder) return { kind: 'user', handle: responder.user };
  if ('schedule' in responder) return { kind: 'schedule', handle: responder.schedule };
  if ('team' in responder) return { kind: 'team', handle: responder.team };
  return { kind: 'random_member_of', handle: responder.random_member_of };
}

/** How a responder shows on the timeline, such as `schedule:primary`. */
export function responderLabel(responder: Responder): string {
  const { kind, handle } = describeResponder(responder);
  return `${kind}:${handle}`;
}

/** Every user, schedule and team the policy names, for the config layer to check they exist. */
export function policyReferences(policy: EscalationPolicy): PolicyReference[] {
  return policy.steps.flatMap((step, i) =>
    step.responders.map((responder, j) => {
      const { kind, handle } = describeResponder(responder);
      return {
        kind: kind === 'random_member_of' ? 'team' : kind,
        handle,
        path: ['steps', i, 'responders', j, kind],
      };
    }),
  );
}

/** The policy of a service that pages one user or schedule directly: one step, no repeats. */
export function singleResponderPolicy(responder: Responder, id: string): EscalationPolicy {
  return {
    id,
    name: id,
    stop_when: 'acknowledged',
    repeat: 0,
    repeat_from_step: 1,
    final_notification: false,
    // With nothing after the only step, its delay is never waited out.
    steps: [{ responders: [responder], delay_minutes: 0, repeat: 0, include_previous: false }],
  };
}

/** What the incident pages with, fixed when its escalation starts (or restarts on reassignment). */
export interface Escalation {
  policy: EscalationPolicy | null;
  /** Why nobody is paged, when policy is null. */
  reason?: string;
  /** Counts restarts, so that every run of the policy has its own timer and page keys. */
  generation: number;
  ackTimeoutMinutes: number | null;
  autoResolveMinutes: number | null;
}
