// Incidents (correlated alerts) and storm counting.
import type { Pool } from 'pg';
import { type Alert, alertWorkflowId } from '../domain/alert';
import { alertRef, type AlertRef } from '../domain/alert-ref';
import type { ObservableSet } from '../domain/observables';

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
export async function upsertIncident(
  db: Pool,
  i: { id: string; key: string; alertCount: number; storm: boolean; primary?: string },
): Promise<void> {
  await db.query(
    `INSERT INTO incidents (id, correlation_key, alert_count, storm, primary_alert) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (id) DO UPDATE SET alert_count = GREATEST(incidents.alert_count, EXCLUDED.alert_count),
       storm = incidents.storm OR EXCLUDED.storm, primary_alert = COALESCE(EXCLUDED.primary_alert, incidents.primary_alert), updated_at = now()`,
    [i.id, i.key, i.alertCount, i.storm, i.primary ?? null],
  );
}

/**
 * Records the alerts that joined an incident, in one statement each way (a storm batch is
 * hundreds): those sent whole are inserted; those sent by reference (no `alert`: the ingest
 * service stored them) are marked. Idempotent.
 */
export async function recordCorrelatedAlerts(db: Pool, incidentId: string, joined: { workflowId: string; alert?: Alert }[]): Promise<void> {
  const whole = joined.filter((a): a is { workflowId: string; alert: Alert } => a.alert !== undefined);
  const byReference = joined.filter((a) => a.alert === undefined).map((a) => a.workflowId);
  if (byReference.length > 0) {
    await db.query(
      `UPDATE alerts SET status = 'correlated', disposition = 'correlated', incident_id = $1, updated_at = now()
        WHERE workflow_id = ANY($2::text[]) AND incident_id IS NULL`,
      [incidentId, byReference],
    );
  }
  if (whole.length === 0) return;
  await db.query(
    `INSERT INTO alerts (workflow_id, source, source_id, severity, title, alert_time, alert, status, disposition, incident_id)
     SELECT workflow_id, source, source_id, severity, title, alert_time, alert, 'correlated', 'correlated', $7
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $8::jsonb[])
         AS a(workflow_id, source, source_id, severity, title, alert_time, alert)
     ON CONFLICT DO NOTHING`,
    [
      whole.map((a) => a.workflowId),
      whole.map((a) => a.alert.source),
      whole.map((a) => a.alert.sourceId),
      whole.map((a) => a.alert.severity),
      whole.map((a) => a.alert.title),
      whole.map((a) => a.alert.time),
      incidentId,
      whole.map((a) => JSON.stringify({ ...a.alert, raw: undefined })),
    ],
  );
}

/** The investigation's own alert is on its incident too (so the incident does not take it up again). */
export async function markIncidentPrimary(db: Pool, incidentId: string, workflowId: string): Promise<void> {
  await db.query('UPDATE alerts SET incident_id = $1, updated_at = now() WHERE workflow_id = $2 AND incident_id IS NULL', [
    incidentId,
    workflowId,
  ]);
}

export interface IncomingAlert {
  alert: Alert;
  observables: ObservableSet;
  incidentKey: string;
  route?: AlertRef['route'];
}

/**
 * Stores alerts on their way to an incident, before the incident hears of them (ingest acks
 * only what is stored). One statement for the batch; a redelivered alert keeps its row.
 */
export async function storeIncidentAlerts(db: Pool, incoming: IncomingAlert[]): Promise<void> {
  if (incoming.length === 0) return;
  await db.query(
    `INSERT INTO alerts (workflow_id, source, source_id, severity, title, alert_time, alert, observables, raw, incident_key, incident_route)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::jsonb[], $8::jsonb[], $9::jsonb[], $10::text[], $11::jsonb[])
     ON CONFLICT DO NOTHING`,
    [
      incoming.map((i) => alertWorkflowId(i.alert)),
      incoming.map((i) => i.alert.source),
      incoming.map((i) => i.alert.sourceId),
      incoming.map((i) => i.alert.severity),
      incoming.map((i) => i.alert.title),
      incoming.map((i) => i.alert.time),
      incoming.map((i) => JSON.stringify({ ...i.alert, raw: undefined })),
      incoming.map((i) => JSON.stringify(i.observables)),
      incoming.map((i) => (i.alert.raw === undefined ? null : JSON.stringify(i.alert.raw))),
      incoming.map((i) => i.incidentKey),
      incoming.map((i) => (i.route ? JSON.stringify(i.route) : null)),
    ],
  );
}

/** A stored alert as it was ingested (its raw event included), for the investigation an incident starts. */
export async function loadStoredAlert(db: Pool, workflowId: string): Promise<Alert | undefined> {
  const row = (await db.query<{ alert: Alert; raw: unknown }>('SELECT alert, raw FROM alerts WHERE workflow_id = $1', [workflowId]))
    .rows[0];
  return row && (row.raw === null ? row.alert : { ...row.alert, raw: row.raw });
}

/** Alerts stored for an incident key that never reached an incident, oldest first, as references. */
export async function storedIncidentAlerts(db: Pool, incidentKey: string, limit: number): Promise<AlertRef[]> {
  const { rows } = await db.query<{ alert: Alert; observables: ObservableSet; incident_route: AlertRef['route'] | null }>(
    `SELECT alert, observables, incident_route FROM alerts
      WHERE incident_key = $1 AND incident_id IS NULL ORDER BY received_at, workflow_id LIMIT $2`,
    [incidentKey, limit],
  );
  return rows.map((r) => alertRef(r.alert, r.observables, r.incident_route ?? undefined));
}

export async function getIncident(db: Pool, id: string) {
  return (
    await db.query<{ id: string; correlation_key: string; alert_count: number; storm: boolean; primary_alert: string | null }>(
      'SELECT id, correlation_key, alert_count, storm, primary_alert FROM incidents WHERE id = $1',
      [id],
    )
  ).rows[0];
}
