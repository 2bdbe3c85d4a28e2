// The per-alert report an analyst reads: what happened, what we found, what was decided.
import type { Finding } from '../domain/finding';
import type { AlertStatus } from '../domain/alert-status';
import type { Alert } from '../domain/alert';
import type { DecisionRow } from '../store/decisions';
import type { ResponseActionRow } from '../store/response-actions';
import { escapeMarkdown as md } from './escape';
import type { AuthoredAssessment } from '../assessment/assessment';

export interface AlertReportInput {
  alert: Alert;
  status: AlertStatus;
  findings: Finding[];
  audit: DecisionRow[];
  actions: ResponseActionRow[];
  assessment?: AuthoredAssessment;
}

export function renderAlertReport({ alert, status, findings, audit, actions, assessment }: AlertReportInput): string {
  const lines: string[] = [];
  lines.push(`# ${md(alert.title)}`, '');
  lines.push(`- Alert: ${md(status.workflowId)} from ${md(alert.source)} at ${md(alert.time)}`);
  lines.push(
    `- Severity: ${alert.severity}; risk score ${status.score ?? '-'}; verdict ${status.verdict ?? '-'}; disposition ${status.disposition ?? '-'}`,
  );
  lines.push(`- Outcome: ${status.outcome ?? 'open'}`);
  if (alert.rule?.name) lines.push(`- Rule: ${md(alert.rule.name)}`);
  if (alert.attackTechniques.length) lines.push(`- ATT&CK: ${alert.attackTechniques.join(', ')}`);

  lines.push('', '## Why', ...status.reasons.map((r) => `- ${md(r)}`));

  if (assessment) {
    const a = assessment.assessment;
    lines.push('', `## Assessment (${md(assessment.author)}, advisory)`, '', md(a.summary, 4000));
    for (const n of a.narrative) lines.push(`- ${md(n)}`);
    if (a.recommendedActions.length) lines.push('', 'Recommended:', ...a.recommendedActions.map((r) => `- ${md(r)}`));
    if (a.openQuestions.length) lines.push('', 'Open questions:', ...a.openQuestions.map((q) => `- ${md(q)}`));
    if (a.citedFindings.length) lines.push('', `Cites: ${a.citedFindings.map((c) => md(c)).join(', ')}`);
    if (assessment.note) lines.push('', `_${md(assessment.note)}_`);
  }

  const o = status.observables;
  if (o) {
    lines.push('', '## Observables');
    for (const [label, values] of [
      ['Hosts', o.hosts],
      ['Users', o.users],
      ['Hashes', o.hashes],
      ['Domains', o.domains],
      ['IPs', o.ips],
      ['URLs', o.urls],
      ['Emails', o.emails],
      ['Command lines', o.commandLines],
    ] as const) {
      if (values.length) lines.push(`- ${label}: ${values.map((v) => `\`${v.replace(/`/g, "'").slice(0, 500)}\``).join(', ')}`);
    }
  }

  lines.push('', '## Findings');
  if (findings.length === 0) lines.push('- none');
  for (const f of findings) {
    lines.push(
      `- **${md(f.analyzer)}**: ${f.error ? `error: ${md(f.error)}` : `${f.verdict} (${f.score}, confidence ${f.confidence}) ${md(f.summary)}`}`,
    );
    for (const e of f.evidence.slice(0, 10)) lines.push(`  - ${md(e)}`);
  }

  if (audit.length) {
    lines.push('', '## Decisions and escalations');
    for (const d of audit) lines.push(`- ${md(d.step)}: ${md(d.action)} by ${md(d.actor)}: ${md(d.reason)}`);
  }
  if (actions.length) {
    lines.push('', '## Response');
    for (const a of actions)
      lines.push(
        `- ${md(a.kind)} ${md(a.target)}: ${md(a.status)} via ${md(a.connector)}, approved by ${md(a.approved_by)}${a.detail ? `: ${md(a.detail)}` : ''}`,
      );
  }
  return `${lines.join('\n')}\n`;
}
