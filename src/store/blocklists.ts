// Firewall blocklist entries (migration 021): what /v1/blocklists/<list> serves. One row per
// (list, value, alert) so undoing one alert's block leaves another alert's block of the same
// value in place; a value is served while any of its rows is unexpired.
import type { Pool } from 'pg';

export const BLOCKLISTS = ['ip', 'domain', 'url'] as const;
export type Blocklist = (typeof BLOCKLISTS)[number];

export interface BlocklistEntry {
  list: Blocklist;
  value: string;
  workflowId: string;
  approvedBy: string;
  expiresAt: Date;
}

/** Adds (or renews) the alert's entry; returns its expiry. */
export async function addBlocklistEntry(
  db: Pool,
  e: { list: Blocklist; value: string; workflowId: string; approvedBy: string; ttlMs: number },
): Promise<Date> {
  const { rows } = await db.query<{ expires_at: Date }>(
    `INSERT INTO blocklist_entries (list, value, workflow_id, approved_by, expires_at)
     VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5::double precision / 1000))
     ON CONFLICT (list, value, workflow_id) DO UPDATE SET expires_at = EXCLUDED.expires_at
     RETURNING expires_at`,
    [e.list, e.value, e.workflowId, e.approvedBy, e.ttlMs],
  );
  return rows[0].expires_at;
}

/** Whether the alert's entry is in the list now (unexpired). */
export async function hasBlocklistEntry(db: Pool, list: Blocklist, value: string, workflowId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    'SELECT 1 FROM blocklist_entries WHERE list = $1 AND value = $2 AND workflow_id = $3 AND expires_at > now()',
    [list, value, workflowId],
  );
  return (rowCount ?? 0) > 0;
}

/** Removes the alert's entry; true when there was one. */
export async function removeBlocklistEntry(db: Pool, list: Blocklist, value: string, workflowId: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM blocklist_entries WHERE list = $1 AND value = $2 AND workflow_id = $3', [
    list,
    value,
    workflowId,
  ]);
  return (rowCount ?? 0) > 0;
}

/** The values a firewall pulls: unexpired, distinct, sorted (stable output between pulls). */
export async function liveBlocklist(db: Pool, list: Blocklist, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ value: string }>(
    'SELECT DISTINCT value FROM blocklist_entries WHERE list = $1 AND expires_at > now() ORDER BY value LIMIT $2',
    [list, limit],
  );
  return rows.map((r) => r.value);
}
