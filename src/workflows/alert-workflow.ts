// One alert, end to end: collect evidence → investigate → triage → (escalate and wait for
// an analyst, with SLA tiers) → respond → report. All I/O happens in activities.
import {
  allHandlersFinished, ApplicationFailure, condition, log, patched, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { Alert } from '../domain/alert';
import { type Decision, type DecisionAction, type DecisionArgs, DecisionRejected, parseDecision } from '../domain/decision';
import { mergeObservables, type ObservableSet, searchableObservables } from '../domain/observables';
import type { Finding } from '../domain/finding';
import type { TriagePolicy } from '../domain/policy';
import { describeAction, proposeResponse } from '../domain/response';
import { approveSignal, closeSignal, decideUpdate, relatedAlertsSignal, statusQuery } from './messages';
import * as SA from './search-attributes';
import type { AlertStatus } from './status';

type Activities = ReturnType<typeof createActivities>;

export interface AlertWorkflowInput {
  alert: Alert;
  policy: TriagePolicy;
  /** Set when this alert is the investigation of an incident (see incidentWorkflow). */
  incidentId?: string;
}

/** Bad input is the caller's fault: retrying cannot fix it. */
export const NON_RETRYABLE = ['BadInput'];

// Database steps: quick, retried patiently (PostgreSQL may be restarting).
const store = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 50, nonRetryableErrorTypes: NON_RETRYABLE },
});
// Analysis: slower, bounded attempts; analyzers report their own failures as findings.
const analysis = proxyActivities<Activities>({
  startToCloseTimeout: '5m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE },
});
// Containment touches other systems: few, spaced attempts.
const response = proxyActivities<Activities>({
  startToCloseTimeout: '2m',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '2m', maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE },
});

