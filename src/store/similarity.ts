// The similarity catalogue table: reference samples the similarity analyzer compares with.
import type { Pool } from 'pg';
import type { CatalogueEntry, CatalogueEntryInput } from '../analyzers/similarity/catalogue';
import type { SampleHashes } from '../analyzers/similarity/neighbours';

const BATCH = 1000;
/** Most candidates one lookup returns; the analyzer scans them linearly (see neighbours.ts). */
export const MAX_CANDIDATES = 50_000;

const key = (e: CatalogueEntryInput) => JSON.stringify([e.source, e.label, e.sha256, e.ssdeep, e.tlsh, e.imphash]);

/**
 * Adds entries in one transaction. An entry equal in source, label and hashes to a stored one
 * updates its verdict and family instead of adding a row, so re-importing a file is harmless.
 */
export async function addCatalogueEntries(
  db: Pool,
  entries: readonly CatalogueEntryInput[],
): Promise<{ inserted: number; updated: number; unchanged: number }> {
  // The last of several rows with one key wins (one statement may not update a row twice).
  const unique = [...new Map(entries.map((e) => [key(e), e])).values()];
  const client = await db.connect();
  let inserted = 0;
  let updated = 0;
  try {
    await client.query('BEGIN');
    for (let i = 0; i < unique.length; i += BATCH) {
      const batch = unique.slice(i, i + BATCH);
      const col = (f: (e: CatalogueEntryInput) => string | undefined) => batch.map((e) => f(e) ?? null);
      const { rows } = await client.query<{ inserted: boolean }>(
        `INSERT INTO similarity_catalogue (label, verdict, family, source, sha256, ssdeep, tlsh, imphash)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
         ON CONFLICT (source, label, sha256, ssdeep, tlsh, imphash) DO UPDATE
           SET verdict = EXCLUDED.verdict, family = EXCLUDED.family
           WHERE (similarity_catalogue.verdict, similarity_catalogue.family) IS DISTINCT FROM (EXCLUDED.verdict, EXCLUDED.family)
         RETURNING (xmax = 0) AS inserted`,
        [
          col((e) => e.label),
          col((e) => e.verdict),
          col((e) => e.family),
          col((e) => e.source),
          col((e) => e.sha256),
          col((e) => e.ssdeep),
          col((e) => e.tlsh),
          col((e) => e.imphash),
        ],
      );
      for (const r of rows)
        if (r.inserted) inserted++;
        else updated++;
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  return { inserted, updated, unchanged: entries.length - inserted - updated };
}

interface Row {
  id: string;
  label: string;
  verdict: CatalogueEntry['verdict'];
  family: string | null;
  source: string;
  sha256: string | null;
  ssdeep: string | null;
  tlsh: string | null;
  imphash: string | null;
  added_at: Date;
}

const toEntry = (r: Row): CatalogueEntry => ({
  id: Number(r.id),
  label: r.label,
  verdict: r.verdict,
  family: r.family ?? undefined,
  source: r.source,
  sha256: r.sha256 ?? undefined,
  ssdeep: r.ssdeep ?? undefined,
  tlsh: r.tlsh ?? undefined,
  imphash: r.imphash ?? undefined,
  addedAt: r.added_at,
});

/** ssdeep can only compare block sizes equal or a factor of two apart. */
function comparableBlockSizes(ssdeep: string | undefined): string[] {
  const bs = Number(ssdeep?.split(':', 1)[0]);
  if (!Number.isSafeInteger(bs) || bs <= 0) return [];
  return [bs % 2 === 0 ? String(bs / 2) : undefined, String(bs), String(bs * 2)].filter((v): v is string => !!v);
}

/**
 * Entries that could match the sample: same sha256 or imphash (indexed), an ssdeep of a
 * comparable block size, or any TLSH (distance needs a scan). Oldest first, at most `limit`.
 */
export async function listCatalogueCandidates(db: Pool, sample: SampleHashes, limit = MAX_CANDIDATES): Promise<CatalogueEntry[]> {
  const { rows } = await db.query<Row>(
    `SELECT id, label, verdict, family, source, sha256, ssdeep, tlsh, imphash, added_at
     FROM similarity_catalogue
     WHERE sha256 = $1 OR imphash = $2 OR ($3 AND tlsh IS NOT NULL) OR split_part(ssdeep, ':', 1) = ANY($4::text[])
     ORDER BY id LIMIT $5`,
    [
      sample.sha256?.toLowerCase() ?? null,
      sample.imphash?.toLowerCase() ?? null,
      !!sample.tlsh,
      comparableBlockSizes(sample.ssdeep),
      Math.min(limit, MAX_CANDIDATES),
    ],
  );
  return rows.map(toEntry);
}
