// Hands out incident numbers (#1, #2, …) across the deployment: one object, one counter per name.
// Numbers are reserved in blocks as large as the last ten seconds' demand (1 when quiet, at most
// 100), so that in a storm each new incident does not cost this object a disk commit of its own. A
// restart skips what is left of a block: numbers stay unique and increasing, with a gap after a storm.
import { DurableObject } from 'cloudflare:workers';

const MAX_BLOCK = 100;
const DEMAND_WINDOW_MS = 10_000;

export class SequenceObject extends DurableObject<Env> {
  /** Per name: the next number to hand out, and the last one the stored value reserves. */
  private readonly counters = new Map<string, { next: number; reserved: number }>();
  /** When the latest numbers were handed out, at most MAX_BLOCK of them. */
  private demand: number[] = [];

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL)');
  }

  next(name: string): number {
    const now = Date.now();
    this.demand = [...this.demand.filter((at) => at > now - DEMAND_WINDOW_MS).slice(1 - MAX_BLOCK), now];
    const counter = this.counter(name);
    if (counter.next > counter.reserved) {
      const reserved = counter.next + this.demand.length - 1;
      // Stored before it counts: a failed write hands out nothing it did not reserve.
      this.ctx.storage.sql.exec(
        'INSERT INTO sequences (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
        name,
        reserved,
      );
      counter.reserved = reserved;
    }
    return counter.next++;
  }

  private counter(name: string): { next: number; reserved: number } {
    let counter = this.counters.get(name);
    if (!counter) {
      // The stored value is the last number that may have been handed out.
      const row = this.ctx.storage.sql
        .exec<{ value: number }>('SELECT value FROM sequences WHERE name = ?', name)
        .toArray()[0];
      const last = row?.value ?? 0;
      counter = { next: last + 1, reserved: last };
      this.counters.set(name, counter);
    }
    return counter;
  }
}

export function nextIncidentNumber(env: Env): Promise<number> {
  return env.SEQUENCES.getByName('incidents').next('incident');
}
