// Stage 1: persist the alert, link the evidence stored at ingest, keep small originals as
// evidence too, and extract observables. Returns references only.
import type { Alert, EvidenceRef } from '../domain/alert';
import { extractObservables, type ObservableSet } from '../domain/observables';
import { upsertAlert } from '../store/alerts';
import { linkEvidence, storeEvidence } from '../store/evidence';
import type { ActivityDeps } from './deps';

export interface CollectEvidenceInput {
  workflowId: string;
  alert: Alert;
}
export interface CollectedEvidence {
  observables: ObservableSet;
  evidence: EvidenceRef[];
}

export async function collectEvidence(deps: ActivityDeps, { workflowId, alert }: CollectEvidenceInput): Promise<CollectedEvidence> {
  const observables = extractObservables(alert);
  await upsertAlert(deps.db, workflowId, alert, observables);
  const evidence = [...alert.evidence];
  if (alert.raw !== undefined) {
    evidence.push(
      await storeEvidence(deps.db, {
        kind: 'raw-event',
        mediaType: 'application/json',
        content: Buffer.from(JSON.stringify(alert.raw)),
      }),
    );
  }
  for (const ref of evidence) await linkEvidence(deps.db, workflowId, ref);
  return { observables, evidence };
}
