// The D1 writer against real D1: parts that arrive together are written together, and a part that D1
// refuses is answered with the error without holding back the parts batched with it.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { AlertRecord } from '../incident/lifecycle';
import type { CopyPart } from './writer';

function comment(incidentId: string): CopyPart {
  return {
    rows: [],
    records: [
      {
        kind: 'timeline',
        id: crypto.randomUUID(),
        incidentId,
        seq: 1,
        entry: {
          type: 'comment',
          at: '2030-01-01T00:00:00.000Z',
          actor: { type: 'user', id: 'kim' },
          details: { text: 'on it' },
        },
      },
    ],
    bytes: 200,
  };
}

/** An alert without its summary: D1 refuses it (NOT NULL). */
function refused(incidentId: string): CopyPart {
  const alert = { receivedAt: '2030-01-01T00:00:00.000Z', eventTime: '2030-01-01T00:00:00.000Z' } as AlertRecord;
  return { rows: [], records: [{ kind: 'alert', id: crypto.randomUUID(), incidentId, seq: 2, alert }], bytes: 100 };
}

async function commented(incidentIds: string[]): Promise<string[]> {
  const { results } = await env.DB.prepare(
    `SELECT incident_id FROM timeline_entries WHERE incident_id IN (SELECT value FROM json_each(?)) ORDER BY incident_id`,
  )
    .bind(JSON.stringify(incidentIds))
    .all<{ incident_id: string }>();
  return results.map((r) => r.incident_id);
}

describe('the D1 writer', () => {
  it('writes every part, however many arrive at once', async () => {
    const writer = env.D1_WRITER.getByName('writer-all');
    const ids = Array.from({ length: 50 }, (_, i) => `w-all-${String(i).padStart(2, '0')}`);
    const results = await Promise.all(ids.map((id) => writer.copy(comment(id))));
    expect(results.every((r) => r.copied)).toBe(true);
    expect(await commented(ids)).toEqual(ids);
  });

  it('answers a refused part with the error, and still writes the parts batched with it', async () => {
    const writer = env.D1_WRITER.getByName('writer-refused');
    const [first, bad, after] = await Promise.all([
      writer.copy(comment('w-bad-1')),
      writer.copy(refused('w-bad-2')),
      writer.copy(comment('w-bad-3')),
    ]);
    expect(first).toEqual({ copied: true });
    expect(bad).toEqual({ copied: false, error: expect.stringMatching(/NOT NULL/) });
    expect(after).toEqual({ copied: true });
    expect(await commented(['w-bad-1', 'w-bad-2', 'w-bad-3'])).toEqual(['w-bad-1', 'w-bad-3']);
  });
});
