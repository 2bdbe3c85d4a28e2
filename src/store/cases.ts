// Cases: the analyst-facing record of an escalated alert, one per alert workflow.
import type { Pool } from 'pg';

export interface CaseRow {
  id: string;
  workflow_id: string;
  tier: string;
  status: 'open' | 'closed';
  proposed_actions: string[];
  resolution: string | null;
  closed_by: string | null;
  close_reason: string | null;
}

/** Opens the alert's case, or returns the one an earlier attempt opened. */
export async function openCase(db: Pool, workflowId: string, tier: string, proposedActions: string[]): Promise<CaseRow> {
  const { rows } = await db.query<CaseRow>(
    `INSERT INTO cases (workflow_id, tier, proposed_actions) VALUES ($1, $2, $3)
     ON CONFLICT (workflow_id) DO UPDATE SET workflow_id = EXCLUDED.workflow_id
     RETURNING id::text, workflow_id, tier, status, proposed_actions, resolution, closed_by, close_reason`,
    [workflowId, tier, JSON.stringify(proposedActions)],
  );
  return rows[0];
}

export async function setCaseTier(db: Pool, workflowId: string, tier: string): Promise<void> {
  await db.query(`UPDATE cases SET tier = $2 WHERE workflow_id = $1 AND status = 'open'`, [workflowId, tier]);
}

export async function closeCase(db: Pool, workflowId: string, resolution: string, closedBy: string, reason: string): Promise<void> {
  await db.query(
    `UPDATE cases SET status = 'closed', resolution = $2, closed_by = $3, close_reason = $4, closed_at = now()
     WHERE workflow_id = $1 AND status = 'open'`,
    [workflowId, resolution, closedBy, reason],
  );
}

/** Open cases per tier (the awaiting-analyst gauge). */
export async function countOpenCasesByTier(db: Pool): Promise<Array<{ tier: string; count: number }>> {
  const { rows } = await db.query<{ tier: string; n: string }>(`SELECT tier, count(*) AS n FROM cases WHERE status = 'open' GROUP BY tier`);
  return rows.map((r) => ({ tier: r.tier, count: Number(r.n) }));
}

export async function getCase(db: Pool, workflowId: string): Promise<CaseRow | undefined> {
  return (
    await db.query<CaseRow>(
      `SELECT id::text, workflow_id, tier, status, proposed_actions, resolution, closed_by, close_reason
     FROM cases WHERE workflow_id = $1`,
      [workflowId],
    )
  ).rows[0];
}

export async function assignCase(db: Pool, workflowId: string, assignee: string): Promise<void> {
  await db.query(`UPDATE cases SET assignee = $2 WHERE workflow_id = $1`, [workflowId, assignee]);
}
