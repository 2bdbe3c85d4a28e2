// Assessments, one per (alert, investigation step); the first one written wins on retry.
import type { Pool } from 'pg';
import type { AuthoredAssessment } from '../assessment/assessment';

export async function saveAssessment(db: Pool, workflowId: string, step: string, a: AuthoredAssessment): Promise<AuthoredAssessment> {
  const { rows } = await db.query<{ author: string; assessment: AuthoredAssessment['assessment'] & { note?: string } }>(
    `INSERT INTO assessments (workflow_id, step, author, assessment) VALUES ($1, $2, $3, $4)
     ON CONFLICT (workflow_id, step) DO UPDATE SET workflow_id = EXCLUDED.workflow_id
     RETURNING author, assessment`,
    [workflowId, step, a.author, JSON.stringify({ ...a.assessment, ...(a.note ? { note: a.note } : {}) })],
  );
  const { note, ...assessment } = rows[0].assessment;
  return { author: rows[0].author, assessment, ...(note ? { note } : {}) };
}

export async function latestAssessment(db: Pool, workflowId: string): Promise<AuthoredAssessment | undefined> {
  const row = (
    await db.query<{ author: string; assessment: AuthoredAssessment['assessment'] & { note?: string } }>(
      'SELECT author, assessment FROM assessments WHERE workflow_id = $1 ORDER BY created_at DESC LIMIT 1',
      [workflowId],
    )
  ).rows[0];
  if (!row) return undefined;
  const { note, ...assessment } = row.assessment;
  return { author: row.author, assessment, ...(note ? { note } : {}) };
}
