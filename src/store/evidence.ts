// Content-addressed evidence: bytes stored once under their sha256, linked to alerts.
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { EvidenceRef } from '../domain/alert';

export type { EvidenceRef } from '../domain/alert';

/** Stores the bytes (once per sha256) and returns their reference. */
export async function storeEvidence(
  db: Pool,
  blob: { kind: string; mediaType: string; name?: string; content: Uint8Array },
): Promise<EvidenceRef> {
  const content = Buffer.from(blob.content.buffer, blob.content.byteOffset, blob.content.byteLength);
  const sha256 = createHash('sha256').update(content).digest('hex');
  // The first media type stored for these bytes stays; the reference reports what is stored.
  const { rows } = await db.query<{ media_type: string }>(
    `INSERT INTO evidence (sha256, media_type, size_bytes, content) VALUES ($1, $2, $3, $4)
     ON CONFLICT (sha256) DO UPDATE SET sha256 = EXCLUDED.sha256
     RETURNING media_type`,
    [sha256, blob.mediaType, content.length, content],
  );
  return { sha256, kind: blob.kind, mediaType: rows[0].media_type, sizeBytes: content.length, ...(blob.name ? { name: blob.name } : {}) };
}

export async function linkEvidence(db: Pool, workflowId: string, ref: EvidenceRef): Promise<void> {
  await db.query('INSERT INTO alert_evidence (workflow_id, sha256, kind) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
    workflowId,
    ref.sha256,
    ref.kind,
  ]);
}

export async function getEvidence(db: Pool, sha256: string): Promise<Buffer | undefined> {
  return (await db.query<{ content: Buffer }>('SELECT content FROM evidence WHERE sha256 = $1', [sha256])).rows[0]?.content;
}

/** The evidence linked to an alert, oldest first. */
export async function listAlertEvidence(db: Pool, workflowId: string): Promise<EvidenceRef[]> {
  return (
    await db.query<{ sha256: string; kind: string; media_type: string; size_bytes: string }>(
      `SELECT e.sha256, l.kind, e.media_type, e.size_bytes::text FROM alert_evidence l JOIN evidence e ON e.sha256 = l.sha256
     WHERE l.workflow_id = $1 ORDER BY e.stored_at, e.sha256`,
      [workflowId],
    )
  ).rows.map((r) => ({ sha256: r.sha256, kind: r.kind, mediaType: r.media_type, sizeBytes: Number(r.size_bytes) }));
}

export async function isEvidenceLinked(db: Pool, workflowId: string, sha256: string): Promise<boolean> {
  return ((await db.query('SELECT 1 FROM alert_evidence WHERE workflow_id = $1 AND sha256 = $2', [workflowId, sha256])).rowCount ?? 0) > 0;
}
