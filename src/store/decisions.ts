// The append-only audit trail. The (workflow_id, step) key makes every write idempotent:
// a retried activity finds its row already there.
import type { Pool } from 'pg';

export interface AuditEntry {
  workflowId: string;
  step: string;
  action: string;
  actor: string;
  reason: string;
  details?: Record<string, unknown>;
}
export interface DecisionRow {
  workflow_id: string;
  step: string;
  action: string;
  actor: string;
  reason: string;
  details: Record<string, unknown>;
}

export async function appendAudit(db: Pool, e: AuditEntry): Promise<void> {
  await db.query(
    `INSERT INTO decisions (workflow_id, step, action, actor, reason, details) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (workflow_id, step) DO NOTHING`,
    [e.workflowId, e.step, e.action, e.actor, e.reason, JSON.stringify(e.details ?? {})],
  );
}

export async function listAudit(db: Pool, workflowId: string): Promise<DecisionRow[]> {
  return (
    await db.query<DecisionRow>(
      'SELECT workflow_id, step, action, actor, reason, details FROM decisions WHERE workflow_id = $1 ORDER BY id',
      [workflowId],
    )
  ).rows;
}
