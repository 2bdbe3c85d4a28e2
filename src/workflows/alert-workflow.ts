// One alert, end to end: collect evidence → investigate → triage → (escalate and wait for
// an analyst, with SLA tiers) → respond → report. All I/O happens in activities.
import {
  allHandlersFinished, ApplicationFailure, condition, log, patched, proxyActivities, proxyLocalActivities, setHandler, upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { RetryPolicy } from '@temporalio/common';
import type { createActivities } from '../activities';
import type { Alert } from '../domain/alert';
import { type Decision, type DecisionAction, DecisionRejected } from '../domain/decision';
import { openSignedDecision } from '../domain/decision-signature';
import { DecisionBook, type DecisionEvent } from '../domain/decision-book';
import type { Finding } from '../domain/finding';
import type { Verdict } from '../domain/scoring';
import { checkObservableSet, OBSERVABLES_PER_KIND } from '../domain/bounded-input';
import { mergeObservables, type ObservableSet, searchableObservables } from '../domain/observables';
import { triageContext } from '../domain/org-context';
import { approvalRuleFor, slaFallbackFor, slaTiersFor, type TriagePolicy } from '../domain/policy';
import { describeAction, finalDisposition, proposeResponse } from '../domain/response';
import { Containment, CONTAINMENT_PATCH, type SagaInput } from './containment';
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
/** Observable sets taken from one relatedAlerts signal (the incident sends one per batch). */
const RELATED_SETS_PER_SIGNAL = 16;

/**
 * Database steps write to our own PostgreSQL: an outage of any length is waited out, never a
 * reason to fail the alert. No attempt limit; the interval grows to 2 minutes and stays there
 * (the worker logs an error once a step has failed ALARM_AFTER_ATTEMPTS times, see
 * src/activities/retry-alarm.ts). Bad input still fails at once. Retry options are not
 * commands: changing them needs no patch.
 */
export const STORE_RETRY: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '2m', nonRetryableErrorTypes: NON_RETRYABLE };
// Since 'local-store-v1' they run as local activities, in the worker that runs the workflow
// task: no task round trip through the server and one marker event instead of three
// (bench/README.md has the figures). They are idempotent, as a local activity may run again if
// its task fails. Backoffs past 10 s wait on a durable timer instead of inside the worker, so a
// long outage costs a few history events per retry rather than a workflow task held open.
const remoteStore = proxyActivities<Activities>({ startToCloseTimeout: '30s', retry: STORE_RETRY });
const localStore = proxyLocalActivities<Activities>({ startToCloseTimeout: '30s', retry: STORE_RETRY, localRetryThreshold: '10s' });
// Analysis: slower, bounded attempts; analyzers report their own failures as findings. They
// heartbeat (ANALYSIS_HEARTBEAT_MS), so a dead worker's share is retried after a minute.
const analysis = proxyActivities<Activities>({
  startToCloseTimeout: '5m', heartbeatTimeout: '1m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE },
});
// EDR collection: remote commands on a host, heartbeating; a retry reuses a finished fetch.
const edr = proxyActivities<Activities>({
  startToCloseTimeout: '20m', heartbeatTimeout: '2m',
  retry: { initialInterval: '10s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 5,
    nonRetryableErrorTypes: [...NON_RETRYABLE, 'NotConfigured', 'EdrAuth', 'EdrNotFound', 'EdrRejected', 'EdrMalformed', 'EdrTooLarge'] },
});
// Sandbox detonation: long, heartbeating; a restarted worker resumes the same sandbox task.
const sandbox = proxyActivities<Activities>({
  startToCloseTimeout: '35m', heartbeatTimeout: '3m',
  retry: { initialInterval: '10s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 5, nonRetryableErrorTypes: [...NON_RETRYABLE, 'NotConfigured'] },
});
// Containment and notifications touch other systems: few, spaced attempts.
const response = proxyActivities<Activities>({
  startToCloseTimeout: '2m',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '2m', maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE },
});

