// Alerts joined with their cases, as the analyst API reads them: the queue of open cases and
// one alert's row with its case (store/cases' getCase lacks the assignee and the timestamps).
import type { Pool } from 'pg';
import { SEVERITIES } from '../domain/alert';

const SEVERITY_RANK = `CASE a.severity ${SEVERITIES.map((s, i) => `WHEN '${s}' THEN ${i}`).join(' ')} ELSE -1 END`;

export interface PendingCaseRow {
  workflow_id: string;
  title: string;
  source: string;
  severity: string;
  score: number | null;
  verdict: string | null;
  tier: string;
  assignee: string | null;
  opened_at: Date;
}

/** Open cases, most severe first, then newest. */
export async function listPendingCases(db: Pool, limit: number): Promise<PendingCaseRow[]> {
  return (
    await db.query<PendingCaseRow>(
      `SELECT c.workflow_id, a.title, a.source, a.severity, a.score, a.verdict, c.tier, c.assignee, c.opened_at
     FROM cases c JOIN alerts a ON a.workflow_id = c.workflow_id
     WHERE c.status = 'open'
     ORDER BY ${SEVERITY_RANK} DESC, c.opened_at DESC, c.id DESC
     LIMIT $1`,
      [limit],
    )
  ).rows;
}

export interface AlertCaseRow {
  source: string;
  source_id: string;
  title: string;
  severity: string;
  status: string;
  received_at: Date;
  case_id: string | null;
  tier: string | null;
  case_status: string | null;
  assignee: string | null;
  proposed_actions: string[] | null;
  resolution: string | null;
  closed_by: string | null;
  close_reason: string | null;
  opened_at: Date | null;
  closed_at: Date | null;
}

/** The alert row and its case (the case columns are null when it has none). */
export async function getAlertWithCase(db: Pool, workflowId: string): Promise<AlertCaseRow | undefined> {
  return (
    await db.query<AlertCaseRow>(
      `SELECT a.source, a.source_id, a.title, a.severity, a.status, a.received_at,
            c.id::text AS case_id, c.tier, c.status AS case_status, c.assignee, c.proposed_actions,
            c.resolution, c.closed_by, c.close_reason, c.opened_at, c.closed_at
     FROM alerts a LEFT JOIN cases c ON c.workflow_id = a.workflow_id
     WHERE a.workflow_id = $1`,
      [workflowId],
    )
  ).rows[0];
}

export interface RecentAlertRow {
  workflow_id: string;
  title: string;
  source: string;
  severity: string;
  score: number | null;
  verdict: string | null;
  disposition: string | null;
  status: string;
  received_at: Date;
  case_status: string | null;
  resolution: string | null;
}

/** The newest alerts whatever became of them: what a CEF-over-syslog sender checks first. */
export async function listRecentAlerts(db: Pool, limit: number): Promise<RecentAlertRow[]> {
  return (
    await db.query<RecentAlertRow>(
      `SELECT a.workflow_id, a.title, a.source, a.severity, a.score, a.verdict, a.disposition, a.status, a.received_at,
            c.status AS case_status, c.resolution
     FROM alerts a LEFT JOIN cases c ON c.workflow_id = a.workflow_id
     ORDER BY a.received_at DESC, a.workflow_id
     LIMIT $1`,
      [limit],
    )
  ).rows;
}
