// Fuzzy hashes of evidence objects, computed once per object and hashing version.
import type { Pool } from 'pg';
import type { SampleHashes } from '../analyzers/similarity/neighbours';

export async function getObjectHashes(db: Pool, objectSha256: string, version: string): Promise<SampleHashes | undefined> {
  return (
    await db.query<{ hashes: SampleHashes }>('SELECT hashes FROM object_hashes WHERE object_sha256 = $1 AND version = $2', [
      objectSha256,
      version,
    ])
  ).rows[0]?.hashes;
}

export async function saveObjectHashes(db: Pool, objectSha256: string, version: string, hashes: SampleHashes): Promise<void> {
  await db.query('INSERT INTO object_hashes (object_sha256, version, hashes) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
    objectSha256,
    version,
    JSON.stringify(hashes),
  ]);
}

/** The stored hashes of an object, else `compute()`'s, stored for the next alert that brings it. */
export async function objectHashes(
  db: Pool,
  objectSha256: string,
  version: string,
  compute: () => SampleHashes | Promise<SampleHashes>,
): Promise<SampleHashes> {
  const stored = await getObjectHashes(db, objectSha256, version);
  if (stored) return stored;
  const hashes = await compute();
  await saveObjectHashes(db, objectSha256, version, hashes);
  return hashes;
}
