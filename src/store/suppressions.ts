// Suppression rules and their hit counts.
import type { Pool } from 'pg';
import type { SuppressionMatch } from '../domain/suppression';

export interface SuppressionRow {
  id: string;
  status: string;
  match: SuppressionMatch;
  reason: string;
  created_by: string;
  hits: number;
  expires_at: Date | null;
}

export async function activeSuppressions(db: Pool): Promise<SuppressionRow[]> {
  return (
    await db.query<SuppressionRow>(
      `SELECT id::text, status, match, reason, created_by, hits, expires_at FROM suppressions
     WHERE status = 'active' AND (expires_at IS NULL OR expires_at > now()) ORDER BY id`,
    )
  ).rows;
}

export async function addSuppression(
  db: Pool,
  s: { status: 'candidate' | 'active'; match: SuppressionMatch; reason: string; createdBy: string; expiresAt?: Date },
): Promise<string> {
  return (
    await db.query<{ id: string }>(
      'INSERT INTO suppressions (status, match, reason, created_by, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id::text',
      [s.status, JSON.stringify(s.match), s.reason, s.createdBy, s.expiresAt ?? null],
    )
  ).rows[0].id;
}

/** Records a suppressed alert once (its source and id are unique); false if it was already recorded. */
export async function recordSuppressedAlert(
  db: Pool,
  a: {
    workflowId: string;
    source: string;
    sourceId: string;
    severity: string;
    title: string;
    time: string;
    alert: unknown;
    suppressionId: string;
    reason: string;
  },
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

/**
 * Counts a closed-as-benign alert towards the candidate suppression for its pattern, once
 * per alert (tuning_events is keyed by workflow id, so a retried activity does not recount).
 */
export async function suggestSuppression(
  db: Pool,
  s: { workflowId: string; key: string; match: SuppressionMatch; reason: string },
): Promise<string> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO suppressions (status, match, reason, created_by, suggestion_key, hits) VALUES ('candidate', $1, $2, 'system:tuning', $3, 0)
       ON CONFLICT (suggestion_key) WHERE status = 'candidate' DO UPDATE SET suggestion_key = EXCLUDED.suggestion_key
       RETURNING id::text`,
      [JSON.stringify(s.match), s.reason, s.key],
    );
    const id = rows[0].id;
    const counted = await client.query(
      'INSERT INTO tuning_events (workflow_id, suppression_id, reason) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [s.workflowId, id, s.reason],
    );
    if (counted.rowCount) await client.query('UPDATE suppressions SET hits = hits + 1, reason = $2 WHERE id = $1', [id, s.reason]);
    await client.query('COMMIT');
    return id;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export async function listSuggestions(db: Pool): Promise<SuppressionRow[]> {
  return (
    await db.query<SuppressionRow>(
      `SELECT id::text, status, match, reason, created_by, hits, expires_at FROM suppressions WHERE status = 'candidate' ORDER BY hits DESC, id`,
    )
  ).rows;
}

/** An engineer accepts a suggestion: it becomes an active suppression that expires. */
export async function acceptSuggestion(db: Pool, id: string, actor: string, ttlDays: number): Promise<SuppressionRow | undefined> {
  return (
    await db.query<SuppressionRow>(
      `UPDATE suppressions SET status = 'active', suggestion_key = NULL, accepted_by = $2, accepted_at = now(),
       expires_at = now() + ($3 || ' days')::interval
     WHERE id = $1 AND status = 'candidate'
     RETURNING id::text, status, match, reason, created_by, hits, expires_at`,
      [id, actor, ttlDays],
    )
  ).rows[0];
}

/** 'candidate', 'active'...; undefined when there is no such suppression. */
export async function suppressionStatus(db: Pool, id: string): Promise<string | undefined> {
  return (await db.query<{ status: string }>('SELECT status FROM suppressions WHERE id = $1', [id])).rows[0]?.status;
}
