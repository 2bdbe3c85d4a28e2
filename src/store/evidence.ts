// Content-addressed evidence: bytes stored once under their sha256, linked to alerts.
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';

export interface EvidenceRef { sha256: string; kind: string; mediaType: string; sizeBytes: number }

export async function putEvidence(
  db: Pool, workflowId: string, kind: string, mediaType: string, content: Buffer,
): Promise<EvidenceRef> {
  const sha256 = createHash('sha256').update(content).digest('hex');
  await db.query(
    `INSERT INTO evidence (sha256, media_type, size_bytes, content) VALUES ($1, $2, $3, $4)
     ON CONFLICT (sha256) DO NOTHING`,
    [sha256, mediaType, content.length, content],
  );
  await db.query(
    'INSERT INTO alert_evidence (workflow_id, sha256, kind) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
    [workflowId, sha256, kind],
  );
  return { sha256, kind, mediaType, sizeBytes: content.length };
}

export async function getEvidence(db: Pool, sha256: string): Promise<Buffer | undefined> {
  return (await db.query<{ content: Buffer }>('SELECT content FROM evidence WHERE sha256 = $1', [sha256])).rows[0]?.content;
}
