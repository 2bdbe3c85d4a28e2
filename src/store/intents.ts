// Intents: the record a side effect writes before it happens (pending) and settles after
// (done), keyed by its idempotency key. An attempt that finds its intent already pending
// follows an earlier attempt that may have acted and crashed before settling: it must not
// act again blindly. It settles the intent as unknown (not repeated) unless the connector can
// ask the other system, or its call has no effect outside autosoc.
import type { Pool } from 'pg';

export type IntentState = 'pending' | 'done' | 'unknown';
/** createdAt: when the first attempt recorded the intent (ISO), before any call it made. */
export type IntentClaim = { fresh: true } | { fresh: false; state: IntentState; detail: string | null; createdAt: string };

/** Writes the intent if it is new. fresh: this attempt is the first and may act. */
export async function claimIntent(db: Pool, key: string, kind: string): Promise<IntentClaim> {
  const inserted = await db.query(`INSERT INTO intents (key, kind, state) VALUES ($1, $2, 'pending') ON CONFLICT (key) DO NOTHING`, [
    key,
    kind,
  ]);
  if (inserted.rowCount === 1) return { fresh: true };
  const { rows } = await db.query<{ state: IntentState; detail: string | null; created_at: Date }>(
    'SELECT state, detail, created_at FROM intents WHERE key = $1',
    [key],
  );
  return { fresh: false, state: rows[0].state, detail: rows[0].detail, createdAt: rows[0].created_at.toISOString() };
}

export async function settleIntent(db: Pool, key: string, state: 'done' | 'unknown', detail?: string): Promise<void> {
  await db.query('UPDATE intents SET state = $2, detail = $3, updated_at = now() WHERE key = $1', [key, state, detail ?? null]);
}

/** The call failed outright (the other system refused or was not reached): a retry may act. */
export async function releaseIntent(db: Pool, key: string): Promise<void> {
  await db.query(`DELETE FROM intents WHERE key = $1 AND state = 'pending'`, [key]);
}

/** Runs call under a fresh intent: a thrown call releases it; success is left for the caller to settle. */
export async function actOnce<T>(db: Pool, key: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    await releaseIntent(db, key);
    throw err;
  }
}

/** What a retry records when an earlier attempt may have acted and the other system cannot be asked. */
export const NOT_REPEATED = 'an earlier attempt stopped after the call and before recording it; not repeated (check the other system)';
