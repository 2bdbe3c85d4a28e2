// Stage 1: persist the alert, keep its raw event as evidence, extract observables.
import type { Alert } from '../domain/alert';
import { extractObservables, type ObservableSet } from '../domain/observables';
import { upsertAlert } from '../store/alerts';
import { putEvidence, type EvidenceRef } from '../store/evidence';
import type { ActivityDeps } from './deps';

export interface CollectEvidenceInput { workflowId: string; alert: Alert }
export interface CollectedEvidence { observables: ObservableSet; evidence: EvidenceRef[] }

export async function collectEvidence(deps: ActivityDeps, { workflowId, alert }: CollectEvidenceInput): Promise<CollectedEvidence> {
  const observables = extractObservables(alert);
  await upsertAlert(deps.db, workflowId, alert, observables);
  const evidence: EvidenceRef[] = [];
  if (alert.raw !== undefined) {
    evidence.push(await putEvidence(deps.db, workflowId, 'raw-event', 'application/json', Buffer.from(JSON.stringify(alert.raw))));
  }
  return { observables, evidence };
}
