// The console's timeline arithmetic, a pure module of web/: tested here, in Node, beside the console's browser test.
import { describe, expect, it } from 'vitest';
import { nowAt, place, rowsOf, ticksOf, windowOf } from '../web/src/lib/timeline.ts';

const now = new Date('2026-12-04T04:37:12Z');
const shift = (start, end, user, layer = 'Primary') => ({ start, end, user, layer });

describe('the schedule timeline', () => {
  it('shows a day, a week, two weeks or a month from the start of the current hour', () => {
    const lengths = { '1d': 1, '1w': 7, '2w': 14, '1m': 30 };
    for (const [view, days] of Object.entries(lengths)) {
      const { from, to } = windowOf(view, now);
      expect(from.toISOString()).toBe('2026-12-04T04:00:00.000Z');
      expect((to.getTime() - from.getTime()) / 86_400_000).toBe(days);
    }
  });

  it('cuts shifts to the window and leaves out those outside it', () => {
    const range = windowOf('1d', now);
    const placed = place(
      [
        shift('2026-12-03T00:00:00Z', '2026-12-04T16:00:00Z', 'ana'),
        shift('2026-12-04T16:00:00Z', '2026-12-06T00:00:00Z', 'ben'),
        shift('2026-12-01T00:00:00Z', '2026-12-02T00:00:00Z', 'chae'),
      ],
      range,
    );
    expect(placed.map((p) => [p.user, p.left, p.width])).toEqual([
      ['ana', 0, 50],
      ['ben', 50, 50],
    ]);
  });

  it('puts each layer on its own row, and whole-schedule overrides on a row of their own', () => {
    const rows = rowsOf([shift('a', 'b', 'ana'), shift('a', 'b', 'owner', null), shift('b', 'c', 'ben')]);
    expect(rows.map((r) => [r.layer, r.shifts.map((s) => s.user)])).toEqual([
      ['Primary', ['ana', 'ben']],
      [null, ['owner']],
    ]);
  });

  it('marks the axis every three hours in a day and every day in a week, and where now is', () => {
    expect(ticksOf('1d', windowOf('1d', now))).toHaveLength(8);
    expect(ticksOf('1w', windowOf('1w', now))).toHaveLength(7);
    expect(nowAt(windowOf('1d', now), now)).toBeCloseTo((37.2 / (24 * 60)) * 100);
    expect(nowAt(windowOf('1d', now), new Date('2026-12-06T00:00:00Z'))).toBeNull();
  });
});
