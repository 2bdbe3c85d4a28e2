// The benign files a generated YARA rule must not match: folders of known-good files (the
// public corpus, a gold image's binaries), the file evidence of alerts triage judged benign, and
// the sha256s the similarity catalogue lists as benign (it stores hashes, not bytes).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Pool } from 'pg';

export interface BenignFiles {
  files: { name: string; bytes: Buffer }[];
  /** Known-benign sha256s whose bytes we may not have. */
  sha256s: Set<string>;
}

/** Bounds on what one export reads: files per folder walk, bytes per file, bytes in all. */
export const BENIGN_LIMITS = { maxFiles: 20_000, maxFileBytes: 64 * 1024 * 1024, maxTotalBytes: 1024 * 1024 * 1024, maxDepth: 12 };

export const emptyBenignFiles = (): BenignFiles => ({ files: [], sha256s: new Set() });

function addFile(into: BenignFiles, name: string, bytes: Buffer): void {
  into.files.push({ name, bytes });
  into.sha256s.add(createHash('sha256').update(bytes).digest('hex'));
}

/** Every regular file under the folders (symlinks not followed), within BENIGN_LIMITS. */
export function benignFilesFromFolders(dirs: readonly string[], into: BenignFiles = emptyBenignFiles()): BenignFiles {
  let total = into.files.reduce((n, f) => n + f.bytes.length, 0);
  const walk = (dir: string, depth: number) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (into.files.length >= BENIGN_LIMITS.maxFiles) return;
      const path = join(dir, entry.name);
      if (entry.isDirectory() && depth < BENIGN_LIMITS.maxDepth) walk(path, depth + 1);
      if (!entry.isFile()) continue;
      const size = statSync(path).size;
      if (size === 0 || size > BENIGN_LIMITS.maxFileBytes || total + size > BENIGN_LIMITS.maxTotalBytes) continue;
      addFile(into, path, readFileSync(path));
      total += size;
    }
  };
  for (const dir of dirs) walk(resolve(dir), 0);
  return into;
}

/** File evidence of alerts judged benign, and the catalogue's benign sha256s. */
export async function benignFilesFromStore(db: Pool, into: BenignFiles = emptyBenignFiles()): Promise<BenignFiles> {
  const evidence = await db.query<{ sha256: string; content: Buffer }>(
    `SELECT DISTINCT e.sha256, e.content FROM evidence e
       JOIN alert_evidence l ON l.sha256 = e.sha256 JOIN alerts a ON a.workflow_id = l.workflow_id
     WHERE a.verdict = 'benign' AND l.kind IN ('file', 'sample') AND e.size_bytes <= $1
     ORDER BY e.sha256 LIMIT $2`,
    [BENIGN_LIMITS.maxFileBytes, BENIGN_LIMITS.maxFiles],
  );
  for (const r of evidence.rows) addFile(into, `evidence:${r.sha256}`, r.content);
  const catalogue = await db.query<{ sha256: string }>(
    "SELECT DISTINCT sha256 FROM similarity_catalogue WHERE verdict = 'benign' AND sha256 IS NOT NULL",
  );
  for (const r of catalogue.rows) into.sha256s.add(r.sha256);
  return into;
}

/** The incident's file samples from the store: evidence of kind file or sample linked to its alert. */
export async function samplesFromStore(db: Pool, workflowId: string): Promise<{ name: string; bytes: Buffer }[]> {
  const { rows } = await db.query<{ sha256: string; content: Buffer }>(
    `SELECT e.sha256, e.content FROM alert_evidence l JOIN evidence e ON e.sha256 = l.sha256
     WHERE l.workflow_id = $1 AND l.kind IN ('file', 'sample') ORDER BY e.stored_at, e.sha256`,
    [workflowId],
  );
  return rows.map((r) => ({ name: r.sha256, bytes: r.content }));
}
