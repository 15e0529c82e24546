// The last configuration any isolate loaded, kept where a new isolate can find it while D1 cannot be
// read: without it, an isolate that starts during a D1 outage would have no configuration, and ingest
// would refuse alerts it could have routed. One object; written when the configuration changes.
import { DurableObject } from 'cloudflare:workers';

export class ConfigSnapshotObject extends DurableObject<Env> {
  private readonly sql = this.ctx.storage.sql;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql.exec(
      'CREATE TABLE IF NOT EXISTS snapshot (id INTEGER PRIMARY KEY, version TEXT NOT NULL, body TEXT NOT NULL)',
    );
  }

  /** Keeps this copy unless it is the one kept already (`version` names it: revision and maintenance). */
  keep(version: string, body: string): void {
    this.sql.exec(
      `INSERT INTO snapshot (id, version, body) VALUES (1, ?, ?)
       ON CONFLICT (id) DO UPDATE SET version = excluded.version, body = excluded.body WHERE version <> excluded.version`,
      version,
      body,
    );
  }

  read(): string | null {
    return this.sql.exec<{ body: string }>('SELECT body FROM snapshot WHERE id = 1').toArray()[0]?.body ?? null;
  }
}

/** The snapshot's one object. */
export const configSnapshot = (env: Pick<Env, 'CONFIG_SNAPSHOTS'>) => env.CONFIG_SNAPSHOTS.getByName('config');
