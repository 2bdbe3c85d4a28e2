// The sandbox_tasks table: the sandbox task a workflow submitted for a sample, so a retry
// (even one without heartbeat details) polls that task instead of submitting again.
import type { Pool } from 'pg';

export interface SandboxTaskRecord {
  taskId: number;
  state: string;
  submittedAt: number;
}

interface Row {
  task_id: string;
  state: string;
  submitted_at: Date;
}
const toRecord = (r: Row): SandboxTaskRecord => ({ taskId: Number(r.task_id), state: r.state, submittedAt: r.submitted_at.getTime() });

export async function findSandboxTask(db: Pool, workflowId: string, sha256: string): Promise<SandboxTaskRecord | undefined> {
  const row = (
    await db.query<Row>('SELECT task_id, state, submitted_at FROM sandbox_tasks WHERE workflow_id = $1 AND sha256 = $2', [
      workflowId,
      sha256,
    ])
  ).rows[0];
  return row && toRecord(row);
}

/**
 * Records a submitted task. The first record wins: if another attempt recorded a task
 * meanwhile, that one is returned and this submission is left unused.
 */
export async function recordSandboxTask(
  db: Pool,
  workflowId: string,
  sha256: string,
  taskId: number,
  state: string,
): Promise<SandboxTaskRecord> {
  const row = (
    await db.query<Row>(
      `INSERT INTO sandbox_tasks (workflow_id, sha256, task_id, state) VALUES ($1, $2, $3, $4)
     ON CONFLICT (workflow_id, sha256) DO UPDATE SET updated_at = now()
     RETURNING task_id, state, submitted_at`,
      [workflowId, sha256, taskId, state],
    )
  ).rows[0];
  return toRecord(row);
}

export async function updateSandboxTaskState(db: Pool, workflowId: string, sha256: string, state: string): Promise<void> {
  await db.query('UPDATE sandbox_tasks SET state = $3, updated_at = now() WHERE workflow_id = $1 AND sha256 = $2', [
    workflowId,
    sha256,
    state.slice(0, 64),
  ]);
}
