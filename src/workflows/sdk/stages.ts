// The stage functions a playbook is written with. Each takes the run (startPlaybook), calls
// autosoc's activities with the option set for its kind of work, and keeps the run's status
// (what analysts query and the Web UI's search attributes show) up to date.
import { allHandlersFinished, condition, log, patched, upsertSearchAttributes } from '@temporalio/workflow';
import { OBSERVABLES_PER_KIND } from '../../domain/bounded-input';
import type { Finding } from '../../domain/finding';
import { mergeObservables, type ObservableSet, searchableObservables } from '../../domain/observables';
import { triageContext } from '../../domain/triage-context';
import { describeAction, finalDisposition, type ResponseAction } from '../../domain/response';
import type { TriageResult } from '../../domain/scoring';
import * as SA from '../search-attributes';
import type { AlertStatus, Outcome } from '../../domain/alert-status';
import { analysisSteps, edrSteps, outsideWorldSteps, sandboxSteps, ticketSteps } from './activity-options';
import type { TicketSyncInput } from '../../activities/ticket-sync';
import type { AnalystOutcome, AnalystWaitOptions } from './analyst-wait';
import type { PlaybookRun } from './run';

/** Evidence kinds the sandbox detonates. */
const DETONATABLE_KINDS = ['file', 'attachment', 'sample'];

/**
 * Stage 1. Persists the alert and its raw event (references only, never bytes in history), and
 * fetches the alert's process images through the host's EDR when the policy asks for it.
 */
export async function collect(run: PlaybookRun): Promise<void> {
  const { workflowId, alert, policy, status } = run;
  const collected = await run.store.collectEvidence({ workflowId, alert });
  const hostId = alert.observables.hosts.find((h) => h.uid)?.uid;
  if (policy.edrCollection && hostId) {
    const paths = [...new Set(alert.observables.processes.map((p) => p.path).filter((p): p is string => !!p))].slice(
      0,
      policy.edrCollection.maxFiles,
    );
    for (const path of paths) {
      try {
        collected.evidence.push(await edrSteps.edrFetchFile({ workflowId, connector: policy.edrCollection.connector, hostId, path }));
      } catch (err) {
        // A host offline or a file gone is missing evidence: confidence drops, the alert goes on.
        log.warn('EDR collection failed', { path, error: (err as Error).message });
      }
    }
  }
  run.evidence = collected.evidence;
  run.observables = collected.observables;
  status.observables = collected.observables;
  upsertSearchAttributes([{ key: SA.Observables, value: searchableObservables(collected.observables) }]);
}

export interface InvestigateOptions {
  /** What to investigate (default: the run's observables). */
  observables?: ObservableSet;
  /** Evidence objects to analyze (default: none; the first pass passes run.evidence). */
  evidence?: PlaybookRun['evidence'];
  /** Names this pass for the audit trail and idempotency: 'triage', 'retriage-1', ... */
  step?: string;
  /**
   * Only these analyzers (names as in the worker's plan, e.g. 'email', 'url', 'threat-intel',
   * or a plugin's name); absent: every analyzer the worker runs.
   */
  analyzers?: string[];
}

/** The status shows the first pass's stages; later passes run while the outcome stands. */
const firstPass = (run: PlaybookRun) => run.status.disposition === undefined;

/** Stage 2. Runs the analyzers over observables and evidence; their findings join the run's. */
export async function investigate(
  run: PlaybookRun,
  { observables = run.observables, evidence = [], step = 'triage', analyzers }: InvestigateOptions = {},
): Promise<Finding[]> {
  if (firstPass(run)) run.status.stage = 'investigating';
  const fresh = await analysisSteps.investigate({
    workflowId: run.workflowId,
    observables,
    evidence,
    step,
    ...(analyzers ? { analyzers } : {}),
  });
  run.findings = [...run.findings, ...fresh];
  return fresh;
}

/**
 * Stage 3. Scores every finding so far under the run's policy, writes the assessment, and sets
 * the disposition once (after that, a human or the policy owns the outcome).
 */
