// The incident object's decisions, without the object: pages that are no longer wanted, timers that
// fire after an acknowledgement, and page outcomes recorded once.
import { describe, expect, it } from 'vitest';
import type { PageJob } from '../notify/job';
import { decide, type State } from './decide';
import { queued } from './pages';
import type { Incident } from './lifecycle';
import type { Escalation, Timer } from './paging';

const now = new Date('2026-12-01T00:00:00Z');
const incident = (status: Incident['status']): Incident => ({
  id: 'i-1',
  number: 7,
  status,
  urgency: 'high',
  summary: 'db down',
  serviceId: 's',
  integrationId: 'i',
  eventId: 'e',
  alertCount: 1,
  createdAt: now.toISOString(),
  acknowledgedAt: status === 'triggered' ? null : now.toISOString(),
  resolvedAt: status === 'resolved' ? now.toISOString() : null,
  lastEventAt: now.toISOString(),
});
const job = (stopWhen: PageJob['stopWhen']): PageJob => ({
  kind: 'page',
  id: 'page:i-1:0:0.0.0:kim:kim-push',
  user: 'kim',
  contactMethod: { id: 'kim-push', type: 'push' },
  attempt: 1,
  dueAt: now.toISOString(),
  incidentId: 'i-1',
  incidentNumber: 7,
  summary: 'db down',
  urgency: 'high',
  service: 'Web',
  locale: 'en',
  timeZone: 'UTC',
  stopWhen,
});
const escalation = (stopWhen: 'acknowledged' | 'resolved'): Escalation => ({
  policy: {
    id: 'p',
    name: 'P',
    stop_when: stopWhen,
    repeat: 0,
    repeat_from_step: 1,
    final_notification: false,
    steps: [{ responders: [{ user: 'kim' }], delay_minutes: 5, repeat: 0, include_previous: false }],
  },
  generation: 0,
  ackTimeoutMinutes: null,
  autoResolveMinutes: null,
});
const state = (status: Incident['status'], extra: Partial<State> = {}): State => ({
  incident: incident(status),
  escalation: escalation('acknowledged'),
  page: queued(job('acknowledged'), now),
  ...extra,
});

describe('deciding about a page that is due', () => {
  const due = (stopWhen: PageJob['stopWhen']) => ({ type: 'page_due', job: job(stopWhen) }) as const;
  const withPage = (status: Incident['status'], stopWhen: PageJob['stopWhen']) =>
    state(status, { page: queued(job(stopWhen), now) });

  it('claims a page of a triggered incident for sending', () => {
    const decision = decide(withPage('triggered', 'acknowledged'), due('acknowledged'), null, now);
    expect(decision.claim).toEqual({ answer: 'send', attempt: 1 });
    expect(decision.page).toMatchObject({ status: 'sending', attempts: 1 });
  });

  it('cancels a page whose incident was acknowledged when the policy stops on acknowledgement, and records why', () => {
    const decision = decide(withPage('acknowledged', 'acknowledged'), due('acknowledged'), null, now);
    expect(decision.claim).toEqual({ answer: 'done', reason: 'incident #7 is acknowledged' });
    expect(decision.page).toMatchObject({ status: 'cancelled', error: 'incident #7 is acknowledged' });
    expect(decision.timeline).toEqual([
      expect.objectContaining({ type: 'page_cancelled', details: expect.objectContaining({ user: 'kim' }) }),
    ]);
    expect(decide(withPage('acknowledged', 'resolved'), due('resolved'), null, now).claim?.answer).toBe('send');
  });

  it('cancels a page whose incident is resolved or gone', () => {
    expect(decide(withPage('resolved', 'resolved'), due('resolved'), null, now).page?.error).toBe(
      'incident #7 is resolved',
    );
    const gone = decide({ ...withPage('resolved', 'resolved'), incident: null }, due('resolved'), null, now);
    expect(gone.page?.error).toMatch(/no longer exists/);
  });

  it('records a provider answer once: a redelivered report changes nothing', () => {
    const input = {
      type: 'page_sent',
      job: job('acknowledged'),
      delivery: { status: 'sent', providerMessageId: 'SM1' },
      provider: 'twilio',
    } as const;
    const first = decide(state('triggered'), input, null, now);
    expect(first.timeline.map((t) => t.type)).toEqual(['notified']);
    const again = decide(state('triggered', { page: first.page! }), input, null, now);
    expect(again.timeline).toEqual([]);
    expect(again.page).toBeNull();
  });
});

describe('timers that fire after the incident changed', () => {
  const escalate: Timer = {
    id: 'escalate:x',
    due: now.getTime(),
    kind: 'escalate',
    position: { cycle: 0, step: 0, run: 0 },
  };
  const page: Timer = {
    id: 'page:x',
    due: now.getTime(),
    kind: 'page',
    page: { user: 'kim', contactMethod: { id: 'kim-push', type: 'push' }, position: '0.0.0' },
  };

  it.each([escalate, page])('a %s timer pages nobody once the incident is acknowledged', (timer) => {
    const decision = decide(state('acknowledged'), { type: 'timer', timer }, null, now);
    expect(decision.jobs).toEqual([]);
    expect(decision.timers).toEqual([]);
  });

  it('a wake-up repeat stops at an acknowledgement even when the policy stops only on resolution', () => {
    const repeat: Timer = { ...page, id: 'page:x:1', page: { ...page.page, repeat: 1 } } as Timer;
    const acked = state('acknowledged', { escalation: escalation('resolved') });
    expect(decide(acked, { type: 'timer', timer: repeat }, null, now).jobs).toEqual([]);
    const triggered = decide(state('triggered'), { type: 'timer', timer: repeat }, null, now);
    expect(triggered.jobs.map((j) => j.kind === 'page' && j.stopWhen)).toEqual(['acknowledged']);
  });

  it('a page timer of a policy that stops only on resolution still pages an acknowledged incident', () => {
    const decision = decide(
      state('acknowledged', { escalation: escalation('resolved') }),
      { type: 'timer', timer: page },
      null,
      now,
    );
    expect(decision.jobs.map((j) => j.kind === 'page' && j.user)).toEqual(['kim']);
    expect(decision.timeline.map((t) => t.type)).toEqual(['page_queued']);
  });
});
