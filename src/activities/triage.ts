// Stage 3: score the findings under the run's policy and record the verdict.
import type { Severity } from '../domain/alert';
import type { Finding } from '../domain/finding';
import type { TriagePolicy } from '../domain/policy';
import { scoreAlert, type TriageResult } from '../domain/scoring';
import { saveTriage } from '../store/alerts';
import { appendAudit } from '../store/decisions';
import type { ActivityDeps } from './deps';

export interface TriageInput { workflowId: string; severity: Severity; findings: Finding[]; policy: TriagePolicy }

export async function triage(deps: ActivityDeps, { workflowId, severity, findings, policy }: TriageInput): Promise<TriageResult> {
  const result = scoreAlert(severity, findings, policy);
  await saveTriage(deps.db, workflowId, result);
  await appendAudit(deps.db, {
    workflowId, step: 'triage', action: result.disposition, actor: `system:policy@${policy.version}`,
    reason: result.reasons[result.reasons.length - 1], details: { score: result.score, verdict: result.verdict, reasons: result.reasons },
  });
  return result;
}