export async function triage(run: PlaybookRun, step = 'triage'): Promise<TriageResult> {
  const { workflowId, alert, policy, status } = run;
  if (firstPass(run)) status.stage = 'triaging';
  // Scoring models v2+ read the alert's structured facts; runs started before them keep v1,
  // runs started before triage-v3 keep v2 (the context names the model).
  const context = patched('triage-context-v1') ? triageContext(alert, patched('triage-v3') ? 'v3' : 'v2') : undefined;
  const t = await run.store.triage({
    workflowId,
    severity: alert.severity,
    findings: run.findings,
    policy,
    step,
    observables: run.observables,
    ...(context ? { context } : {}),
  });
  Object.assign(status, {
    score: t.score,
    verdict: t.verdict,
    confidence: t.confidence,
    reasons: run.route ? [run.route.reason, ...t.reasons] : t.reasons,
  });
  // Deployed before assessments existed, a run replays without them (see DEVELOPERS.md).
  if (patched('assessment-v1')) status.assessment = await analysisSteps.assess({ workflowId, step, triage: t });
  const disposition = status.disposition ?? finalDisposition(t, run.propose(run.observables, t.verdict), policy);
  status.disposition = disposition;
  upsertSearchAttributes([
    { key: SA.RiskScore, value: t.score },
    { key: SA.Verdict, value: t.verdict },
    { key: SA.Disposition, value: disposition },
  ]);
  return t;
}

/** Investigates fresh observables (or takes findings already made, e.g. the sandbox's) and triages again. */
export async function investigateAndTriage(run: PlaybookRun, fresh: ObservableSet | Finding[], step: string): Promise<TriageResult> {
  if (Array.isArray(fresh)) run.findings = [...run.findings, ...fresh];
  else await investigate(run, { observables: fresh, evidence: firstPass(run) ? run.evidence : [], step });
  return triage(run, step);
}

/**
 * Detonates the run's file evidence in the sandbox when the policy asks (always, or while the
 * triage is unsure) and triages again with its word, before the disposition is acted on.
 */
export async function detonate(run: PlaybookRun, triaged: TriageResult): Promise<TriageResult> {
  const { policy } = run;
  const samples = run.evidence.filter((e) => DETONATABLE_KINDS.includes(e.kind)).slice(0, policy.sandbox?.maxSamples ?? 3);
  const mode = policy.sandbox?.detonate ?? 'never';
  if (
    !samples.length ||
    !(mode === 'always' || (mode === 'uncertain' && (triaged.verdict === 'inconclusive' || triaged.verdict === 'suspicious')))
  )
    return triaged;
  const detonated: Finding[] = [];
  for (const s of samples)
    detonated.push(await sandboxSteps.sandboxDetonate({ workflowId: run.workflowId, sha256: s.sha256, name: s.name }));
  run.status.disposition = undefined; // the sandbox's word counts before anything is decided
  return investigateAndTriage(run, detonated, 'sandbox');
}

/**
 * Folds related alerts' observables (queued by the incident's signal) into the run; triages
 * again when they hold anything new. `reconsider`: the disposition is not acted on yet, so the
 * new evidence may change it. Returns the new triage, or undefined when nothing was new.
 */
export async function foldRelatedAlerts(run: PlaybookRun, reconsider = false): Promise<TriageResult | undefined> {
  const { status } = run;
  const limit = patched('related-triage-v1') ? OBSERVABLES_PER_KIND : Infinity;
  const { merged, fresh } = mergeObservables(run.observables, run.related.splice(0), limit);
  run.observables = merged;
  status.observables = merged;
  if (!fresh) return undefined;
  status.retriages += 1;
  upsertSearchAttributes([{ key: SA.Observables, value: searchableObservables(merged) }]);
  if (reconsider) status.disposition = undefined;
  return investigateAndTriage(run, fresh, `retriage-${status.retriages}`);
}

