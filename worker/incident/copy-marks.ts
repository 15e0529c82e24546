// What D1 has confirmed of an incident object's outbox that its tables do not mark yet. A drain that
// empties the outbox leaves its marks to the object's next commit (or its alarm) rather than commit
// them on their own: that commit would be one more disk sync for every new incident. Marks lost with
// the object only mean copying again, which D1 takes idempotently (rows by revision, records by id).

/** The alerts an incident object keeps of each incident (D1 keeps them all). */
export const KEPT_ALERTS = 100;

export class CopyMarks {
  /** Every timeline entry and alert up to these sequence numbers is in D1. */
  readonly through = { timeline: 0, alerts: 0 };
  private readonly marked = { timeline: 0, alerts: 0 };
  /** Incident id → the revision D1 has. */
  private readonly incidents = new Map<string, number>();
  /** Page id → the record revision D1 has. */
  private readonly pages = new Map<string, number>();
  /** Incidents whose copied alerts beyond the latest KEPT_ALERTS may go. */
  private readonly alertsOf = new Set<string>();

  /** D1 has committed these. */
  copied(part: {
    incidents: { id: string; revision: number }[];
    pages: { id: string; revision: number }[];
    timeline: { seq: number }[];
    alerts: { seq: number; incident_id: string }[];
  }): void {
    for (const { id, revision } of part.incidents) this.incidents.set(id, revision);
    for (const { id, revision } of part.pages) this.pages.set(id, revision);
    this.through.timeline = part.timeline.at(-1)?.seq ?? this.through.timeline;
    this.through.alerts = part.alerts.at(-1)?.seq ?? this.through.alerts;
    for (const alert of part.alerts) this.alertsOf.add(alert.incident_id);
  }

  /** Whether D1 already has this revision of an incident or page the tables call unsynced. */
  hasIncident = (id: string, revision: number) => (this.incidents.get(id) ?? 0) >= revision;
  hasPage = (id: string, revision: number) => this.pages.get(id) === revision;

  get pending(): boolean {
    return (
      this.incidents.size + this.pages.size + this.alertsOf.size > 0 ||
      this.through.timeline > this.marked.timeline ||
      this.through.alerts > this.marked.alerts
    );
  }

  /** Writes the marks; call inside a transaction. */
  write(sql: SqlStorage): void {
    if (!this.pending) return;
    if (this.through.timeline > this.marked.timeline) {
      sql.exec('UPDATE timeline SET synced = 1 WHERE synced = 0 AND seq <= ?', this.through.timeline);
    }
    if (this.through.alerts > this.marked.alerts) {
      sql.exec('UPDATE alerts SET synced = 1 WHERE synced = 0 AND seq <= ?', this.through.alerts);
    }
    for (const [id, revision] of this.incidents) {
      sql.exec('UPDATE incidents SET synced_revision = ? WHERE id = ? AND synced_revision < ?', revision, id, revision);
    }
    // A page changed since its copy has a later revision and stays unsynced.
    for (const [id, revision] of this.pages) {
      sql.exec("UPDATE pages SET synced = 1 WHERE id = ? AND record ->> 'revision' = ?", id, revision);
    }
    // The object keeps each incident's latest alerts; D1 has them all.
    for (const id of this.alertsOf) {
      sql.exec(
        `DELETE FROM alerts WHERE incident_id = ? AND synced = 1 AND seq <=
           (SELECT seq FROM alerts WHERE incident_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
        id,
        id,
        KEPT_ALERTS,
      );
    }
    this.marked.timeline = this.through.timeline;
    this.marked.alerts = this.through.alerts;
    this.incidents.clear();
    this.pages.clear();
    this.alertsOf.clear();
  }
}
