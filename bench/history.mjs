// A year of made-up history for the reports, written by SQLite itself from counters (a file of a
// million inserts would take longer to read than this takes to run): incidents spread evenly over the
// year across the configured services (each with its first integration) and escalation policies, a
// quarter never acknowledged and a tenth still open, their alert events, and pages to the configured
// users over every channel, a fiftieth failed. For the bench, and for `npm run seed`; `run` makes
// each seeding's ids its own, so that seeding twice adds a second year's worth.

const YEAR_SECONDS = 365 * 86_400;

const iso = (expr) => `strftime('%Y-%m-%dT%H:%M:%fZ', ${expr})`;

/** The SQL that adds the history; `from` (an ISO instant) starts the year. Needs at least one service with an integration, and one user. */
export function historySql({ incidents, eventsPerIncident = 10, pages, from, run = 'seed' }) {
  const apart = Math.max(1, Math.floor(YEAR_SECONDS / incidents));
  const pageApart = Math.max(1, Math.floor(YEAR_SECONDS / pages));
  const at = (offset) => iso(`'${from}', '+' || (${offset}) || ' seconds'`);
  // D1 refuses temporary tables: the services and users to spread over are named in each statement.
  const services = `seed_services AS (
    SELECT row_number() OVER (ORDER BY s.created_at, s.id) - 1 AS k, s.id AS service_id,
      (SELECT g.id FROM integrations g WHERE g.service_id = s.id AND g.deleted_at IS NULL ORDER BY g.created_at LIMIT 1)
        AS integration_id,
      coalesce((SELECT p.handle FROM escalation_policies p WHERE p.deleted_at IS NULL ORDER BY p.created_at LIMIT 1),
        'default') AS policy
    FROM services s WHERE s.deleted_at IS NULL
      AND EXISTS (SELECT 1 FROM integrations g WHERE g.service_id = s.id AND g.deleted_at IS NULL))`;
  const users = `seed_users AS (
    SELECT row_number() OVER (ORDER BY created_at, id) - 1 AS k, handle FROM users WHERE deleted_at IS NULL)`;
  return `
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${incidents - 1}), ${services}, ${users},
rows AS (SELECT i, ${at(`i * ${apart}`)} AS created, (i % 4 <> 0) AS acked, (i % 10 <> 0) AS resolved FROM n),
-- Far above the numbers real incidents take, and after any seeded before.
start AS (SELECT max(900000000, coalesce(max(number), 0)) + 1 AS number0 FROM incidents)
INSERT INTO incidents (id, number, status, urgency, summary, service_id, integration_id, event_id, alert_count,
  created_at, acknowledged_at, resolved_at, last_event_at, revision, escalation_policy, updated_at,
  first_acknowledged_at, acknowledged_by, escalated)
SELECT '${run}-' || i, number0 + i,
  CASE WHEN resolved THEN 'resolved' WHEN acked THEN 'acknowledged' ELSE 'triggered' END,
  CASE i % 3 WHEN 0 THEN 'high' WHEN 1 THEN 'low' ELSE 'none' END,
  'Seeded alert ' || (i % 500), s.service_id, s.integration_id, 'seed-' || (i % 5000), ${eventsPerIncident}, created,
  CASE WHEN acked THEN ${iso(`created, '+' || (30 + i % 600) || ' seconds'`)} END,
  CASE WHEN resolved THEN ${iso(`created, '+' || (900 + i % 7200) || ' seconds'`)} END,
  created, 1, s.policy, created,
  CASE WHEN acked THEN ${iso(`created, '+' || (30 + i % 600) || ' seconds'`)} END,
  CASE WHEN acked THEN u.handle END, (i % 7 = 0)
FROM rows
JOIN start
JOIN seed_services s ON s.k = i % (SELECT count(*) FROM seed_services)
JOIN seed_users u ON u.k = i % (SELECT count(*) FROM seed_users);

WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${incidents * eventsPerIncident - 1})
INSERT INTO alerts (id, incident_id, received_at, event_time, summary, urgency, payload)
SELECT '${run}-alert-' || i, '${run}-' || (i / ${eventsPerIncident}),
  ${at(`(i / ${eventsPerIncident}) * ${apart} + i % ${eventsPerIncident}`)}, ${at(`(i / ${eventsPerIncident}) * ${apart}`)},
  'Seeded alert', 'high', '{"host":"web-' || (i % 40) || '","value":' || (i % 100) || '}'
FROM n;

WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${pages - 1}), ${users}
INSERT INTO notifications (id, kind, incident_id, incident_number, user, contact_method, channel, provider, status,
  attempt, due_at, sent_at, processed_at)
SELECT '${run}-page-' || i, 'page', '${run}-' || (i % ${incidents}), NULL, u.handle,
  'seed-' || (i % 4), CASE i % 4 WHEN 0 THEN 'email' WHEN 1 THEN 'sms' WHEN 2 THEN 'push' ELSE 'voice' END,
  CASE i % 4 WHEN 0 THEN 'resend' WHEN 1 THEN 'twilio' WHEN 2 THEN 'webpush' ELSE 'twilio' END,
  CASE WHEN i % 50 = 0 THEN 'failed' WHEN i % 3 = 0 THEN 'delivered' ELSE 'sent' END, 1,
  ${at(`i * ${pageApart}`)}, ${at(`i * ${pageApart}`)}, ${at(`i * ${pageApart}`)}
FROM n JOIN seed_users u ON u.k = i % (SELECT count(*) FROM seed_users);

ANALYZE;
`;
}
