import { describe, expect, it } from 'vitest';
import { configDocumentSchema, type Configuration } from './document';
import { planConfig, renameEverywhere, summarize } from './plan';

const config = configDocumentSchema.parse({
  users: [{ id: 'kim', name: 'Kim', email: 'kim@example.com' }],
  teams: [{ id: 'noc', name: 'NOC', members: ['kim'], admins: ['kim'] }],
  schedules: [
    {
      id: 'day',
      name: 'Day',
      team: 'noc',
      time_zone: 'UTC',
      layers: [{ name: 'L', start: '2026-01-01T00:00', rotation: { type: 'daily' }, members: ['kim'] }],
      overrides: [{ user: 'kim', replaces: 'kim', start: '2026-02-01T00:00', end: '2026-02-02T00:00' }],
    },
  ],
  escalation_policies: [
    {
      id: 'pol',
      name: 'Pol',
      team: 'noc',
      steps: [
        {
          responders: [{ schedule: 'day' }, { user: 'kim' }, { team: 'noc' }, { random_member_of: 'noc' }],
          delay_minutes: 5,
        },
      ],
    },
  ],
  services: [{ id: 'svc', name: 'Svc', team: 'noc', routing: { escalation_policy: 'pol' } }],
  integrations: [{ id: 'std', name: 'Std', type: 'standard', key: 'key-0123456789abcdef', service: 'svc' }],
  extensions: [{ id: 'chat', name: 'Chat', service: 'svc', url: 'https://chat.example.com/hook' }],
}) as Configuration;

describe('renaming in a plan', () => {
  it('renames rather than deletes and creates, when asked', () => {
    const renamed = renameEverywhere(config, 'services', 'svc', 'web');
    const plan = planConfig(config, renamed, { services: new Map([['svc', 'web']]) });
    expect(plan.services).toMatchObject({ created: [], deleted: [], renamed: [{ from: 'svc', to: 'web' }] });
    expect(summarize(plan).services).toEqual({ created: [], updated: ['web'], deleted: [] });
    expect(summarize(plan).integrations.updated).toEqual(['std']);
    expect(summarize(plan).extensions.updated).toEqual(['chat']);
    expect(planConfig(config, renamed).services).toMatchObject({ created: [{ id: 'web' }], deleted: ['svc'] });
  });

  it('sees an integration that keeps its key under a new id as a rename', () => {
    const doc = { integrations: [{ ...config.integrations[0]!, id: 'std2' }] };
    expect(planConfig(config, doc).integrations).toMatchObject({
      created: [],
      deleted: [],
      renamed: [{ from: 'std', to: 'std2' }],
    });
  });

  it('makes every reference to a renamed user, team, schedule or policy follow', () => {
    const user = renameEverywhere(config, 'users', 'kim', 'kim2');
    expect(user.users[0]!.id).toBe('kim2');
    expect(user.teams[0]).toMatchObject({ members: ['kim2'], admins: ['kim2'] });
    expect(user.schedules[0]!.layers[0]!.members).toEqual(['kim2']);
    expect(user.schedules[0]!.overrides[0]).toMatchObject({ user: 'kim2', replaces: 'kim2' });
    expect(user.escalation_policies[0]!.steps[0]!.responders[1]).toEqual({ user: 'kim2' });
    const team = renameEverywhere(config, 'teams', 'noc', 'ops');
    expect(team.schedules[0]!.team).toBe('ops');
    expect(team.services[0]!.team).toBe('ops');
    expect(team.escalation_policies[0]!.team).toBe('ops');
    expect(team.escalation_policies[0]!.steps[0]!.responders.slice(2)).toEqual([
      { team: 'ops' },
      { random_member_of: 'ops' },
    ]);
    const schedule = renameEverywhere(config, 'schedules', 'day', 'day2');
    expect(schedule.escalation_policies[0]!.steps[0]!.responders[0]).toEqual({ schedule: 'day2' });
    const policy = renameEverywhere(config, 'escalation_policies', 'pol', 'pol2');
    expect(policy.services[0]!.routing).toEqual({ escalation_policy: 'pol2' });
    expect(renameEverywhere(config, 'services', 'svc', 'web').integrations[0]!.service).toBe('web');
    expect(renameEverywhere(config, 'services', 'svc', 'web').extensions[0]!.service).toBe('web');
  });
});
