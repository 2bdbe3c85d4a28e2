// Stage 2: run the investigation plan over the alert's observables and evidence. Analyzer
// failures come back as error findings, so the stage itself only fails on infrastructure.
import type { EvidenceRef } from '../domain/alert';
import type { Finding } from '../domain/finding';
import type { ObservableSet } from '../domain/observables';
import { ApplicationFailure } from '@temporalio/common';
import { BAD_INPUT } from '../domain/error-types';
import { type InvestigationPlan, runInvestigation } from '../investigation/investigate';
import { pgInvestigationStore } from '../investigation/store';
import { getAlert } from '../store/alerts';
import type { ActivityDeps } from './deps';
import { ANALYSIS_HEARTBEAT_MS, whileHeartbeating } from './heartbeating';

/**
 * `step` names this pass (first triage or a re-triage) for logs and idempotency; `analyzers`,
 * when a playbook chose a set, names the only analyzers to run (of those this worker has).
 */
export interface InvestigateInput {
  workflowId: string;
  observables: ObservableSet;
  evidence?: EvidenceRef[];
  step?: string;
  analyzers?: string[];
}

/** The plan cut to the named analyzers; naming none this worker runs is the playbook's mistake. */
export function chosenAnalyzers(plan: InvestigationPlan, names: string[]): InvestigationPlan {
  const chosen = new Set(names);
  const cut = {
    ...plan,
    alertAnalyzers: plan.alertAnalyzers.filter((a) => chosen.has(a.name)),
    objectAnalyzers: plan.objectAnalyzers.filter((a) => chosen.has(a.name)),
  };
  if (cut.alertAnalyzers.length + cut.objectAnalyzers.length === 0) {
    const known = [...plan.alertAnalyzers, ...plan.objectAnalyzers].map((a) => a.name).join(', ');
    throw ApplicationFailure.nonRetryable(
      `investigate: no analyzer named ${names.join(', ')} runs on this worker (it runs ${known})`,
      BAD_INPUT,
    );
  }
  return cut;
}

export async function investigate(
  deps: ActivityDeps,
  { workflowId, observables, evidence = [], analyzers }: InvestigateInput,
): Promise<Finding[]> {
  const plan = analyzers ? chosenAnalyzers(deps.investigation, analyzers) : deps.investigation;
  const alert = (await getAlert(deps.db, workflowId))?.alert;
  // Analyzers run on worker threads (investigation/analyzer-pool.ts), so this event loop stays
  // free to beat while they work, however long a hostile input makes them take.
  return whileHeartbeating(ANALYSIS_HEARTBEAT_MS, () =>
    runInvestigation(
      pgInvestigationStore(deps.db),
      plan,
      { observables, processes: alert?.observables.processes ?? [], files: alert?.observables.files ?? [] },
      evidence,
      { source: alert?.source },
    ),
  );
}
