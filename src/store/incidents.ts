// Incidents (correlated alerts) and storm counting.
import type { Pool } from 'pg';
import type { Alert } from '../domain/alert';

/** Counts this alert among its look-alikes of the last window; a redelivery is not counted twice. */
/**
 * Notes the alert under its similarity key and counts the look-alikes in the window, itself
 * included, in one round trip (ingest runs this per alert). The count reads the snapshot from
 * before the statement, so a row this statement inserted is added to it; rows it deletes are
 * outside the window anyway.
 */
export async function countSimilar(db: Pool, similarityKey: string, workflowId: string, windowMs: number): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `WITH inserted AS (
       INSERT INTO similar_alerts (similarity_key, workflow_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1
     ), expired AS (
       DELETE FROM similar_alerts WHERE similarity_key = $1 AND seen_at < now() - ($3 || ' milliseconds')::interval RETURNING 1
     )
     SELECT (SELECT count(*) FROM similar_alerts WHERE similarity_key = $1 AND seen_at >= now() - ($3 || ' milliseconds')::interval)
          + (SELECT count(*) FROM inserted) AS n`,
    [similarityKey, workflowId, windowMs],
  );
  return Number(rows[0].n);
}

/** `primary`: the incident's current investigation (a more severe or later alert takes over). */
export async function upsertIncident(db: Pool, i: { id: string; key: string; alertCount: number; storm: boolean; primary?: string }): Promise<void> {
  await db.query(
    `INSERT INTO incidents (id, correlation_key, alert_count, storm, primary_alert) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (id) DO UPDATE SET alert_count = GREATEST(incidents.alert_count, EXCLUDED.alert_count),
       storm = incidents.storm OR EXCLUDED.storm, primary_alert = COALESCE(EXCLUDED.primary_alert, incidents.primary_alert), updated_at = now()`,
    [i.id, i.key, i.alertCount, i.storm, i.primary ?? null],
  );
}

/** Records alerts that joined an incident without their own investigation. Idempotent. */
/** Records the alerts that joined an incident, in one statement (a storm batch is hundreds). */
export async function recordCorrelatedAlerts(db: Pool, incidentId: string, alerts: { workflowId: string; alert: Alert }[]): Promise<void> {
  if (alerts.length === 0) return;
  await db.query(
    `INSERT INTO alerts (workflow_id, source, source_id, severity, title, alert_time, alert, status, disposition, incident_id)
     SELECT workflow_id, source, source_id, severity, title, alert_time, alert, 'correlated', 'correlated', $7
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $8::jsonb[])
         AS a(workflow_id, source, source_id, severity, title, alert_time, alert)
     ON CONFLICT DO NOTHING`,
    [alerts.map((a) => a.workflowId), alerts.map((a) => a.alert.source), alerts.map((a) => a.alert.sourceId),
      alerts.map((a) => a.alert.severity), alerts.map((a) => a.alert.title), alerts.map((a) => a.alert.time), incidentId,
      alerts.map((a) => JSON.stringify({ ...a.alert, raw: undefined }))],
  );
}

export async function getIncident(db: Pool, id: string) {
  return (await db.query<{ id: string; correlation_key: string; alert_count: number; storm: boolean; primary_alert: string | null }>(
    'SELECT id, correlation_key, alert_count, storm, primary_alert FROM incidents WHERE id = $1', [id],
  )).rows[0];
}
