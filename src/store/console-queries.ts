// What the console lists, read from the store: the queue (open cases with their SLA
// deadline), alerts sharing an observable, incidents and their alerts.
import type { Pool } from 'pg';
import { type Severity, SEVERITIES } from '../domain/alert';
import type { ObservableSet } from '../domain/observables';
import { type TriagePolicy } from '../domain/policy';
import { slaTiersFor } from '../domain/policy-rules';

export interface QueueFilters {
  severity?: string;
  source?: string;
  assignee?: string;
  q?: string;
}

export interface QueueItem {
  workflowId: string;
  title: string;
  source: string;
  severity: Severity;
  score: number | null;
  verdict: string | null;
  tier: string;
  assignee: string | null;
  hosts: string[];
  users: string[];
  openedAt: Date;
  /** When the current tier's SLA runs out: opened (or last escalated) + the tier's respondWithinMs. */
  deadline: Date | null;
}

interface QueueRow {
  workflow_id: string;
  title: string;
  source: string;
  severity: Severity;
  score: number | null;
  verdict: string | null;
  tier: string;
  assignee: string | null;
  observables: ObservableSet | null;
  opened_at: Date;
  escalated_at: Date | null;
}

export const QUEUE_LIMIT = 200;

/** Open cases, soonest SLA deadline first, then highest score. */
export async function listQueue(db: Pool, policy: TriagePolicy | undefined, f: QueueFilters, nowMs: number): Promise<QueueItem[]> {
  const { rows } = await db.query<QueueRow>(
    `SELECT c.workflow_id, a.title, a.source, a.severity, a.score, a.verdict, c.tier, c.assignee, a.observables, c.opened_at,
            (SELECT max(d.recorded_at) FROM decisions d WHERE d.workflow_id = c.workflow_id AND d.step LIKE 'escalation-%') AS escalated_at
     FROM cases c JOIN alerts a ON a.workflow_id = c.workflow_id
     WHERE c.status = 'open'
       AND ($1::text IS NULL OR a.severity = $1) AND ($2::text IS NULL OR a.source = $2)
       AND ($3::text IS NULL OR c.assignee = $3 OR c.tier = $3)
       AND ($4::text IS NULL OR strpos(lower(a.title), lower($4)) > 0 OR strpos(lower(a.observables::text), lower($4)) > 0)
     ORDER BY c.opened_at DESC LIMIT $5`,
    [f.severity || null, f.source || null, f.assignee || null, f.q || null, QUEUE_LIMIT],
  );
  const items = rows.map((r): QueueItem => {
    const tier = policy && slaTiersFor(policy, r.severity).find((t) => t.name === r.tier);
    const since = r.escalated_at ?? r.opened_at;
    return {
      workflowId: r.workflow_id,
      title: r.title,
      source: r.source,
      severity: r.severity,
      score: r.score,
      verdict: r.verdict,
      tier: r.tier,
      assignee: r.assignee,
      hosts: r.observables?.hosts ?? [],
      users: r.observables?.users ?? [],
      openedAt: r.opened_at,
      deadline: tier ? new Date(new Date(since).getTime() + tier.respondWithinMs) : null,
    };
  });
  const far = nowMs + 365 * 86400_000; // no known deadline: after every known one
  return items.sort((a, b) => (a.deadline?.getTime() ?? far) - (b.deadline?.getTime() ?? far) || (b.score ?? -1) - (a.score ?? -1));
}

export interface AlertListItem {
  workflow_id: string;
  title: string;
  source: string;
  severity: string;
  score: number | null;
  verdict: string | null;
  status: string;
  received_at: Date;
}

const SEVERITY_SET = new Set<string>(SEVERITIES);
export const isSeverity = (s: string | undefined): s is Severity => s !== undefined && SEVERITY_SET.has(s);

/** Alerts that hold this observable (any kind, case-insensitive), newest first. */
export async function alertsWithObservable(db: Pool, value: string, limit = 100): Promise<AlertListItem[]> {
  return (
    await db.query<AlertListItem>(
      `SELECT a.workflow_id, a.title, a.source, a.severity, a.score, a.verdict, a.status, a.received_at
     FROM alerts a
     WHERE a.observables IS NOT NULL AND EXISTS (
       SELECT 1 FROM jsonb_each(a.observables) kind, jsonb_array_elements_text(CASE WHEN jsonb_typeof(kind.value) = 'array' THEN kind.value ELSE '[]' END) v
       WHERE lower(v) = lower($1))
     ORDER BY a.received_at DESC, a.workflow_id LIMIT $2`,
      [value, limit],
    )
  ).rows;
}

export interface IncidentItem {
  id: string;
  correlation_key: string;
  alert_count: number;
  storm: boolean;
  primary_alert: string | null;
  updated_at: Date;
}

export async function listIncidents(db: Pool, limit = 100): Promise<IncidentItem[]> {
  return (
    await db.query<IncidentItem>(
      'SELECT id, correlation_key, alert_count, storm, primary_alert, updated_at FROM incidents ORDER BY updated_at DESC, id LIMIT $1',
      [limit],
    )
  ).rows;
}

/** The incident's alerts: those recorded with it and its investigations (primary). */
export async function incidentAlerts(db: Pool, incidentId: string, primary: string | null): Promise<AlertListItem[]> {
  return (
    await db.query<AlertListItem>(
      `SELECT workflow_id, title, source, severity, score, verdict, status, received_at FROM alerts
     WHERE incident_id = $1 OR workflow_id = $2 ORDER BY alert_time, workflow_id`,
      [incidentId, primary],
    )
  ).rows;
}

/** The sources of open cases (the queue's source filter). */
export async function listOpenCaseSources(db: Pool): Promise<string[]> {
  const { rows } = await db.query<{ source: string }>(
    "SELECT DISTINCT a.source FROM cases c JOIN alerts a ON a.workflow_id = c.workflow_id WHERE c.status = 'open' ORDER BY 1",
  );
  return rows.map((r) => r.source);
}