/**
 * Stage 4. Escalates to the first SLA tier and waits for an analyst's final decision (approve or
 * close), moving tiers on each breach; see analyst-wait.ts.
 */
export const waitForAnalyst = (run: PlaybookRun, options: AnalystWaitOptions): Promise<AnalystOutcome> => run.analyst.decide(options);

/** Stage 5. Carries out response actions that were approved (by analysts, or by the policy as `system:policy@...`). */
export async function respond(run: PlaybookRun, { actions, approvedBy }: { actions: ResponseAction[]; approvedBy: string }) {
  run.status.stage = 'responding';
  const done = await outsideWorldSteps.respond({ workflowId: run.workflowId, approvedBy, actions });
  run.status.responseActions = done.map((a) => `${describeAction(a)}=${a.status}`);
  return done;
}

/** Opens the analyst's case for a tier (idempotent: a retry or a second call finds the run's case). */
export async function openOrUpdateCase(
  run: PlaybookRun,
  { tier, proposedActions }: { tier: string; proposedActions: string[] },
): Promise<string> {
  const { caseId } = await run.store.openCase({ workflowId: run.workflowId, tier, proposedActions });
  run.status.caseId = caseId;
  return caseId;
}

/** Closes the run's case with its outcome. */
export async function closeCase(
  run: PlaybookRun,
  { outcome, closedBy, reason }: { outcome: Outcome; closedBy: string; reason: string },
): Promise<void> {
  run.status.outcome = outcome;
  await run.store.closeCase({ workflowId: run.workflowId, resolution: outcome, closedBy, reason });
}

/**
 * Announces an event on every configured channel (webhook, Slack), at most once per (run,
 * event, tier): an escalation to a tier, or a resolution told to someone (`tier: 'reporter'`,
 * `recipient`: their address, which the receiving webhook relays to).
 */
export async function notify(
  run: PlaybookRun,
  n: { event: 'escalated' | 'resolved'; tier: string; recipient?: string; outcome?: string },
): Promise<void> {
  await outsideWorldSteps.notify({ workflowId: run.workflowId, ...n });
}

/**
 * Tells the case's ticket (when the policy names a ticket system) of an analyst's comment or of
 * the alert's decision; the activity skips what came from the ticket system itself. A ticket
 * system that stays down costs the sync, never the alert.
 */
export async function syncTicket(run: PlaybookRun, sync: Omit<TicketSyncInput, 'workflowId'>): Promise<void> {
  try {
    await ticketSteps.syncTicket({ workflowId: run.workflowId, ...sync });
  } catch (err) {
    log.warn('ticket sync failed after its retries', { kind: sync.kind, step: sync.step, error: (err as Error).message });
  }
}

/** Other mailboxes that received the same messages (by Message-ID), as other alerts saw them. */
export const findMessageCopies = (run: PlaybookRun, messageIds: string[]) =>
  run.store.findMessageCopies({ workflowId: run.workflowId, messageIds });

/** Proposes a tuning (suppression) to engineers, e.g. after a false positive. */
export async function suggestTuning(run: PlaybookRun, reason: string): Promise<void> {
  await run.store.suggestTuning({ workflowId: run.workflowId, reason });
}

/** Stage 6. Writes the report, marks the run done, and lets open Update handlers finish: return its result. */
export async function report(run: PlaybookRun): Promise<AlertStatus> {
  const { status } = run;
  status.stage = 'reporting';
  let written = await run.store.writeReport({ workflowId: run.workflowId, findings: run.findings, status });
  // Related alerts that arrived while the report was written: the incident counts them as heard
  // by this run, so they are triaged here and the report rewritten ('related-report-v1').
  while (run.related.length > 0 && patched('related-report-v1')) {
    await foldRelatedAlerts(run);
    written = await run.store.writeReport({ workflowId: run.workflowId, findings: run.findings, status });
  }
  status.reportId = written.reportId;
  status.stage = 'done';
  await condition(allHandlersFinished);
  return status;
}
