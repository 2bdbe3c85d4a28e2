// Suppression rules and their hit counts.
import type { Pool } from 'pg';
import type { SuppressionMatch } from '../domain/suppression';

export interface SuppressionRow { id: string; status: string; match: SuppressionMatch; reason: string; created_by: string; hits: number; expires_at: Date | null }

export async function activeSuppressions(db: Pool): Promise<SuppressionRow[]> {
  return (await db.query<SuppressionRow>(
    `SELECT id::text, status, match, reason, created_by, hits, expires_at FROM suppressions
     WHERE status = 'active' AND (expires_at IS NULL OR expires_at > now()) ORDER BY id`,
  )).rows;
}

export async function addSuppression(
  db: Pool, s: { status: 'candidate' | 'active'; match: SuppressionMatch; reason: string; createdBy: string; expiresAt?: Date },
): Promise<string> {
  return (await db.query<{ id: string }>(
    'INSERT INTO suppressions (status, match, reason, created_by, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id::text',
    [s.status, JSON.stringify(s.match), s.reason, s.createdBy, s.expiresAt ?? null],
  )).rows[0].id;
}

/** Records a suppressed alert once (its source and id are unique); false if it was already recorded. */
export async function recordSuppressedAlert(
  db: Pool, a: { workflowId: string; source: string; sourceId: string; severity: string; title: string; time: string; alert: unknown; suppressionId: string; reason: string },
): Promise<boolean> {
  const inserted = await db.query(
    `INSERT INTO alerts (workflow_id, source, source_id, severity, title, alert_time, alert, status, disposition, suppressed_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'suppressed', 'suppressed', $8) ON CONFLICT DO NOTHING`,
    [a.workflowId, a.source, a.sourceId, a.severity, a.title, a.time, JSON.stringify(a.alert), a.suppressionId],
  );
  if (!inserted.rowCount) return false;
  await db.query('UPDATE suppressions SET hits = hits + 1 WHERE id = $1', [a.suppressionId]);
  await db.query(
    `INSERT INTO decisions (workflow_id, step, action, actor, reason, details) VALUES ($1, 'suppressed', 'suppress', $2, $3, $4)
     ON CONFLICT (workflow_id, step) DO NOTHING`,
    [a.workflowId, `system:suppression#${a.suppressionId}`, a.reason, JSON.stringify({ suppressionId: a.suppressionId })],
  );
  return true;
}
