import { describe, expect, it } from 'vitest';
import { handoffNotices, nextHandoffNotice } from './handoff';
import { scheduleSchema } from './schedule';

const daily = scheduleSchema.parse({
  id: 'primary',
  name: 'Primary',
  time_zone: 'Asia/Seoul',
  layers: [{ name: 'Daily', start: '2026-11-02T09:00', rotation: { type: 'daily' }, members: ['kim', 'lee'] }],
});
const at = (iso: string) => new Date(iso);

describe('handoff notices', () => {
  it('tells a user when their shift starts', () => {
    const notices = handoffNotices(
      [{ handle: 'lee', handoff_notices: [{ minutes_before: 0 }] }],
      [daily],
      at('2026-11-03T08:59:00+09:00'),
      at('2026-11-03T09:00:00+09:00'),
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      user: 'lee',
      minutesBefore: 0,
      due: at('2026-11-03T09:00:00+09:00'),
      shiftEnd: at('2026-11-04T09:00:00+09:00'),
    });
  });

  it('tells them minutes before, and only once across consecutive spans', () => {
    const watchers = [{ handle: 'lee', handoff_notices: [{ minutes_before: 15 }] }];
    const first = handoffNotices(watchers, [daily], at('2026-11-03T08:40:00+09:00'), at('2026-11-03T08:45:00+09:00'));
    const second = handoffNotices(watchers, [daily], at('2026-11-03T08:45:00+09:00'), at('2026-11-03T08:50:00+09:00'));
    expect(first.map((n) => n.due)).toEqual([at('2026-11-03T08:45:00+09:00')]);
    expect(second).toEqual([]);
  });

  it('says nothing for a shift already under way or for someone else', () => {
    const notices = handoffNotices(
      [{ handle: 'kim', handoff_notices: [{ minutes_before: 0 }] }],
      [daily],
      at('2026-11-02T10:00:00+09:00'),
      at('2026-11-02T12:00:00+09:00'),
    );
    expect(notices).toEqual([]);
  });

  it('finds the next notice', () => {
    const next = nextHandoffNotice(
      [{ handle: 'kim', handoff_notices: [{ minutes_before: 30 }] }],
      [daily],
      at('2026-11-02T10:00:00+09:00'),
      3 * 24 * 3600_000,
    );
    expect(next).toEqual(at('2026-11-04T08:30:00+09:00'));
  });
});
