// The edr_fetches table: one row per (workflow, connector, host, path). It remembers the
// remote command a fetch started (so a retry resumes it) and the evidence it produced (so
// a retry after success runs nothing remotely).
import type { Pool } from 'pg';
import type { EvidenceRef } from './evidence';
import type { EdrConnectorName } from '../connectors/edr/types';

export interface EdrFetchKey {
  workflowId: string;
  connector: EdrConnectorName;
  hostId: string;
  path: string;
}

export interface EdrFetchRecord {
  state: 'started' | 'done' | 'failed';
  remoteRef?: Record<string, unknown>;
  evidence?: EvidenceRef;
  error?: string;
}

/** Readable and unambiguous: JSON of the four parts. */
export const edrIdempotencyKey = (k: EdrFetchKey): string => JSON.stringify([k.workflowId, k.connector, k.hostId, k.path]);

interface Row {
  state: EdrFetchRecord['state'];
  remote_ref: Record<string, unknown> | null;
  evidence: EvidenceRef | null;
  error: string | null;
}

/** The row for this key, created in state 'started' when there was none. */
export async function claimEdrFetch(db: Pool, key: string, k: EdrFetchKey): Promise<EdrFetchRecord> {
  await db.query(
    `INSERT INTO edr_fetches (idempotency_key, workflow_id, connector, host_id, path, state)
     VALUES ($1, $2, $3, $4, $5, 'started') ON CONFLICT (idempotency_key) DO NOTHING`,
    [key, k.workflowId, k.connector, k.hostId, k.path],
  );
  const row = (await db.query<Row>('SELECT state, remote_ref, evidence, error FROM edr_fetches WHERE idempotency_key = $1', [key])).rows[0];
  return {
    state: row.state,
    ...(row.remote_ref ? { remoteRef: row.remote_ref } : {}),
    ...(row.evidence ? { evidence: row.evidence } : {}),
    ...(row.error ? { error: row.error } : {}),
  };
}

export async function saveEdrRemoteRef(db: Pool, key: string, ref: Record<string, unknown>): Promise<void> {
  await db.query(`UPDATE edr_fetches SET remote_ref = $2, state = 'started', error = NULL, updated_at = now() WHERE idempotency_key = $1`, [
    key,
    JSON.stringify(ref),
  ]);
}

export async function completeEdrFetch(db: Pool, key: string, evidence: EvidenceRef): Promise<void> {
  await db.query(`UPDATE edr_fetches SET state = 'done', evidence = $2, error = NULL, updated_at = now() WHERE idempotency_key = $1`, [
    key,
    JSON.stringify(evidence),
  ]);
}

/** A failure that retrying will not fix: the remote ref is dropped so a new attempt starts afresh. */
export async function failEdrFetch(db: Pool, key: string, error: string): Promise<void> {
  await db.query(`UPDATE edr_fetches SET state = 'failed', remote_ref = NULL, error = $2, updated_at = now() WHERE idempotency_key = $1`, [
    key,
    error.slice(0, 2000),
  ]);
}
