// Local threat-intel store: indicators with a verdict and the feed they came from.
import type { Pool } from 'pg';
import type { FeedIoc, Ioc, IocType } from '../intel/ioc';

export async function addIocs(db: Pool, iocs: Ioc[]): Promise<void> {
  for (const i of iocs) {
    await db.query(
      `INSERT INTO iocs (type, value, verdict, source, description) VALUES ($1, lower($2), $3, $4, $5)
       ON CONFLICT (type, value) DO UPDATE SET verdict = EXCLUDED.verdict, source = EXCLUDED.source, description = EXCLUDED.description`,
      [i.type, i.value, i.verdict, i.source, i.description ?? null],
    );
  }
}

/** Every stored, unexpired (as of `now`) indicator matching one of the given values. */
export async function lookupIocs(db: Pool, candidates: { type: IocType; value: string }[], now: Date = new Date()): Promise<Ioc[]> {
  if (candidates.length === 0) return [];
  const { rows } = await db.query<Ioc>(
    `SELECT i.type, i.value, i.verdict, i.source, i.description
     FROM iocs i JOIN unnest($1::text[], $2::text[]) AS c(type, value) ON i.type = c.type AND i.value = lower(c.value)
     WHERE i.expires_at IS NULL OR i.expires_at > $3
     ORDER BY i.type, i.value`,
    [candidates.map((c) => c.type), candidates.map((c) => c.value), now],
  );
  return rows;
}

export async function pruneExpiredIocs(pool: Pool, now: Date = new Date()): Promise<number> {
  const { rowCount } = await pool.query('DELETE FROM iocs WHERE expires_at IS NOT NULL AND expires_at <= $1', [now]);
  return rowCount ?? 0;
}

/** Inserts or updates a feed's indicators in one statement; counts what was new and what changed. */
export async function upsertFeedIocs(pool: Pool, iocs: FeedIoc[], source: string, now: Date): Promise<{ added: number; updated: number }> {
  const { rows } = await pool.query<{ inserted: boolean }>(
    `INSERT INTO iocs AS i (type, value, verdict, source, description, tags, expires_at, external_id, updated_at)
     SELECT t.type, t.value, t.verdict, $8, t.description, ARRAY(SELECT jsonb_array_elements_text(t.tags::jsonb)), t.expires_at, t.external_id, $9
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[])
       AS t(type, value, verdict, description, tags, expires_at, external_id)
     ON CONFLICT (type, value) DO UPDATE SET verdict = EXCLUDED.verdict, source = EXCLUDED.source,
       description = EXCLUDED.description, tags = EXCLUDED.tags, expires_at = EXCLUDED.expires_at,
       external_id = EXCLUDED.external_id, updated_at = EXCLUDED.updated_at
     WHERE (i.verdict, i.source, i.description, i.tags, i.expires_at, i.external_id)
       IS DISTINCT FROM (EXCLUDED.verdict, EXCLUDED.source, EXCLUDED.description, EXCLUDED.tags, EXCLUDED.expires_at, EXCLUDED.external_id)
     RETURNING (xmax = 0) AS inserted`,
    [
      iocs.map((i) => i.type),
      iocs.map((i) => i.value),
      iocs.map((i) => i.verdict),
      iocs.map((i) => i.description ?? null),
      iocs.map((i) => JSON.stringify(i.tags)),
      iocs.map((i) => i.expiresAt ?? null),
      iocs.map((i) => i.externalId ?? null),
      source,
      now,
    ],
  );
  const added = rows.filter((r) => r.inserted).length;
  return { added, updated: rows.length - added };
}
