// Analyzer results by (analyzer, version, object sha256). Errors are never cached: a
// failed analysis is retried on the next alert that carries the same object.
import type { Pool } from 'pg';
import type { Finding } from '../domain/finding';

export interface CacheKey { analyzer: string; version: string; objectSha256: string }

export async function cachedFinding(db: Pool, k: CacheKey): Promise<Finding | undefined> {
  return (await db.query<{ finding: Finding }>(
    'SELECT finding FROM analysis_cache WHERE analyzer = $1 AND analyzer_version = $2 AND object_sha256 = $3',
    [k.analyzer, k.version, k.objectSha256],
  )).rows[0]?.finding;
}

export async function cacheFinding(db: Pool, k: CacheKey, finding: Finding): Promise<void> {
  if (finding.error) return;
  await db.query(
    `INSERT INTO analysis_cache (analyzer, analyzer_version, object_sha256, finding) VALUES ($1, $2, $3, $4)
     ON CONFLICT DO NOTHING`,
    [k.analyzer, k.version, k.objectSha256, JSON.stringify(finding)],
  );
}
