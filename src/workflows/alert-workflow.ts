// The built-in playbook, one alert end to end: collect evidence → investigate → triage →
// (escalate and wait for an analyst, with SLA tiers) → respond → report. Written with the
// playbook SDK (./sdk) like any custom playbook; all I/O happens in activities.
import { patched, upsertSearchAttributes } from '@temporalio/workflow';
import { type Decision } from '../domain/decision';
import { proposeResponse, type ResponseAction } from '../domain/response';
import type { TriageResult } from '../domain/scoring';
import {
  closeCase, collect, detonate, foldRelatedAlerts, investigateAndTriage, type PlaybookInput, type PlaybookRun, report, respond,
  startPlaybook, suggestTuning, waitForAnalyst,
} from './sdk';
import * as SA from './search-attributes';
import type { AlertStatus } from './status';

export type AlertWorkflowInput = PlaybookInput;
// Kept for importers that predate the SDK's option module.
export { NON_RETRYABLE, STORE_RETRY } from './sdk/activity-options';

export async function alertWorkflow(input: AlertWorkflowInput): Promise<AlertStatus> {
  const run = startPlaybook(input);
  const { status, policy } = run;

  // 1. Collect evidence: persist the alert and its raw event; keep references only.
  await collect(run);

  // 2-3. Investigate and triage; the sandbox and alerts that joined the incident meanwhile
  // are heard before the disposition is acted on: none is closed, or responded to, unseen.
  let triage = await investigateAndTriage(run, run.observables, 'triage');
  triage = await detonate(run, triage);
  while (run.related.length > 0 && patched('related-triage-v1')) triage = (await foldRelatedAlerts(run, true)) ?? triage;
  const proposed = proposeResponse(run.observables, triage.verdict);

  if (status.disposition === 'auto_close') {
    status.outcome = 'auto_closed';
  } else if (status.disposition === 'auto_respond') {
    // 5a. Only actions the policy marks safe, at a score the policy trusts: no human needed.
    await respond(run, { actions: proposed, approvedBy: `system:policy@${policy.version}` });
    status.outcome = 'auto_responded';
  } else {
    await escalate(run, proposed, triage);
  }
  if (status.outcome === 'auto_closed' && patched('tuning-v1')) {
    await suggestTuning(run, `auto-closed: ${status.reasons[status.reasons.length - 1] ?? ''}`);
  }

  // Related alerts that arrived after the outcome was settled are still triaged and reported.
  while (run.related.length > 0 && patched('related-triage-v1')) await foldRelatedAlerts(run);

  // Operators filter finished runs by how they ended (Temporal UI); runs started before replay without it.
  if (status.outcome && patched('outcome-attribute-v1')) upsertSearchAttributes([{ key: SA.Outcome, value: status.outcome }]);

  // 6. Report.
  return report(run);
}

/** 4-5. An analyst decides (each SLA breach hands the alert to the next tier); containment only after approval. */
async function escalate(run: PlaybookRun, proposed: ResponseAction[], triage: TriageResult): Promise<void> {
  const { status } = run;
  const { decision, proposed: approved, approvers } = await waitForAnalyst(run, {
    proposed,
    // Related alerts re-triage during the wait; what an approval approves follows the verdict.
    onRelatedAlerts: async () => {
      await foldRelatedAlerts(run);
      return proposeResponse(run.observables, status.verdict ?? triage.verdict);
    },
  });
  if (decision.action === 'approve') await respond(run, { actions: approved, approvedBy: approvers });
  await closeCase(run, { outcome: outcomeOf(decision, status), closedBy: decision.actor, reason: decision.reason ?? '' });
  if (decision.action === 'close' && decision.falsePositive) {
    await suggestTuning(run, `closed as false positive by ${decision.actor}: ${decision.reason ?? ''}`);
  }
}

const outcomeOf = (decision: Decision, status: AlertStatus) => {
  if (decision.action !== 'approve') return 'closed_by_analyst' as const;
  return status.fallback ? 'contained_by_sla_fallback' as const : 'approved_and_responded' as const;
};
