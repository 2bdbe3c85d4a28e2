// Containment actions carried out after approval, one row per (alert, action, target).
import type { Pool } from 'pg';

export interface ResponseActionRow {
  workflow_id: string;
  kind: string;
  target: string;
  status: string;
  approved_by: string;
  connector: string;
  detail: string | null;
}

/** Inserts the action's outcome unless an earlier attempt already did; returns the stored row. */
export async function recordResponseAction(db: Pool, row: ResponseActionRow): Promise<ResponseActionRow> {
  const { rows } = await db.query<ResponseActionRow>(
    `INSERT INTO response_actions (workflow_id, kind, target, status, approved_by, connector, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (workflow_id, kind, target) DO UPDATE SET workflow_id = EXCLUDED.workflow_id
     RETURNING workflow_id, kind, target, status, approved_by, connector, detail`,
    [row.workflow_id, row.kind, row.target, row.status, row.approved_by, row.connector, row.detail],
  );
  return rows[0];
}

export async function listResponseActions(db: Pool, workflowId: string): Promise<ResponseActionRow[]> {
  return (
    await db.query<ResponseActionRow>(
      'SELECT workflow_id, kind, target, status, approved_by, connector, detail FROM response_actions WHERE workflow_id = $1 ORDER BY kind, target',
      [workflowId],
    )
  ).rows;
}

/** Records the compensation's outcome on the action's row; returns the stored status. */
export async function markResponseActionUndone(
  db: Pool,
  workflowId: string,
  action: { kind: string; target: string },
  outcome: { status: string; detail: string },
): Promise<string> {
  const { rows } = await db.query<{ status: string }>(
    `UPDATE response_actions SET status = $4, detail = coalesce(detail, '') || ' | undo: ' || $5
     WHERE workflow_id = $1 AND kind = $2 AND target = $3 RETURNING status`,
    [
      workflowId,
      action.kind,
      action.target,
      outcome.status === 'recorded for manual action' ? 'undo recorded for manual action' : outcome.status,
      outcome.detail,
    ],
  );
  return rows[0]?.status ?? outcome.status;
}
