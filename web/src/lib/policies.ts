// Escalation policies as the API shapes them (worker/escalation/policy.ts), read and written with
// their ETag so that a save never silently overwrites someone else's; and who a policy can page.
import { goto } from '$app/navigation';
import { api, ApiError } from '$lib/api';

export const MAX_STEPS = 20;
export const MAX_REPEAT = 20;
export const MAX_DELAY_MINUTES = 7 * 24 * 60;

export const responderKinds = ['user', 'schedule', 'team', 'random_member_of'] as const;
export type ResponderKind = (typeof responderKinds)[number];
/** Exactly one key, as the schema has it: `{ schedule: 'primary' }`. */
export type Responder = Partial<Record<ResponderKind, string>>;

export interface Step {
  responders: Responder[];
  delay_minutes: number;
  repeat: number;
  include_previous: boolean;
}

export interface Policy {
  id: string;
  name: string;
  team?: string;
  stop_when: 'acknowledged' | 'resolved';
  repeat: number;
  repeat_from_step: number;
  final_notification: boolean;
  steps: Step[];
  schedules_with_gaps?: string[];
}

export const newStep = (): DraftStep => ({ responders: [], delay_minutes: 15, repeat: 0, include_previous: false });

export function kindOf(responder: Responder): { kind: ResponderKind; handle: string } {
  const kind = responderKinds.find((k) => k in responder) ?? 'user';
  return { kind, handle: responder[kind] ?? '' };
}

/** The policy as PUT takes it: no listing-only fields, no empty optional team. */
export function documentOf(policy: Policy): Omit<Policy, 'schedules_with_gaps'> {
  const { schedules_with_gaps: _, team, ...rest } = policy;
  return team ? { ...rest, team } : rest;
}

/** GET or PUT one policy with its ETag; a PUT with If-Match answers 412 when it changed since. */
export async function policyRequest(
  method: 'GET' | 'PUT',
  id: string,
  write?: { policy: Policy; etag: string | null },
): Promise<{ policy: Policy; etag: string | null }> {
  const headers: Record<string, string> = {};
  if (write) headers['content-type'] = 'application/json';
  if (write?.etag) headers['if-match'] = write.etag;
  const response = await fetch(`/api/v1/escalation-policies/${encodeURIComponent(id)}`, {
    method,
    headers,
    body: write ? JSON.stringify(documentOf(write.policy)) : undefined,
  });
  if (response.status === 401) {
    await goto('/sign-in');
    throw new ApiError(401, 'signed out');
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data?.message ?? response.statusText, data?.fields ?? []);
  return { policy: data as Policy, etag: response.headers.get('etag') };
}

/** Everyone and everything a responder, or a reassignment, can name. */
export interface Directory {
  users: { handle: string; name: string }[];
  schedules: { handle: string; name: string }[];
  teams: { id: string; name: string }[];
  policies: { id: string; name: string }[];
}

export async function loadDirectory(): Promise<Directory> {
  const [users, schedules, teams, policies] = await Promise.all([
    api<{ users: Directory['users'] }>('GET', '/users'),
    api<{ schedules: Directory['schedules'] }>('GET', '/schedules'),
    api<{ teams: Directory['teams'] }>('GET', '/teams'),
    api<{ escalation_policies: Directory['policies'] }>('GET', '/escalation-policies'),
  ]);
  return {
    users: users.users,
    schedules: schedules.schedules,
    teams: teams.teams,
    policies: policies.escalation_policies,
  };
}

/** The choices for a responder of this kind: handle and name. */
export function choicesFor(directory: Directory, kind: ResponderKind): { value: string; label: string }[] {
  if (kind === 'user') return directory.users.map((u) => ({ value: u.handle, label: u.name }));
  if (kind === 'schedule') return directory.schedules.map((s) => ({ value: s.handle, label: s.name }));
  return directory.teams.map((t) => ({ value: t.id, label: t.name }));
}

/** A responder as the editor holds it: a kind and a handle, each bound to its own control. */
export interface ResponderRow {
  kind: ResponderKind;
  handle: string;
}

export type DraftStep = Omit<Step, 'responders'> & { responders: ResponderRow[] };
export type Draft = Omit<Policy, 'steps' | 'schedules_with_gaps'> & { steps: DraftStep[] };

export function draftOf(policy: Policy): Draft {
  const { schedules_with_gaps: _, ...rest } = structuredClone(policy);
  return {
    ...rest,
    team: rest.team ?? '',
    steps: rest.steps.map((s) => ({ ...s, responders: s.responders.map(kindOf) })),
  };
}

export function policyOf(draft: Draft): Policy {
  return {
    ...draft,
    steps: draft.steps.map((s) => ({ ...s, responders: s.responders.map((r) => ({ [r.kind]: r.handle })) })),
  };
}
