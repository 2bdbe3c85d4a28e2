// Analyzer results by (analyzer, version, object sha256), with the references of objects
// found inside. Errors are never cached: a failed analysis is retried on the next alert that
// carries the same object.
import type { Pool } from 'pg';
import type { EvidenceRef } from '../domain/alert';
import type { Finding } from '../domain/finding';

export interface CacheKey {
  analyzer: string;
  version: string;
  objectSha256: string;
}
export type ChildRef = EvidenceRef & { path: string };
export interface CachedAnalysis {
  finding: Finding;
  children: ChildRef[];
}

export async function cachedAnalysis(db: Pool, k: CacheKey): Promise<CachedAnalysis | undefined> {
  return (
    await db.query<CachedAnalysis>(
      'SELECT finding, children FROM analysis_cache WHERE analyzer = $1 AND analyzer_version = $2 AND object_sha256 = $3',
      [k.analyzer, k.version, k.objectSha256],
    )
  ).rows[0];
}

export async function cacheAnalysis(db: Pool, k: CacheKey, a: CachedAnalysis): Promise<void> {
  if (a.finding.error) return;
  await db.query(
    `INSERT INTO analysis_cache (analyzer, analyzer_version, object_sha256, finding, children) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT DO NOTHING`,
    [k.analyzer, k.version, k.objectSha256, JSON.stringify(a.finding), JSON.stringify(a.children)],
  );
}
