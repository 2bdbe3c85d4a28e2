// The TAXII collection's objects (migration 016b): added once each, read in the order they
// were added. Pages are keyed by seq, which grows with date_added, so a page boundary never
// skips or repeats an object however many share a timestamp.
import type { Pool, PoolClient } from 'pg';

export interface TaxiiObjectRow {
  seq: number;
  object: Record<string, unknown>;
  version: string;
  dateAdded: string;
}
export interface TaxiiFilter {
  /** Only objects added strictly after this RFC 3339 time (passed to PostgreSQL as written: microseconds kept). */
  addedAfter?: string;
  /** Only objects after this seq (a `next` token). */
  afterSeq?: number;
  ids?: string[];
  types?: string[];
  versions?: string[];
  limit: number;
}

// RFC 3339 in UTC with microseconds, as TAXII 2.1 section 1.6.4 timestamps.
const DATE_ADDED = `to_char(date_added AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Adds the objects that are not in the collection yet; returns how many were new. */
export async function addTaxiiObjects(
  db: Pool | PoolClient,
  collection: string,
  objects: (Record<string, unknown> & { id: string; type: string })[],
): Promise<number> {
  let added = 0;
  for (const o of objects) {
    const version = String(o.modified ?? o.created ?? '1970-01-01T00:00:00.000Z');
    const r = await db.query(
      `INSERT INTO taxii_objects (collection, object_id, object_type, version, spec_version, object) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (collection, object_id) DO NOTHING`,
      [collection, o.id, o.type, version, String(o.spec_version ?? '2.1'), JSON.stringify(o)],
    );
    added += r.rowCount ?? 0;
  }
  return added;
}

/** One page of objects in the order they were added, and whether more follow. */
export async function listTaxiiObjects(db: Pool, collection: string, f: TaxiiFilter): Promise<{ rows: TaxiiObjectRow[]; more: boolean }> {
  const { rows } = await db.query<{ seq: string; object: Record<string, unknown>; version: string; date_added: string }>(
    `SELECT seq, object, version, ${DATE_ADDED} AS date_added FROM taxii_objects
     WHERE collection = $1 AND ($2::timestamptz IS NULL OR date_added > $2::timestamptz) AND ($3::bigint IS NULL OR seq > $3)
       AND ($4::text[] IS NULL OR object_id = ANY($4)) AND ($5::text[] IS NULL OR object_type = ANY($5))
       AND ($6::text[] IS NULL OR version = ANY($6))
     ORDER BY seq LIMIT $7`,
    [collection, f.addedAfter ?? null, f.afterSeq ?? null, f.ids ?? null, f.types ?? null, f.versions ?? null, f.limit + 1],
  );
  return {
    rows: rows.slice(0, f.limit).map((r) => ({ seq: Number(r.seq), object: r.object, version: r.version, dateAdded: r.date_added })),
    more: rows.length > f.limit,
  };
}

export async function countTaxiiObjects(db: Pool, collection: string): Promise<number> {
  return Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM taxii_objects WHERE collection = $1', [collection])).rows[0].n);
}
