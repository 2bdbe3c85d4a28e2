// The built-in playbook, one alert end to end: collect evidence → investigate → triage →
// (escalate and wait for an analyst, with SLA tiers) → respond → report. Written with the
// playbook SDK (./sdk) like any custom playbook; all I/O happens in activities.
import { log, patched, upsertSearchAttributes } from '@temporalio/workflow';
import { type Decision } from '../domain/decision';
import type { ResponseAction } from '../domain/response';
import type { TriageResult } from '../domain/scoring';
import { Containment, CONTAINMENT_PATCH, type SagaInput } from './containment';
import * as SA from './search-attributes';
import {
  closeCase,
  collect,
  detonate,
  foldRelatedAlerts,
  investigateAndTriage,
  type PlaybookInput,
  type PlaybookRun,
  report,
  respond,
  startPlaybook,
  suggestTuning,
  syncTicket,
  waitForAnalyst,
} from './sdk';
import { outsideWorldSteps } from './sdk/activity-options';
import type { AlertStatus } from '../domain/alert-status';

export type AlertWorkflowInput = PlaybookInput;

/** What the saga runs once containment is approved (its book comes at the review window). */
type ApprovedContainment = Omit<SagaInput, 'book'>;

export async function alertWorkflow(input: AlertWorkflowInput): Promise<AlertStatus> {
  const run = startPlaybook(input);
  const { status, policy, alert } = run;
  // Since 'containment-v1' approved actions run as a saga (containment.ts): per-action
  // approval, truthful outcomes, a review window and undo. Runs started before keep respond.
  const containment = patched(CONTAINMENT_PATCH)
    ? new Containment({ workflowId: run.workflowId, alert, policy, status, store: run.store, observables: () => run.observables })
    : undefined;
  if (containment) run.propose = (observables, verdict) => containment.propose(observables, verdict);
  let saga: ApprovedContainment | undefined;

  // 1. Collect evidence: persist the alert and its raw event; keep references only.
  await collect(run);

  // 2-3. Investigate and triage; the sandbox and alerts that joined the incident meanwhile
  // are heard before the disposition is acted on: none is closed, or responded to, unseen.
  let triage = await investigateAndTriage(run, run.observables, 'triage');
  triage = await detonate(run, triage);
  while (run.related.length > 0 && patched('related-triage-v1')) triage = (await foldRelatedAlerts(run, true)) ?? triage;
  const proposed = run.propose(run.observables, triage.verdict);

  if (status.disposition === 'auto_close') {
    status.outcome = 'auto_closed';
  } else if (status.disposition === 'auto_respond') {
    // 5a. Only actions the policy marks safe, at a score the policy trusts: no human needed.
    const approvedBy = `system:policy@${policy.version}`;
    if (containment) {
      status.stage = 'responding';
      saga = { actions: proposed, approvedBy: () => approvedBy, executedOutcome: 'auto_responded' };
    } else {
      await respond(run, { actions: proposed, approvedBy });
      status.outcome = 'auto_responded';
    }
  } else {
    saga = await escalate(run, proposed, triage, containment);
  }
  // 5. Respond (containment-v1): the approved actions, the review window, undo on a false positive.
  if (saga) await containment!.contain({ ...saga, book: run.analyst.reviewBook(() => containment!.reviewBook()) });
  if (status.outcome === 'auto_closed' && patched('tuning-v1')) {
    await suggestTuning(run, `auto-closed: ${status.reasons[status.reasons.length - 1] ?? ''}`);
  }

  // Related alerts that arrived after the outcome was settled are still triaged and reported.
  while (run.related.length > 0 && patched('related-triage-v1')) await foldRelatedAlerts(run);

  // Operators filter finished runs by how they ended (Temporal UI); runs started before replay without it.
  if (status.outcome && patched('outcome-attribute-v1')) upsertSearchAttributes([{ key: SA.Outcome, value: status.outcome }]);

  // The source SIEM learns the final disposition (only where the policy names one for the source).
  const siem = policy.siemWriteback?.[alert.source];
  if (siem && alert.sourceId && patched('siem-writeback-v1')) {
    const why = status.decision?.reason ?? status.reasons[status.reasons.length - 1] ?? '';
    try {
      await outsideWorldSteps.writeBackToSiem({
        workflowId: run.workflowId,
        siem,
        sourceId: alert.sourceId,
        outcome: status.outcome!,
        note: `autosoc ${status.outcome}: ${why}`.slice(0, 4000),
      });
    } catch (err) {
      log.warn('SIEM write-back failed after its retries', { siem, error: (err as Error).message }); // the disposition stands
    }
  }

  // The case's ticket learns a decision taken here (API, CLI, console, Slack, SLA fallback): a
  // comment naming who and why, then resolved. Only runs whose policy names a ticket system record the patch.
  const { decision } = status;
  if (decision && policy.tickets?.system && patched('ticket-sync-v1')) {
    await syncTicket(run, {
      kind: 'decided',
      step: 'final',
      actor: decision.actor,
      reason: decision.reason ?? '',
      outcome: status.outcome,
      falsePositive: !!decision.falsePositive,
    });
  }

  // 6. Report.
  return report(run);
}

/**
 * 4-5. An analyst decides (each SLA breach hands the alert to the next tier); containment only
 * after approval. With the saga, returns what it must run (it closes the case after its review window).
 */
async function escalate(
  run: PlaybookRun,
  proposed: ResponseAction[],
  triage: TriageResult,
  containment?: Containment,
): Promise<ApprovedContainment | undefined> {
  const { status } = run;
  const {
    decision,
    proposed: approved,
    approvers,
  } = await waitForAnalyst(run, {
    proposed,
    // Related alerts re-triage during the wait; what an approval approves follows the verdict.
    onRelatedAlerts: async () => {
      await foldRelatedAlerts(run);
      return run.propose(run.observables, status.verdict ?? triage.verdict);
    },
    ...(containment ? { perAction: (current: () => readonly ResponseAction[]) => containment.approvals(current) } : {}),
  });
  if (decision.action === 'approve' && containment) {
    status.stage = 'responding';
    const executedOutcome = status.fallback ? 'contained_by_sla_fallback' : 'approved_and_responded';
    return { ...containment.approved(decision, approved, !!status.fallback), executedOutcome };
  }
  if (decision.action === 'approve') await respond(run, { actions: approved, approvedBy: approvers });
  await closeCase(run, { outcome: outcomeOf(decision, status), closedBy: decision.actor, reason: decision.reason ?? '' });
  if (decision.action === 'close' && decision.falsePositive) {
    await suggestTuning(run, `closed as false positive by ${decision.actor}: ${decision.reason ?? ''}`);
  }
  return undefined;
}

const outcomeOf = (decision: Decision, status: AlertStatus) => {
  if (decision.action !== 'approve') return 'closed_by_analyst' as const;
  return status.fallback ? ('contained_by_sla_fallback' as const) : ('approved_and_responded' as const);
};
