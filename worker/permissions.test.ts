import { describe, expect, it } from 'vitest';
import type { Configuration } from './config/document';
import { scheduleSchema, type Override } from './schedule/schedule';
import {
  administersTeam,
  managesTokensOf,
  mayAddOverride,
  mayMintTokenFor,
  ownerOnlyUserChanges,
  type Caller,
} from './permissions';

const schedule = scheduleSchema.parse({
  id: 'noc-primary',
  name: 'NOC primary',
  team: 'noc',
  time_zone: 'Asia/Seoul',
  layers: [
    { name: 'Day', start: '2026-11-02T09:00', rotation: { type: 'daily' }, members: ['lee', 'kim'] },
    { name: 'Night', start: '2026-11-02T21:00', rotation: { type: 'daily' }, members: ['choi'] },
  ],
});
const user = (id: string, role: Caller['role'] = 'responder') => ({
  id,
  name: id,
  role,
  time_zone: 'UTC',
  locale: 'en' as const,
  contact_methods: [],
  notification_rules: [],
  handoff_notices: [],
});
const config: Configuration = {
  users: ['lee', 'kim', 'choi', 'park'].map((id) => user(id)),
  teams: [{ id: 'noc', name: 'NOC', members: ['lee', 'kim', 'choi', 'otto'], admins: ['kim', 'otto'] }],
  schedules: [schedule],
  escalation_policies: [],
  services: [],
  integrations: [],
  extensions: [],
};
const lee: Caller = { handle: 'lee', role: 'responder' };
const week = { start: '2026-12-01T00:00', end: '2026-12-08T00:00' };
const may = (caller: Caller, override: Override) => mayAddOverride(caller, config, schedule, override).ok;

describe('who may add an override', () => {
  it('lets a responder on the schedule hand a shift to a teammate on it, or take a teammate’s', () => {
    expect(may(lee, { user: 'kim', replaces: 'lee', ...week })).toBe(true);
    expect(may(lee, { user: 'lee', replaces: 'choi', ...week })).toBe(true);
  });

  it('refuses a responder an override without replaces, or naming someone not on the schedule, or not themselves', () => {
    expect(may(lee, { user: 'lee', ...week })).toBe(false);
    expect(may(lee, { user: 'park', replaces: 'lee', ...week })).toBe(false);
    expect(may(lee, { user: 'lee', replaces: 'park', ...week })).toBe(false);
    expect(may(lee, { user: 'kim', replaces: 'choi', ...week })).toBe(false);
    expect(may(lee, { user: 'lee', replaces: 'lee', ...week })).toBe(false);
  });

  it('refuses a responder who takes no turns on the schedule', () => {
    expect(may({ handle: 'park', role: 'responder' }, { user: 'park', replaces: 'lee', ...week })).toBe(false);
  });

  it('lets a responder’s override last 31 days in the schedule’s zone, and no longer', () => {
    const swap = { user: 'kim', replaces: 'lee' };
    expect(may(lee, { ...swap, start: '2026-12-01T00:00', end: '2027-01-01T00:00' })).toBe(true);
    expect(may(lee, { ...swap, start: '2026-12-01T00:00', end: '2027-01-01T00:01' })).toBe(false);
    expect(may(lee, { ...swap, start: '2026-12-01T00:00+09:00', end: '2027-01-01T00:00+09:00' })).toBe(true);
  });

  it('lets a team admin add any override, but not an observer listed as admin', () => {
    const kim: Caller = { handle: 'kim', role: 'responder' };
    expect(may(kim, { user: 'park', ...week, end: '2027-06-01T00:00' })).toBe(true);
    expect(may({ handle: 'otto', role: 'observer' }, { user: 'kim', replaces: 'lee', ...week })).toBe(false);
    expect(may({ handle: 'anyone', role: 'admin' }, { user: 'park', ...week })).toBe(true);
  });

  it('refuses an observer even a swap of their own', () => {
    const onSchedule = { ...config, teams: [] };
    expect(
      mayAddOverride({ handle: 'lee', role: 'observer' }, onSchedule, schedule, {
        user: 'kim',
        replaces: 'lee',
        ...week,
      }).ok,
    ).toBe(false);
  });
});

describe('team admins and owners', () => {
  it('gives team-admin rights only to responders and up', () => {
    expect(administersTeam({ handle: 'kim', role: 'responder' }, config, 'noc')).toBe(true);
    expect(administersTeam({ handle: 'otto', role: 'observer' }, config, 'noc')).toBe(false);
    expect(administersTeam({ handle: 'lee', role: 'responder' }, config, 'noc')).toBe(false);
  });

  it('lets only an owner mint tokens for owners and admins', () => {
    expect(mayMintTokenFor({ handle: 'o', role: 'owner' }, 'admin')).toBe(true);
    expect(mayMintTokenFor({ handle: 'a', role: 'admin' }, 'admin')).toBe(false);
    expect(mayMintTokenFor({ handle: 'a', role: 'admin' }, 'owner')).toBe(false);
    expect(mayMintTokenFor({ handle: 'a', role: 'admin' }, 'responder')).toBe(true);
    expect(mayMintTokenFor({ handle: 'r', role: 'responder' }, 'observer')).toBe(false);
  });

  it('lets anyone manage their own tokens, and only those who may mint them anyone else’s', () => {
    expect(managesTokensOf({ handle: 'r', role: 'responder' }, { handle: 'r', role: 'responder' })).toBe(true);
    expect(managesTokensOf({ handle: 'v', role: 'observer' }, { handle: 'v', role: 'observer' })).toBe(true);
    expect(managesTokensOf({ handle: 'a', role: 'admin' }, { handle: 'a', role: 'admin' })).toBe(true);
    expect(managesTokensOf({ handle: 'r', role: 'responder' }, { handle: 's', role: 'responder' })).toBe(false);
    expect(managesTokensOf({ handle: 'a', role: 'admin' }, { handle: 's', role: 'responder' })).toBe(true);
  });

  it('lets only an owner create, delete or change the role of owners and admins', () => {
    const admin: Caller = { handle: 'ada', role: 'admin' };
    const current = [user('ada', 'admin'), user('olga', 'owner'), user('rita')];
    const fields = (desired: ReturnType<typeof user>[]) =>
      ownerOnlyUserChanges(admin, current, desired).map((p) => p.field);
    expect(fields([...current, user('new')])).toEqual([]);
    expect(fields([user('ada', 'admin'), user('olga', 'owner'), user('rita', 'observer')])).toEqual([]);
    expect(fields([...current, user('boss', 'admin')])).toEqual(['users[3].role']);
    expect(fields([user('ada', 'admin'), user('olga', 'owner'), user('rita', 'admin')])).toEqual(['users[2].role']);
    expect(fields([user('ada', 'admin'), user('olga', 'admin'), user('rita')])).toEqual(['users[1].role']);
    expect(fields([user('ada', 'admin'), user('rita')])).toEqual(['users']);
    expect(ownerOnlyUserChanges({ handle: 'olga', role: 'owner' }, current, [user('rita', 'owner')])).toEqual([]);
    const renamed = new Map([['olga', 'olga2']]);
    expect(
      ownerOnlyUserChanges(admin, current, [user('ada', 'admin'), user('olga2', 'owner'), user('rita')], renamed),
    ).toEqual([]);
  });
});
