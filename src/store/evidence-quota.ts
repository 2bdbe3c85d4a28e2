// The per-source daily quota of evidence bytes that analysis may store (migration 016).
import type { Pool } from 'pg';

/**
 * Adds `bytes` to the source's usage for today (UTC) when the total stays within `quota`, in
 * one statement so concurrent investigations never overshoot it. False: nothing was charged.
 */
export async function chargeSourceEvidence(db: Pool, source: string, bytes: number, quota: number): Promise<boolean> {
  if (bytes > quota) return false;
  const { rowCount } = await db.query(
    `INSERT INTO source_evidence_usage (source, day, stored_bytes) VALUES ($1, (now() AT TIME ZONE 'UTC')::date, $2)
     ON CONFLICT (source, day) DO UPDATE SET stored_bytes = source_evidence_usage.stored_bytes + EXCLUDED.stored_bytes
     WHERE source_evidence_usage.stored_bytes + EXCLUDED.stored_bytes <= $3`,
    [source, bytes, quota],
  );
  return (rowCount ?? 0) > 0;
}

export async function sourceEvidenceUsage(db: Pool, source: string): Promise<number> {
  const { rows } = await db.query<{ stored_bytes: string }>(
    `SELECT stored_bytes::text FROM source_evidence_usage WHERE source = $1 AND day = (now() AT TIME ZONE 'UTC')::date`,
    [source],
  );
  return Number(rows[0]?.stored_bytes ?? 0);
}
