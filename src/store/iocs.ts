// Local threat-intel store: indicators with a verdict and the feed they came from.
import type { Pool } from 'pg';

export type IocType = 'ip' | 'domain' | 'url' | 'hash' | 'email';
export interface Ioc { type: IocType; value: string; verdict: 'malicious' | 'suspicious' | 'benign'; source: string; description?: string }

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