export async function alertWorkflow({ alert, policy, incidentId }: AlertWorkflowInput): Promise<AlertStatus> {
  const workflowId = workflowInfo().workflowId;
  const status: AlertStatus = {
    workflowId, stage: 'collecting', severity: alert.severity, reasons: [], escalations: [], responseActions: [],
    incidentId, relatedAlerts: 0, retriages: 0,
  };
  let pending: Decision | undefined;
  const related: ObservableSet[] = [];

  const checkDecision = (input: unknown): Decision => {
    const decision = parseDecision(input);
    if (status.stage !== 'awaiting_analyst') {
      throw new DecisionRejected(`alert is not awaiting an analyst (stage: ${status.stage})`);
    }
    if (pending) throw new DecisionRejected(`alert was already decided: ${pending.action} by ${pending.actor}`);
    return decision;
  };
  const acceptSignal = (action: DecisionAction) => (args: DecisionArgs) => {
    try {
      pending = checkDecision({ ...args, action });
    } catch (err) {
      // A Signal cannot be refused; an invalid or late one is logged and ignored.
      log.warn('ignored decision signal', { action, error: (err as Error).message });
    }
  };
  setHandler(statusQuery, () => status);
  setHandler(relatedAlertsSignal, (r) => {
    status.relatedAlerts = r.alertCount - 1;
    related.push(...r.observables);
  });
  setHandler(approveSignal, acceptSignal('approve'));
  setHandler(closeSignal, acceptSignal('close'));
  setHandler(decideUpdate, async (decision) => {
    // A Signal may have landed between validation and this handler: first answer wins.
    if (pending) throw ApplicationFailure.nonRetryable(`alert was already decided: ${pending.action} by ${pending.actor}`, 'AlreadyDecided');
    pending = decision;
    await condition(() => status.decision !== undefined);
    return status;
  }, { validator: (decision) => { checkDecision(decision); } });

  // 1. Collect evidence: persist the alert and its raw event; keep references only.
  const collected = await store.collectEvidence({ workflowId, alert });
  status.observables = collected.observables;
  upsertSearchAttributes([{ key: SA.Observables, value: searchableObservables(collected.observables) }]);

  // 2-3. Investigate and triage; alerts that join the incident later add evidence and re-triage.
  let observables = collected.observables;
  let findings: Finding[] = [];
  const assess = async (fresh: ObservableSet, step: string) => {
    const first = status.disposition === undefined;
    if (first) status.stage = 'investigating';
    findings = [...findings, ...await analysis.investigate({ workflowId, observables: fresh, evidence: first ? collected.evidence : [], step })];
    if (first) status.stage = 'triaging';
    const t = await store.triage({ workflowId, severity: alert.severity, findings, policy, step });
    Object.assign(status, { score: t.score, verdict: t.verdict, confidence: t.confidence, reasons: t.reasons });
    // Deployed before assessments existed, a run replays without them (patched: see DEVELOPERS.md).
    if (patched('assessment-v1')) {
      const a = await analysis.assess({ workflowId, step, triage: t });
      status.assessment = a;
    }
    const disposition = status.disposition ?? t.disposition; // once escalated, a human decides
    status.disposition = disposition;
    upsertSearchAttributes([
      { key: SA.RiskScore, value: t.score },
      { key: SA.Verdict, value: t.verdict },
      { key: SA.Disposition, value: disposition },
    ]);
    return t;
  };
  /** Folds queued related-alert observables in; re-triages when they hold anything new. */
  const retriageOnRelated = async () => {
    const { merged, fresh } = mergeObservables(observables, related.splice(0));
    observables = merged;
    status.observables = merged;
    if (!fresh) return;
    status.retriages += 1;
    upsertSearchAttributes([{ key: SA.Observables, value: searchableObservables(merged) }]);
    await assess(fresh, `retriage-${status.retriages}`);
  };
  const triage = await assess(observables, 'triage');

  if (triage.disposition === 'auto_close') {
    status.outcome = 'auto_closed';
  } else {
    // 4. Escalate and wait for an analyst; each SLA breach hands the alert to the next tier.
    let proposed = proposeResponse(observables, triage.verdict);
    let tierIndex = 0;
    status.tier = policy.slaTiers[0].name;
    const opened = await store.openCase({ workflowId, tier: status.tier, proposedActions: proposed.map(describeAction) });
    status.caseId = opened.caseId;
    status.stage = 'awaiting_analyst';
    upsertSearchAttributes([{ key: SA.AwaitingAnalyst, value: true }, { key: SA.Assignee, value: status.tier }]);

    // Wait for a decision; related alerts re-triage meanwhile without resetting the SLA clock.
    let deadline = Date.now() + policy.slaTiers[0].respondWithinMs;
    const lastTier = () => tierIndex === policy.slaTiers.length - 1;
    let lastTierBreached = false;
    while (pending === undefined) {
      const answered = () => pending !== undefined || related.length > 0;
      let woke = true;
      if (lastTierBreached) await condition(answered);
      else woke = await condition(answered, Math.max(deadline - Date.now(), 1));
      if (pending !== undefined) break;
      if (woke) {
        await retriageOnRelated();
        proposed = proposeResponse(observables, status.verdict ?? triage.verdict);
        continue;
      }
      const tier = policy.slaTiers[tierIndex];
      const next = lastTier() ? undefined : policy.slaTiers[tierIndex + 1];
      status.escalations.push({ fromTier: tier.name, toTier: next?.name ?? null, afterMs: tier.respondWithinMs });
      await store.recordEscalation({
        workflowId, seq: status.escalations.length, fromTier: tier.name, toTier: next?.name ?? null, afterMs: tier.respondWithinMs,
      });
      if (!next) {
        // The last tier has breached too: it keeps the alert; wait for its answer.
        lastTierBreached = true;
        continue;
      }
      tierIndex += 1;
      status.tier = next.name;
      deadline = Date.now() + next.respondWithinMs;
      upsertSearchAttributes([{ key: SA.Assignee, value: next.name }]);
    }

    const decision = pending as Decision;
    await store.recordDecision({ workflowId, decision });
    status.decision = decision;
    upsertSearchAttributes([{ key: SA.AwaitingAnalyst, value: false }, { key: SA.Assignee, value: decision.actor }]);

    // 5. Respond: containment only after approval.
    if (decision.action === 'approve') {
      status.stage = 'responding';
      const done = await response.respond({ workflowId, approvedBy: decision.actor, actions: proposed });
      status.responseActions = done.map((a) => `${describeAction(a)}=${a.status}`);
      status.outcome = 'approved_and_responded';
    } else {
      status.outcome = 'closed_by_analyst';
    }
    await store.closeCase({ workflowId, resolution: status.outcome, closedBy: decision.actor, reason: decision.reason });
  }

  // 6. Report.
  status.stage = 'reporting';
  const report = await store.writeReport({ workflowId, findings, status });
  status.reportId = report.reportId;
  status.stage = 'done';
  await condition(allHandlersFinished);
  return status;
}
