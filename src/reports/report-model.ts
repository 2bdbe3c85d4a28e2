// What a per-alert or per-incident report says, gathered from the store: the renderers
// (render.ts) only lay it out. An incident report spans all its alerts.
import type { Pool } from 'pg';
import type { AuthoredAssessment } from '../assessment/assessment';
import type { Finding } from '../domain/finding';
import { getAlert, type AlertRow } from '../store/alerts';
import { latestAssessment } from '../store/assessments';
import { getIncident } from '../store/incidents';
import { listResponseActions, type ResponseActionRow } from '../store/response-actions';
import { groupByTactic, type Tactic } from './attack-tactics';

export interface TimelineEvent {
  at: string;
  workflowId: string;
  what: string;
  actor?: string;
  detail?: string;
}
export interface ReportFinding {
  workflowId: string;
  analyzer: string;
  verdict: string;
  score: number;
  summary: string;
  evidence: string[];
}

export interface ReportModel {
  kind: 'alert' | 'incident';
  id: string;
  title: string;
  storm?: boolean;
  alerts: Pick<AlertRow, 'workflow_id' | 'source' | 'severity' | 'title' | 'score' | 'verdict' | 'disposition' | 'status'>[];
  timeline: TimelineEvent[];
  hosts: string[];
  users: string[];
  tactics: { tactic: Tactic | 'Other'; techniques: string[] }[];
  /** Findings that moved the score (malicious or suspicious), strongest first. */
  findings: ReportFinding[];
  /** Analyzers that failed: they lowered confidence, and the reader should know. */
  failedAnalyzers: { workflowId: string; analyzer: string; error: string }[];
  /** Decisions taken by people (not the policy or the SLA timer). */
  decisions: TimelineEvent[];
  actions: ResponseActionRow[];
  assessment?: AuthoredAssessment & { workflowId: string };
  recommendations: string[];
  iocs: { hashes: string[]; domains: string[]; ips: string[]; urls: string[]; emails: string[] };
}

const MATTERS = new Set(['malicious', 'suspicious']);
const sorted = (values: Iterable<string>) => [...new Set(values)].sort();

interface DecisionEvent {
  workflow_id: string;
  step: string;
  action: string;
  actor: string;
  reason: string;
  recorded_at: Date;
}

/** The report for one alert, or undefined when the store has no such alert. */
export async function alertReportModel(db: Pool, workflowId: string): Promise<ReportModel | undefined> {
  const row = await getAlert(db, workflowId);
  return row ? build(db, 'alert', workflowId, row.title, [row]) : undefined;
}

/** The report for one incident over all its alerts, or undefined when there is no such incident. */
export async function incidentReportModel(db: Pool, incidentId: string): Promise<ReportModel | undefined> {
  const incident = await getIncident(db, incidentId);
  if (!incident) return undefined;
  const { rows } = await db.query<{ workflow_id: string }>(
    'SELECT workflow_id FROM alerts WHERE incident_id = $1 OR workflow_id = $2 ORDER BY alert_time, workflow_id',
    [incidentId, incident.primary_alert],
  );
  const alerts = (await Promise.all(rows.map((r) => getAlert(db, r.workflow_id)))).filter((a): a is AlertRow => a !== undefined);
  const primary = alerts.find((a) => a.workflow_id === incident.primary_alert) ?? alerts[0];
  const title = `Incident ${incidentId}${primary ? `: ${primary.title}` : ''}`;
  return { ...(await build(db, 'incident', incidentId, title, alerts)), storm: incident.storm };
}

async function build(db: Pool, kind: ReportModel['kind'], id: string, title: string, alerts: AlertRow[]): Promise<ReportModel> {
  const ids = alerts.map((a) => a.workflow_id);
  const { rows: audit } = await db.query<DecisionEvent>(
    'SELECT workflow_id, step, action, actor, reason, recorded_at FROM decisions WHERE workflow_id = ANY($1) ORDER BY recorded_at, id',
    [ids],
  );
  const timeline: TimelineEvent[] = [
    ...alerts.map((a) => ({ at: a.alert.time, workflowId: a.workflow_id, what: `alert from ${a.source}: ${a.title}`, detail: a.severity })),
    ...audit.map((d) => ({
      at: d.recorded_at.toISOString(),
      workflowId: d.workflow_id,
      what: `${d.step}: ${d.action}`,
      actor: d.actor,
      detail: d.reason,
    })),
  ].sort((a, b) => a.at.localeCompare(b.at));

  const findings: ReportFinding[] = [];
  const failedAnalyzers: ReportModel['failedAnalyzers'] = [];
  for (const a of alerts) {
    for (const f of (a.findings ?? []) as Finding[]) {
      if (f.error) failedAnalyzers.push({ workflowId: a.workflow_id, analyzer: f.analyzer, error: f.error });
      else if (MATTERS.has(f.verdict))
        findings.push({
          workflowId: a.workflow_id,
          analyzer: f.analyzer,
          verdict: f.verdict,
          score: f.score,
          summary: f.summary,
          evidence: f.evidence.slice(0, 10),
        });
    }
  }
  findings.sort((x, y) => y.score - x.score);

  const obs = alerts.map((a) => a.observables).filter((o) => o !== null);
  const techniques = alerts.flatMap((a) => [...a.alert.attackTechniques, ...((a.findings ?? []) as Finding[]).flatMap((f) => f.attack)]);
  const assessments = (await Promise.all(ids.map(async (w) => ({ w, a: await latestAssessment(db, w) })))).filter((x) => x.a);
  // The incident's assessment is its latest alert's (each re-assessment sees the incident so far).
  const last = assessments.at(-1);
  const actions = (await Promise.all(ids.map((w) => listResponseActions(db, w)))).flat();

  return {
    kind,
    id,
    title,
    alerts: alerts.map(({ workflow_id, source, severity, title: t, score, verdict, disposition, status }) => ({
      workflow_id,
      source,
      severity,
      title: t,
      score,
      verdict,
      disposition,
      status,
    })),
    timeline,
    hosts: sorted(obs.flatMap((o) => o.hosts)),
    users: sorted(obs.flatMap((o) => o.users)),
    tactics: groupByTactic(techniques),
    findings,
    failedAnalyzers,
    decisions: timeline.filter((e) => e.actor && !e.actor.startsWith('system:')),
    actions,
    ...(last?.a ? { assessment: { ...last.a, workflowId: last.w } } : {}),
    recommendations: sorted(assessments.flatMap((x) => x.a!.assessment.recommendedActions)),
    iocs: {
      hashes: sorted(obs.flatMap((o) => o.hashes)),
      domains: sorted(obs.flatMap((o) => o.domains)),
      ips: sorted(obs.flatMap((o) => o.ips)),
      urls: sorted(obs.flatMap((o) => o.urls)),
      emails: sorted(obs.flatMap((o) => o.emails)),
    },
  };
}
