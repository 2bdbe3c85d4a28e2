// The confirmed incident behind an alert, as the store records it: the alert, its verdict and
// the analyst who approved its response (from the append-only decision trail).
import type { Pool } from 'pg';
import { parseAlert } from '../domain/alert';
import { getAlert } from '../store/alerts';
import { listAudit } from '../store/decisions';
import { assertConfirmed, ConfirmedIncident } from './incident';
import { trimEndChars } from '../domain/text-scan';

export class UnknownAlert extends Error {
  constructor(id: string) {
    super(`no alert ${id}`);
    this.name = 'UnknownAlert';
  }
}

/** Throws UnknownAlert, or NotConfirmed when the alert is neither approved nor malicious. */
export async function confirmedIncidentFromStore(db: Pool, workflowId: string, opts: { apiUrl?: string } = {}): Promise<ConfirmedIncident> {
  const row = await getAlert(db, workflowId);
  if (!row) throw new UnknownAlert(workflowId);
  const approval = (await listAudit(db, workflowId)).find((d) => d.action === 'approve');
  const updated = (await db.query<{ updated_at: Date }>('SELECT updated_at FROM alerts WHERE workflow_id = $1', [workflowId])).rows[0]
    .updated_at;
  const verdict = (['malicious', 'suspicious', 'benign'] as const).find((v) => v === row.verdict) ?? 'unknown';
  const incident = ConfirmedIncident.parse({
    id: workflowId,
    alerts: [parseAlert(row.alert)],
    verdict,
    approvedBy: approval?.actor,
    references: opts.apiUrl ? [`${trimEndChars(opts.apiUrl, '/')}/v1/alerts/${encodeURIComponent(workflowId)}`] : [],
    confirmedAt: updated.toISOString(),
  });
  assertConfirmed(incident);
  return incident;
}
