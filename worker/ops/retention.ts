// Retention: alert payloads (what monitoring tools sent, often large) are kept for a configured age,
// then emptied, in D1 and in the incident objects that still hold them. Incidents, their alerts'
// summaries and times, the timeline and the audit log are kept.
import { incidentObject } from '../incident/commands';
import { DAY } from '../vocabulary';

export const DEFAULT_RETENTION_DAYS = 90;
/** Alerts emptied per run: a run stays short, and the cron comes back every few minutes. */
const ALERTS_PER_RUN = 1000;

export function retentionDays(env: Env): number {
  const days = Number(env.TOCSIN_PAYLOAD_RETENTION_DAYS ?? DEFAULT_RETENTION_DAYS);
  if (!Number.isFinite(days) || days < 1) {
    console.error(`TOCSIN_PAYLOAD_RETENTION_DAYS is not a number of days: keeping ${DEFAULT_RETENTION_DAYS}`);
    return DEFAULT_RETENTION_DAYS;
  }
  return days;
}

/** Empties the payloads of alerts older than the retention age; answers how many alerts and incidents it touched. */
export async function prunePayloads(env: Env, now: Date): Promise<{ alerts: number; incidents: number }> {
  const before = new Date(now.getTime() - retentionDays(env) * DAY).toISOString();
  const { results } = await env.DB.prepare(
    `UPDATE alerts SET payload = '{}', pruned_at = ?
     WHERE id IN (SELECT id FROM alerts WHERE pruned_at IS NULL AND received_at < ? ORDER BY received_at LIMIT ?)
     RETURNING incident_id`,
  )
    .bind(now.toISOString(), before, ALERTS_PER_RUN)
    .all<{ incident_id: string }>();
  const incidents = [...new Set(results.map((r) => r.incident_id))];
  for (const id of incidents) await incidentObject(env.INCIDENTS, id)?.pruneAlerts(before);
  return { alerts: results.length, incidents: incidents.length };
}
