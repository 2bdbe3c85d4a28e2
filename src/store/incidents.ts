// Incidents (correlated alerts) and storm counting.
import type { Pool } from 'pg';
import type { Alert } from '../domain/alert';

/** Counts this alert among its look-alikes of the last window; a redelivery is not counted twice. */
export async function countSimilar(db: Pool, similarityKey: string, workflowId: string, windowMs: number): Promise<number> {
  await db.query('INSERT INTO similar_alerts (similarity_key, workflow_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [similarityKey, workflowId]);
  await db.query(`DELETE FROM similar_alerts WHERE similarity_key = $1 AND seen_at < now() - ($2 || ' milliseconds')::interval`, [similarityKey, windowMs]);
  const { rows } = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM similar_alerts WHERE similarity_key = $1 AND seen_at >= now() - ($2 || ' milliseconds')::interval`,
    [similarityKey, windowMs],
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
export async function recordCorrelatedAlerts(db: Pool, incidentId: string, alerts: { workflowId: string; alert: Alert }[]): Promise<void> {
  for (const { workflowId, alert } of alerts) {
    await db.query(
      `INSERT INTO alerts (workflow_id, source, source_id, severity, title, alert_time, alert, status, disposition, incident_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'correlated', 'correlated', $8) ON CONFLICT DO NOTHING`,
      [workflowId, alert.source, alert.sourceId, alert.severity, alert.title, alert.time, JSON.stringify({ ...alert, raw: undefined }), incidentId],
    );
  }
}

export async function getIncident(db: Pool, id: string) {
  return (await db.query<{ id: string; correlation_key: string; alert_count: number; storm: boolean; primary_alert: string | null }>(
    'SELECT id, correlation_key, alert_count, storm, primary_alert FROM incidents WHERE id = $1', [id],
  )).rows[0];
}
