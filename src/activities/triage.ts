// Stage 3: score the findings under the run's policy and record the verdict.
import type { Severity } from '../domain/alert';
import type { Finding } from '../domain/finding';
import type { TriagePolicy } from '../domain/policy';
import type { ObservableSet } from '../domain/observables';
import type { TriageContext } from '../domain/org-context';
import { scoreAlert, type TriageResult } from '../domain/scoring';
import { dispositions } from '../metrics/metrics';
import { saveFindings, saveTriage } from '../store/alerts';
import { appendAudit } from '../store/decisions';
import type { ActivityDeps } from './deps';

export interface TriageInput {
  workflowId: string;
  severity: Severity;
  findings: Finding[];
  policy: TriagePolicy;
  /** 'triage' for the first pass, 'retriage-N' after new evidence: the audit step key. */
  step?: string;
  /** The organisation context (assets, VIPs, sanctioned tools) is matched against these. */
  observables?: ObservableSet;
  /** The alert's structured facts for scoring models v2+ (the context names its model); absent for runs started before triage-context-v1. */
  context?: TriageContext;
}

export async function triage(
  deps: ActivityDeps,
  { workflowId, severity, findings, policy, step = 'triage', observables, context }: TriageInput,
): Promise<TriageResult> {
  const result = scoreAlert(severity, findings, policy, observables, context);
  await saveFindings(deps.db, workflowId, findings);
  await saveTriage(deps.db, workflowId, result, step === 'triage');
  await appendAudit(deps.db, {
    workflowId,
    step,
    action: result.disposition,
    actor: `system:policy@${policy.version}`,
    reason: result.reasons[result.reasons.length - 1],
    details: { score: result.score, verdict: result.verdict, reasons: result.reasons },
  });
  dispositions.inc({ disposition: result.disposition, verdict: result.verdict });
  return result;
}
