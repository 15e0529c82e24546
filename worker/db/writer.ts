// The one writer of incident copies to D1. Every incident object drains its outbox here instead of
// writing D1 itself: while one batch is being written, the parts that arrive gather into the next,
// so a storm of new incidents costs D1 a few transactions, not one per incident (group commit).
// The writer keeps nothing: a part is answered only once D1 has committed it, and a part that is not
// answered stays in its object's outbox, to be sent again.
import { DurableObject } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { syncStatements, type IncidentRow, type QueuedRecord } from './incidents';

/** What one incident object copies at once. */
export interface CopyPart {
  rows: IncidentRow[];
  records: QueuedRecord[];
  /** About how big the part is, as JSON. */
  bytes: number;
}

/** How a part fared: a failure is an answer, not an exception, so that it crosses RPC quietly. */
export type CopyResult = { copied: true } | { copied: false; error: string };

interface Waiting extends CopyPart {
  answer: (result: CopyResult) => void;
}

/** About how much one D1 batch takes; a single larger part still goes in one. */
const BATCH_RECORDS = 1000;
const BATCH_BYTES = 8 * 1024 * 1024;

/** What the writer knows of the copies' health, for /health. */
export interface CopyHealth {
  /** When the oldest change still waiting for D1 first failed to copy (null: none is waiting). */
  oldestPendingAt: string | null;
  /** When an incident object last copied its changes: its alarm ran then. */
  lastCopyAt: string | null;
}

const incidentsOf = (part: CopyPart) =>
  new Set([...part.rows.map((r) => r.id), ...part.records.map((r) => r.incidentId)]);

export class D1WriterObject extends DurableObject<Env> {
  private waiting: Waiting[] = [];
  private writing = false;
  // Kept in memory only: while copies fail, the objects keep sending them, so the writer stays up.
  private failingSince = new Map<string, number>();
  private lastCopyAt: number | null = null;

  health(): CopyHealth {
    const oldest = Math.min(...this.failingSince.values());
    const iso = (ms: number | null) => (ms === null || !Number.isFinite(ms) ? null : new Date(ms).toISOString());
    return { oldestPendingAt: iso(oldest), lastCopyAt: iso(this.lastCopyAt) };
  }

  /** Answers once the part is committed to D1, or could not be. */
  copy(part: CopyPart): Promise<CopyResult> {
    this.lastCopyAt = Date.now();
    return new Promise((answer) => {
      this.waiting.push({ ...part, answer });
      if (!this.writing) void this.writeAll();
    });
  }

  private async writeAll(): Promise<void> {
    this.writing = true;
    try {
      while (this.waiting.length > 0) await this.write(this.takeBatch());
    } finally {
      this.writing = false;
    }
  }

  private takeBatch(): Waiting[] {
    let records = 0;
    let bytes = 0;
    let count = 0;
    while (count < this.waiting.length && (count === 0 || (records < BATCH_RECORDS && bytes < BATCH_BYTES))) {
      const part = this.waiting[count]!;
      records += part.rows.length + part.records.length;
      bytes += part.bytes;
      count += 1;
    }
    return this.waiting.splice(0, count);
  }

  /** Writes the parts in one batch; if it fails, each on its own, so that one bad part holds back no other. */
  private async write(parts: Waiting[]): Promise<void> {
    try {
      const db = drizzle(this.env.DB);
      const [first, ...rest] = syncStatements(
        db,
        parts.flatMap((p) => p.rows),
        parts.flatMap((p) => p.records),
      );
      if (first) await db.batch([first, ...rest]);
      for (const part of parts) {
        for (const id of incidentsOf(part)) this.failingSince.delete(id);
        part.answer({ copied: true });
      }
    } catch (error) {
      if (parts.length === 1) {
        const now = Date.now();
        for (const id of incidentsOf(parts[0]!)) if (!this.failingSince.has(id)) this.failingSince.set(id, now);
        parts[0]!.answer({ copied: false, error: String(error) });
        return;
      }
      for (const part of parts) await this.write([part]);
    }
  }
}

/** Copies an incident object's changes to D1 through the writer; throws if D1 did not take them. */
export async function copyToD1(env: Env, part: CopyPart): Promise<void> {
  const result = await env.D1_WRITER.getByName('d1').copy(part);
  if (!result.copied) throw new Error(`copy to D1 failed: ${result.error}`);
}

/** How the copies to D1 stand, from the writer. */
export const copyHealth = (env: Env): Promise<CopyHealth> => env.D1_WRITER.getByName('d1').health();
