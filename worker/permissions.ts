// Who may change what, as pure functions of the caller and the configuration: owners and admins
// configure; an owner alone manages owners and admins; a team's admins (responders at least)
// manage what their team owns; a responder may swap shifts with a teammate on a schedule of theirs.
import type { Configuration, ConfigDocument, UserConfig } from './config/document';
import { layerMembers, overrideInterval, type Override, type Schedule } from './schedule/schedule';
import { DAY, type FieldError, type Role } from './vocabulary';

/** Who is asking: a user's handle and role. */
export interface Caller {
  handle: string;
  role: Role;
}

/** The longest override a responder may add without a team admin. */
export const MAX_RESPONDER_OVERRIDE_DAYS = 31;

const privileged = (role: Role) => role === 'owner' || role === 'admin';

/** Everyone but an observer may acknowledge and resolve. */
export function responds(role: Role): boolean {
  return role !== 'observer';
}

/** Owners and admins configure anything (but only owners manage owners and admins). */
export function configures(caller: Caller): boolean {
  return privileged(caller.role);
}

/** A team's admins manage what it owns, if their role lets them act at all (an observer only reads). */
export function administersTeam(caller: Caller, config: Configuration, team: string | undefined): boolean {
  if (configures(caller)) return true;
  if (caller.role === 'observer' || team === undefined) return false;
  return config.teams.find((t) => t.id === team)?.admins.includes(caller.handle) ?? false;
}

/** Whether the caller may mint an API token for a user of this role. */
export function mayMintTokenFor(caller: Caller, role: Role): boolean {
  return configures(caller) && (caller.role === 'owner' || !privileged(role));
}

/** Whether the caller may create and revoke API tokens of this user: their own, or as mayMintTokenFor allows. */
export function managesTokensOf(caller: Caller, user: { handle: string; role: Role }): boolean {
  return caller.handle === user.handle || mayMintTokenFor(caller, user.role);
}

/**
 * What in a users section only an owner may do: create or delete an owner or admin, change the
 * role of one, or make anyone owner or admin. `renames` maps old handles to new ones.
 */
export function ownerOnlyUserChanges(
  caller: Caller,
  current: UserConfig[],
  desired: ConfigDocument['users'],
  renames: ReadonlyMap<string, string> = new Map(),
): FieldError[] {
  if (caller.role === 'owner' || desired === undefined) return [];
  const renamedFrom = new Map([...renames].map(([from, to]) => [to, from]));
  const before = new Map(current.map((u) => [u.id, u]));
  const problems: FieldError[] = [];
  const kept = new Set<string>();
  desired.forEach((user, i) => {
    const was = before.get(renamedFrom.get(user.id) ?? user.id);
    if (was) kept.add(was.id);
    if (was?.role === user.role) return;
    if (privileged(user.role) || (was && privileged(was.role))) {
      const message = was
        ? `only an owner may change the role of ${was.id} from ${was.role} to ${user.role}`
        : `only an owner may create an ${user.role}`;
      problems.push({ field: `users[${i}].role`, message });
    }
  });
  for (const user of current) {
    if (!kept.has(user.id) && privileged(user.role)) {
      problems.push({ field: 'users', message: `only an owner may delete ${user.role} ${user.id}` });
    }
  }
  return problems;
}

export type Verdict = { ok: true } | { ok: false; message: string };

/**
 * Whether the caller may add this override to the schedule. A team admin (or an owner or admin)
 * adds any; a responder on the schedule only a swap with a teammate on it (hand a shift of
 * theirs to them, or take one of theirs) of at most MAX_RESPONDER_OVERRIDE_DAYS.
 */
export function mayAddOverride(caller: Caller, config: Configuration, schedule: Schedule, override: Override): Verdict {
  if (administersTeam(caller, config, schedule.team)) return { ok: true };
  const refuse = (why: string): Verdict => ({
    ok: false,
    message: `${why}; anything else needs an admin of the schedule's team`,
  });
  if (caller.role !== 'responder') return refuse(`the ${caller.role} role may not add overrides`);
  const members = layerMembers(schedule);
  if (!members.has(caller.handle)) return refuse(`${caller.handle} takes no turns on schedule ${schedule.id}`);
  if (override.replaces === undefined) {
    return refuse('a responder may only swap shifts with a teammate (an override with replaces)');
  }
  const other =
    override.user === caller.handle ? override.replaces : override.replaces === caller.handle ? override.user : null;
  if (other === null || other === caller.handle) {
    return refuse('a responder may only hand a shift of their own to a teammate, or take a teammate’s');
  }
  if (!members.has(other)) return refuse(`${other} takes no turns on schedule ${schedule.id}`);
  const { start, end } = overrideInterval(override, schedule.time_zone);
  if (end.getTime() - start.getTime() > MAX_RESPONDER_OVERRIDE_DAYS * DAY) {
    return refuse(`a responder’s override lasts at most ${MAX_RESPONDER_OVERRIDE_DAYS} days`);
  }
  return { ok: true };
}