export async function alertWorkflow({ alert, policy, incidentId }: AlertWorkflowInput): Promise<AlertStatus> {
  const workflowId = workflowInfo().workflowId;
  // Runs started before local store activities replay with the remote ones they recorded.
  const store = patched('local-store-v1') ? localStore : remoteStore;
  // Since 'signed-decisions-v1' a decision counts only when autosoc signed it (actor and roles
  // from a token, see domain/signed-decision.ts). Runs started before keep the rules they
  // started with: they take decisions as sent (README, Security: drain them after upgrading).
  const signedDecisions = patched('signed-decisions-v1');
  const usedNonces = new Set<string>(); // a signed decision counts once
  const status: AlertStatus = {
    workflowId, stage: 'collecting', severity: alert.severity, reasons: [], escalations: [], responseActions: [],
    incidentId, relatedAlerts: 0, retriages: 0,
  };
  // Since 'containment-v1' approved actions run as a saga (containment.ts): per-action
  // approval, truthful outcomes, a review window and undo. Runs started before keep respond.
  const containment = patched(CONTAINMENT_PATCH) ? new Containment({ workflowId, alert, policy, status, store }) : undefined;
  const propose = (o: ObservableSet, v: Verdict) => (containment ? containment.propose(o, v) : proposeResponse(o, v));
  let saga: Omit<SagaInput, 'book'> | undefined; // set once containment is approved
  const related: ObservableSet[] = [];
  let book: DecisionBook | undefined; // exists once the alert waits for an analyst
  const accepted: DecisionEvent[] = []; // accepted decisions not yet in the audit trail
  let recordedSeq = 0;

  /** The decision an Update or Signal carries, once its signature (new runs) and the book allow it. */
  const checkDecision = (input: unknown, signalAction?: DecisionAction): { decision: Decision; nonce?: string } => {
    if (!book) throw new DecisionRejected(`alert is not awaiting an analyst (stage: ${status.stage})`);
    const opened = signedDecisions
      ? openSignedDecision(input, { workflowId, keys: policy.decisionKeys ?? [], now: Date.now(), usedNonces }, signalAction)
      : { decision: signalAction ? { ...(input as object), action: signalAction } : input };
    return { ...opened, decision: book.check(opened.decision, status.stage === 'awaiting_analyst') };
  };
  const accept = ({ decision: d, nonce }: { decision: Decision; nonce?: string }): DecisionEvent => {
    if (nonce) usedNonces.add(nonce);
    const event = book!.apply(d);
    accepted.push(event);
    Object.assign(status, { approvals: book!.state.approvals.map((a) => a.actor), approvalsNeeded: book!.state.approvalsNeeded, requestedBy: book!.state.requestedBy });
    return event;
  };
  const acceptSignal = (action: DecisionAction) => (args: unknown) => {
    try {
      accept(checkDecision(args, action));
    } catch (err) {
      // A Signal cannot be refused; an invalid, forged or late one is logged and ignored.
      log.warn('ignored decision signal', { action, error: (err as Error).message });
    }
  };
  setHandler(statusQuery, () => status);
  setHandler(relatedAlertsSignal, (r) => {
    try {
      // Bounded whatever the sender: a few capped sets per signal, checked by shape only.
      const sets = r.observables.slice(0, RELATED_SETS_PER_SIGNAL).map(checkObservableSet);
      status.relatedAlerts = r.alertCount - 1;
      related.push(...sets);
    } catch (err) {
      log.warn('ignored malformed related-alerts signal', { error: (err as Error).message });
    }
  });
  setHandler(approveSignal, acceptSignal('approve'));
  setHandler(closeSignal, acceptSignal('close'));
  setHandler(decideUpdate, async (input) => {
    let checked: ReturnType<typeof checkDecision>;
    try {
      checked = checkDecision(input); // state may have moved since validation (a Signal landed)
    } catch (err) {
      throw ApplicationFailure.nonRetryable((err as Error).message, 'DecisionRejected');
    }
    const { seq } = accept(checked);
    await condition(() => recordedSeq >= seq);
    return status;
  }, { validator: (input) => { checkDecision(input); } });

  // 1. Collect evidence: persist the alert and its raw event; keep references only.
  const collected = await store.collectEvidence({ workflowId, alert });
  // The policy may fetch the process images from the host through its EDR (Falcon RTR, MDE).
  const hostId = alert.observables.hosts.find((h) => h.uid)?.uid;
  if (policy.edrCollection && hostId) {
    const paths = [...new Set(alert.observables.processes.map((p) => p.path).filter((p): p is string => !!p))].slice(0, policy.edrCollection.maxFiles);
    for (const path of paths) {
      try {
        collected.evidence.push(await edr.edrFetchFile({ workflowId, connector: policy.edrCollection.connector, hostId, path }));
      } catch (err) {
        // A host offline or a file gone is missing evidence: confidence drops, the alert goes on.
        log.warn('EDR collection failed', { path, error: (err as Error).message });
      }
    }
  }
  status.observables = collected.observables;
  upsertSearchAttributes([{ key: SA.Observables, value: searchableObservables(collected.observables) }]);

  // 2-3. Investigate and triage; alerts that join the incident later add evidence and re-triage.
  let observables = collected.observables;
  let findings: Finding[] = [];
  /** Investigates `fresh` observables (or takes findings already made) and triages again. */
  const assess = async (fresh: ObservableSet | Finding[], step: string) => {
    const first = status.disposition === undefined;
    if (first) status.stage = 'investigating';
    findings = [...findings, ...Array.isArray(fresh) ? fresh : await analysis.investigate({ workflowId, observables: fresh, evidence: first ? collected.evidence : [], step })];
    if (first) status.stage = 'triaging';
    // Scoring model v2 reads the alert's structured facts; runs started before it keep v1.
    const context = patched('triage-context-v1') ? triageContext(alert) : undefined;
    const t = await store.triage({ workflowId, severity: alert.severity, findings, policy, step, observables, ...(context ? { context } : {}) });
    Object.assign(status, { score: t.score, verdict: t.verdict, confidence: t.confidence, reasons: t.reasons });
    // Deployed before assessments existed, a run replays without them (see DEVELOPERS.md).
    if (patched('assessment-v1')) status.assessment = await analysis.assess({ workflowId, step, triage: t });
    const disposition = status.disposition ?? finalDisposition(t, propose(observables, t.verdict), policy);
    status.disposition = disposition; // once decided, a human (or the policy) owns the outcome
    upsertSearchAttributes([
      { key: SA.RiskScore, value: t.score },
      { key: SA.Verdict, value: t.verdict },
      { key: SA.Disposition, value: disposition },
    ]);
    return t;
  };
  /**
   * Folds queued related-alert observables in; re-triages when they hold anything new.
   * `reconsider`: the disposition is not acted on yet, so the new evidence may change it.
   */
  const retriageOnRelated = async (reconsider = false) => {
    const limit = patched('related-triage-v1') ? OBSERVABLES_PER_KIND : Infinity;
    const { merged, fresh } = mergeObservables(observables, related.splice(0), limit);
    observables = merged;
    status.observables = merged;
    if (!fresh) return undefined;
    status.retriages += 1;
    upsertSearchAttributes([{ key: SA.Observables, value: searchableObservables(merged) }]);
    if (reconsider) status.disposition = undefined;
    return assess(fresh, `retriage-${status.retriages}`);
  };
  let triage = await assess(observables, 'triage');
  // Sandbox: files detonated when the policy asks, before the disposition is acted on.
  const samples = collected.evidence.filter((e) => ['file', 'attachment', 'sample'].includes(e.kind)).slice(0, policy.sandbox?.maxSamples ?? 3);
  const detonate = policy.sandbox?.detonate ?? 'never';
  if (samples.length && (detonate === 'always' || (detonate === 'uncertain' && (triage.verdict === 'inconclusive' || triage.verdict === 'suspicious')))) {
    const detonated: Finding[] = [];
    for (const s of samples) detonated.push(await sandbox.sandboxDetonate({ workflowId, sha256: s.sha256, name: s.name }));
    status.disposition = undefined; // the sandbox's word counts before anything is decided
    triage = await assess(detonated, 'sandbox');
  }
  // Alerts of the incident that arrived while this one was investigated are triaged before
  // its disposition is acted on: none is closed, or responded to, unseen.
  while (related.length > 0 && patched('related-triage-v1')) triage = (await retriageOnRelated(true)) ?? triage;
  let proposed = propose(observables, triage.verdict);

  if (status.disposition === 'auto_close') {
    status.outcome = 'auto_closed';
  } else if (status.disposition === 'auto_respond') {
    // 5a. Only actions the policy marks safe, at a score the policy trusts: no human needed.
    status.stage = 'responding';
    if (containment) saga = { actions: proposed, approvedBy: () => `system:policy@${policy.version}`, executedOutcome: 'auto_responded' };
    else {
      const done = await response.respond({ workflowId, approvedBy: `system:policy@${policy.version}`, actions: proposed });
      status.responseActions = done.map((a) => `${describeAction(a)}=${a.status}`);
      status.outcome = 'auto_responded';
    }
  } else {
    // 4. Escalate and wait for an analyst; each SLA breach hands the alert to the next tier.
    const tiers = slaTiersFor(policy, alert.severity);
    let tierIndex = 0;
    status.tier = tiers[0].name;
    const opened = await store.openCase({ workflowId, tier: status.tier, proposedActions: proposed.map(describeAction) });
    status.caseId = opened.caseId;
    book = new DecisionBook(policy, approvalRuleFor(policy, proposed.map((a) => a.kind)), containment?.approvals(() => proposed));
    status.approvalsNeeded = book.state.approvalsNeeded;
    status.stage = 'awaiting_analyst';
    upsertSearchAttributes([{ key: SA.AwaitingAnalyst, value: true }, { key: SA.Assignee, value: status.tier }]);
    if (patched('notify-v1')) await response.notify({ workflowId, event: 'escalated', tier: status.tier });

    const toNextTier = async (reason: 'sla' | 'analyst', by?: string) => {
      const tier = tiers[tierIndex];
      const next = tiers[tierIndex + 1];
      status.escalations.push({ fromTier: tier.name, toTier: next?.name ?? null, afterMs: tier.respondWithinMs, ...(by ? { by } : {}) });
      await store.recordEscalation({
        workflowId, seq: status.escalations.length, fromTier: tier.name, toTier: next?.name ?? null, afterMs: tier.respondWithinMs,
        ...(reason === 'analyst' ? { escalatedBy: by } : {}),
      });
      if (!next) return false;
      tierIndex += 1;
      status.tier = next.name;
      deadline = Date.now() + next.respondWithinMs;
      upsertSearchAttributes([{ key: SA.Assignee, value: book!.state.assignee ?? next.name }]);
      if (patched('notify-v1')) await response.notify({ workflowId, event: 'escalated', tier: next.name });
      return true;
    };
    /** Audits accepted non-final decisions (the final one is recorded after the wait). */
    const recordAccepted = async () => {
      for (const event of accepted.splice(0)) {
        const { decision } = event;
        if (decision === book!.state.final) {
          accepted.unshift(event);
          return;
        }
        await store.recordDecisionEvent({ workflowId, seq: event.seq, decision });
        recordedSeq = event.seq;
        if (decision.action === 'assign') upsertSearchAttributes([{ key: SA.Assignee, value: decision.assignee! }]);
        if (decision.action === 'escalate') await toNextTier('analyst', decision.actor);
      }
    };

    // Wait for a decision; related alerts re-triage meanwhile without resetting the SLA clock.
    let deadline = Date.now() + tiers[0].respondWithinMs;
    let lastTierBreached = false;
    while (!book.state.final) {
      const woken = () => book!.state.final !== undefined || related.length > 0 || accepted.length > 0;
      let woke = true;
      if (lastTierBreached) await condition(woken);
      else woke = await condition(woken, Math.max(deadline - Date.now(), 1));
      await recordAccepted();
      if (book.state.final) break;
      if (woke) {
        if (related.length) {
          await retriageOnRelated();
          proposed = propose(observables, status.verdict ?? triage.verdict);
        }
        continue;
      }
      if (await toNextTier('sla')) continue;
      // The last tier has breached too: the policy either contains, or keeps waiting.
      if (slaFallbackFor(policy, alert.severity) === 'contain' && proposed.length > 0) {
        const fallback: Decision = { action: 'approve', actor: 'system:sla-fallback', reason: `no analyst answered within any SLA tier; policy contains ${alert.severity} alerts` };
        book.apply(fallback); // the workflow's own decision: nothing to verify
        book.state.final = fallback; // the policy stands in for the whole quorum
        status.fallback = true;
        break;
      }
      lastTierBreached = true;
    }

    const decision = book.state.final;
    await store.recordDecision({ workflowId, decision });
    recordedSeq = Number.MAX_SAFE_INTEGER;
    accepted.length = 0;
    status.decision = decision;
    upsertSearchAttributes([{ key: SA.AwaitingAnalyst, value: false }, { key: SA.Assignee, value: decision.actor }]);

    // 5. Respond: containment only after approval.
    if (decision.action === 'approve') {
      status.stage = 'responding';
      const executedOutcome = status.fallback ? 'contained_by_sla_fallback' : 'approved_and_responded';
      if (containment) saga = { ...containment.approved(decision, proposed, !!status.fallback), executedOutcome };
      else {
        const approvers = book.state.approvals.map((a) => a.actor).join(', ') || decision.actor;
        const done = await response.respond({ workflowId, approvedBy: approvers, actions: proposed });
        status.responseActions = done.map((a) => `${describeAction(a)}=${a.status}`);
        status.outcome = executedOutcome;
      }
    } else {
      status.outcome = 'closed_by_analyst';
    }
    if (!saga) { // the saga closes the case once its review window is over
      await store.closeCase({ workflowId, resolution: status.outcome!, closedBy: decision.actor, reason: decision.reason ?? '' });
      if (decision.action === 'close' && decision.falsePositive) {
        await store.suggestTuning({ workflowId, reason: `closed as false positive by ${decision.actor}: ${decision.reason ?? ''}` });
      }
    }
  }
  // 5. Respond (containment-v1): the approved actions, the review window, undo on a false positive.
  if (saga) {
    recordedSeq = Number.MAX_SAFE_INTEGER; // the saga records the review window's close itself
    await containment!.contain({ ...saga, book: (book ??= containment!.reviewBook()) });
  }
  if (status.outcome === 'auto_closed' && patched('tuning-v1')) {
    await store.suggestTuning({ workflowId, reason: `auto-closed: ${status.reasons[status.reasons.length - 1] ?? ''}` });
  }

  // Related alerts that arrived after the outcome was settled are still triaged and reported.
  while (related.length > 0 && patched('related-triage-v1')) await retriageOnRelated();

  // The source SIEM learns the final disposition (only where the policy names one for the source).
  const siem = policy.siemWriteback?.[alert.source];
  if (siem && alert.sourceId && patched('siem-writeback-v1')) {
    const why = status.decision?.reason ?? status.reasons[status.reasons.length - 1] ?? '';
    try {
      await response.writeBackToSiem({ workflowId, siem, sourceId: alert.sourceId, outcome: status.outcome!, note: `autosoc ${status.outcome}: ${why}`.slice(0, 4000) });
    } catch (err) {
      log.warn('SIEM write-back failed after its retries', { siem, error: (err as Error).message }); // the disposition stands
    }
  }

  // 6. Report.
  status.stage = 'reporting';
  const report = await store.writeReport({ workflowId, findings, status });
  status.reportId = report.reportId;
  status.stage = 'done';
  await condition(allHandlersFinished);
  return status;
}
