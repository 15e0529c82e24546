// Hands out incident numbers (#1, #2, …) across the deployment: one object, one counter per name.
import { DurableObject } from 'cloudflare:workers';

export class SequenceObject extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL)');
  }

  next(name: string): number {
    const row = this.ctx.storage.sql
      .exec<{ value: number }>(
        `INSERT INTO sequences (name, value) VALUES (?, 1)
         ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value`,
        name,
      )
      .one();
    return row.value;
  }
}

export function nextIncidentNumber(env: Env): Promise<number> {
  return env.SEQUENCES.getByName('incidents').next('incident');
}
