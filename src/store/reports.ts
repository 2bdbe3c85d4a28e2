// Per-alert reports, one per (alert, kind).
import type { Pool } from 'pg';

export async function saveReport(db: Pool, workflowId: string, kind: string, format: string, body: string): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO reports (workflow_id, kind, format, body) VALUES ($1, $2, $3, $4)
     ON CONFLICT (workflow_id, kind) DO UPDATE SET body = EXCLUDED.body
     RETURNING id::text`,
    [workflowId, kind, format, body],
  );
  return rows[0].id;
}

export async function getReport(db: Pool, workflowId: string, kind = 'alert'): Promise<{ id: string; body: string } | undefined> {
  return (
    await db.query<{ id: string; body: string }>('SELECT id::text, body FROM reports WHERE workflow_id = $1 AND kind = $2', [
      workflowId,
      kind,
    ])
  ).rows[0];
}
