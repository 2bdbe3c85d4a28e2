// Stage 2: run the investigation plan over the alert's observables and evidence. Analyzer
// failures come back as error findings, so the stage itself only fails on infrastructure.
import type { EvidenceRef } from '../domain/alert';
import type { Finding } from '../domain/finding';
import type { ObservableSet } from '../domain/observables';
import { runInvestigation } from '../investigation/investigate';
import { pgInvestigationStore } from '../investigation/store';
import { getAlert } from '../store/alerts';
import type { ActivityDeps } from './deps';
import { ANALYSIS_HEARTBEAT_MS, whileHeartbeating } from './heartbeating';

/** `step` names this pass (first triage or a re-triage) for logs and idempotency. */
export interface InvestigateInput { workflowId: string; observables: ObservableSet; evidence?: EvidenceRef[]; step?: string }

export async function investigate(deps: ActivityDeps, { workflowId, observables, evidence = [] }: InvestigateInput): Promise<Finding[]> {
  const alert = (await getAlert(deps.db, workflowId))?.alert;
  // Analyzers run on worker threads (investigation/analyzer-pool.ts), so this event loop stays
  // free to beat while they work, however long a hostile input makes them take.
  return whileHeartbeating(ANALYSIS_HEARTBEAT_MS, () =>
    runInvestigation(pgInvestigationStore(deps.db), deps.investigation, { observables, processes: alert?.observables.processes ?? [], files: alert?.observables.files ?? [] }, evidence, { source: alert?.source }));
}
