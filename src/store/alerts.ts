// The alerts table: one row per alert workflow, updated as stages complete.
import type { Pool } from 'pg';
import type { Alert } from '../domain/alert';
import type { Finding } from '../domain/finding';
import type { ObservableSet } from '../domain/observables';
import type { TriageResult } from '../domain/scoring';

export interface AlertRow {
  workflow_id: string;
  source: string;
  source_id: string;
  severity: string;
  title: string;
  alert: Alert;
  observables: ObservableSet | null;
  findings: Finding[] | null;
  score: number | null;
  verdict: string | null;
  disposition: string | null;
  reasons: string[] | null;
  status: string;
}

export async function upsertAlert(db: Pool, workflowId: string, alert: Alert, observables: ObservableSet): Promise<void> {
  await db.query(
    `INSERT INTO alerts (workflow_id, source, source_id, severity, title, alert_time, alert, observables)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (workflow_id) DO UPDATE SET observables = EXCLUDED.observables, updated_at = now()`,
    [
      workflowId,
      alert.source,
      alert.sourceId,
      alert.severity,
      alert.title,
      alert.time,
      JSON.stringify({ ...alert, raw: undefined }),
      JSON.stringify(observables),
    ],
  );
}

export async function saveFindings(db: Pool, workflowId: string, findings: Finding[]): Promise<void> {
  await db.query('UPDATE alerts SET findings = $2, updated_at = now() WHERE workflow_id = $1', [workflowId, JSON.stringify(findings)]);
}

/** Records the verdict; the first triage also sets the disposition (re-triage keeps it). */
export async function saveTriage(db: Pool, workflowId: string, t: TriageResult, first: boolean): Promise<void> {
  await db.query(
    first
      ? `UPDATE alerts SET score = $2, verdict = $3, disposition = $4, reasons = $5,
           status = CASE WHEN $4 = 'auto_close' THEN 'closed' ELSE 'escalated' END, updated_at = now()
         WHERE workflow_id = $1`
      : `UPDATE alerts SET score = $2, verdict = $3, reasons = $5, updated_at = now() WHERE workflow_id = $1 AND $4::text IS NOT NULL`,
    [workflowId, t.score, t.verdict, t.disposition, JSON.stringify(t.reasons)],
  );
}

export async function setAlertStatus(db: Pool, workflowId: string, status: string): Promise<void> {
  await db.query('UPDATE alerts SET status = $2, updated_at = now() WHERE workflow_id = $1', [workflowId, status]);
}

export async function getAlert(db: Pool, workflowId: string): Promise<AlertRow | undefined> {
  return (await db.query<AlertRow>('SELECT * FROM alerts WHERE workflow_id = $1', [workflowId])).rows[0];
}

/**
 * What a notification says about an alert, with its latest assessment's summary, in one round
 * trip and without the large columns (alert, observables, findings) that notify never reads.
 */
export interface AlertHeadline {
  title: string;
  severity: string;
  score: number | null;
  verdict: string | null;
  summary: string | null;
  reasons: string[] | null;
  observables: ObservableSet | null;
  slaBreached: boolean;
}

export async function getAlertHeadline(db: Pool, workflowId: string): Promise<AlertHeadline | undefined> {
  return (
    await db.query<AlertHeadline>(
      `SELECT a.title, a.severity, a.score, a.verdict, a.reasons, a.observables,
            (SELECT s.assessment->>'summary' FROM assessments s WHERE s.workflow_id = a.workflow_id ORDER BY s.created_at DESC LIMIT 1) AS summary,
            EXISTS (SELECT 1 FROM decisions d WHERE d.workflow_id = a.workflow_id AND d.action = 'sla_breach') AS "slaBreached"
       FROM alerts a WHERE a.workflow_id = $1`,
      [workflowId],
    )
  ).rows[0];
}

/** Whether the alert is in the store (evidence may arrive before its workflow has stored it). */
export async function alertExists(db: Pool, workflowId: string): Promise<boolean> {
  return ((await db.query('SELECT 1 FROM alerts WHERE workflow_id = $1', [workflowId])).rowCount ?? 0) > 0;
}

/** The alert's source (the tool that raised it); undefined when there is no such alert. */
export async function getAlertSource(db: Pool, workflowId: string): Promise<string | undefined> {
  return (await db.query<{ source: string }>('SELECT source FROM alerts WHERE workflow_id = $1', [workflowId])).rows[0]?.source;
}
