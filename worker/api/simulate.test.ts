// The dry run of a draft policy: what the console's step editor previews before anything is saved.
import { beforeAll, describe, expect, it } from 'vitest';
import { api } from '../test/helpers';

beforeAll(async () => {
  const applied = await api('PUT', '/config', {
    users: [
      { id: 'ana', name: 'Ana', email: 'ana@example.com' },
      { id: 'ben', name: 'Ben', email: 'ben@example.com' },
    ],
    teams: [{ id: 'ops', name: 'Ops', members: ['ana', 'ben'] }],
  });
  expect(applied.status, JSON.stringify(applied.body)).toBe(200);
});

const at = '2026-11-02T01:00:00.000Z';
const pages = (body: { timeline: { type: string; at: string; user?: string }[] }) =>
  body.timeline.filter((e) => e.type === 'page').map((e) => `${e.at} ${e.user}`);

describe('simulating a draft escalation policy', () => {
  it('pages its steps in order, without the policy being saved', async () => {
    const { status, body } = await api('POST', '/simulate', {
      escalation_policy: {
        id: 'draft',
        name: 'Draft',
        steps: [
          { responders: [{ user: 'ana' }], delay_minutes: 5 },
          { responders: [{ random_member_of: 'ops' }], delay_minutes: 0 },
        ],
      },
      event: { summary: 'Preview', urgency: 'high' },
      at,
    });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ integration: null, service: null, escalation_policy: { id: 'draft' } });
    expect(pages(body)).toEqual(['2026-11-02T01:00:00.000Z ana', '2026-11-02T01:05:00.000Z ana']);
    expect(body.random_choices[0].candidates).toEqual(['ana', 'ben']);
    expect((await api('GET', '/escalation-policies/draft')).status).toBe(404);
  });

  it('answers 400 naming the field for a bad draft, or for neither or both of a draft and an integration', async () => {
    const bad = await api('POST', '/simulate', {
      escalation_policy: { id: 'draft', name: 'Draft', steps: [{ responders: [], delay_minutes: 5 }] },
      event: { summary: 'x' },
    });
    expect(bad.body.fields.map((f: { field: string }) => f.field)).toEqual(['escalation_policy.steps[0].responders']);
    const neither = await api('POST', '/simulate', { event: { summary: 'x' } });
    expect(neither.status).toBe(400);
    expect(neither.body.fields.map((f: { field: string }) => f.field)).toEqual(['integration']);
  });
});
