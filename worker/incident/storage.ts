// The incident object's own SQLite schema, versioned like D1's: each migration runs once, in order,
// and a new object creates its tables in the commit of its first change. No indexes: an object holds
// a handful of incidents, and every index is pages written on the path of each new incident.
//
// incidents: each incident's state and escalation snapshot; `revision` > `synced_revision` is a copy
//   D1 does not have yet. timeline and alerts: the incident's log and its latest alerts (`synced` = D1
//   has it). pages: every page's job and delivery record (`sent` = the queue has it, `synced` = D1 has
//   its latest record). timers: what is due when, on the object's one alarm.
// The tables as the latest version has them: what a new object creates, in one go. They differ from
// what the migrations built only in layout, never in columns: fewer pages on the path of every new
// incident. Tables keyed by text keep no separate index (WITHOUT ROWID), and sequence numbers need
// no AUTOINCREMENT bookkeeping, since the newest alert of an incident is never deleted and so no
// number is ever handed out twice. Pages keep their rowid: it orders them.
const current = `
  CREATE TABLE schema_version (version INTEGER NOT NULL);
  CREATE TABLE incidents (
    id TEXT PRIMARY KEY, ordinal INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    state TEXT NOT NULL, escalation TEXT, revision INTEGER NOT NULL, synced_revision INTEGER NOT NULL DEFAULT 0)
    WITHOUT ROWID;
  CREATE TABLE timeline (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL, incident_id TEXT NOT NULL, entry TEXT NOT NULL,
    synced INTEGER NOT NULL DEFAULT 0);
  CREATE TABLE alerts (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL, incident_id TEXT NOT NULL, record TEXT NOT NULL,
    synced INTEGER NOT NULL DEFAULT 0);
  CREATE TABLE pages (
    id TEXT PRIMARY KEY, incident_id TEXT NOT NULL, job TEXT NOT NULL, status TEXT NOT NULL, detail TEXT,
    processed_at TEXT, sent INTEGER NOT NULL DEFAULT 0, synced INTEGER NOT NULL DEFAULT 1, record TEXT);
  CREATE TABLE timers (
    id TEXT PRIMARY KEY, incident_id TEXT NOT NULL, due INTEGER NOT NULL, kind TEXT NOT NULL, timer TEXT NOT NULL)
    WITHOUT ROWID`;

// How an object of each older version reaches the next; `current` must be what they add up to.
export const migrations: readonly string[] = [
  `CREATE TABLE schema_version (version INTEGER NOT NULL);
   INSERT INTO schema_version (version) VALUES (0);
   CREATE TABLE incidents (
     id TEXT PRIMARY KEY, ordinal INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
     state TEXT NOT NULL, escalation TEXT, revision INTEGER NOT NULL, synced_revision INTEGER NOT NULL DEFAULT 0);
   CREATE TABLE timeline (
     seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, incident_id TEXT NOT NULL, entry TEXT NOT NULL,
     synced INTEGER NOT NULL DEFAULT 0);
   CREATE TABLE alerts (
     seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, incident_id TEXT NOT NULL, record TEXT NOT NULL,
     synced INTEGER NOT NULL DEFAULT 0);
   CREATE TABLE pages (
     id TEXT PRIMARY KEY, incident_id TEXT NOT NULL, job TEXT NOT NULL, status TEXT NOT NULL, detail TEXT,
     processed_at TEXT, sent INTEGER NOT NULL DEFAULT 0, synced INTEGER NOT NULL DEFAULT 1);
   CREATE TABLE timers (
     id TEXT PRIMARY KEY, incident_id TEXT NOT NULL, due INTEGER NOT NULL, kind TEXT NOT NULL, timer TEXT NOT NULL)`,
  // A page's delivery record (incident/pages.ts) beside its job; the old outcomes map onto it.
  `ALTER TABLE pages ADD COLUMN record TEXT;
   UPDATE pages SET status = CASE status WHEN 'notified' THEN 'sent' ELSE status END;
   UPDATE pages SET record = json_object(
     'status', status, 'provider', CASE status WHEN 'sent' THEN 'log' END,
     'attempts', CASE status WHEN 'queued' THEN 0 ELSE 1 END, 'unknown', 0, 'providerMessageId', NULL,
     'error', detail, 'queuedAt', coalesce(json_extract(job, '$.dueAt'), processed_at), 'claimedAt', NULL,
     'sentAt', CASE status WHEN 'sent' THEN processed_at END, 'deliveredAt', NULL, 'revision', 1)`,
];

export const SCHEMA_VERSION = migrations.length;

/** The version of the object's tables; 0 for a new object. */
export function schemaVersion(sql: SqlStorage): number {
  const exists = sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").toArray();
  if (exists.length === 0) return 0;
  return sql.exec<{ version: number }>('SELECT version FROM schema_version').one().version;
}

/** Brings the tables from `from` to the current version; call inside the transaction of a change. */
export function migrate(sql: SqlStorage, from: number): void {
  if (from === 0) {
    // Creating the tables is most of a new incident's cost: the latest ones at once, no ALTER.
    sql.exec(current);
    sql.exec('INSERT INTO schema_version (version) VALUES (?)', SCHEMA_VERSION);
    return;
  }
  for (const migration of migrations.slice(from)) sql.exec(migration);
  sql.exec('UPDATE schema_version SET version = ?', SCHEMA_VERSION);
}
