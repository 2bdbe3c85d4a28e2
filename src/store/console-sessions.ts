// Console sessions (see migration 017): rows keyed by the sha256 of the cookie's id. A session
// lives while it is used: one idle longer than idleMs, or older than maxAgeMs, is gone.
import type { Pool } from 'pg';

export interface SessionRow {
  token_sha256: string;
  csrf: string;
}

/** Stores a new session, and drops sessions that have ended meanwhile (nobody came back to them). */
export async function insertSession(
  db: Pool,
  s: { idSha256: string; tokenSha256: string; csrf: string },
  idleMs: number,
  maxAgeMs: number,
): Promise<void> {
  await db.query(
    `DELETE FROM console_sessions WHERE last_seen_at <= now() - ($1 || ' milliseconds')::interval OR created_at <= now() - ($2 || ' milliseconds')::interval`,
    [idleMs, maxAgeMs],
  );
  await db.query('INSERT INTO console_sessions (id_sha256, token_sha256, csrf) VALUES ($1, $2, $3)', [s.idSha256, s.tokenSha256, s.csrf]);
}

/** The live session, its idle clock restarted; undefined (and deleted) once idle or too old. */
export async function touchSession(db: Pool, idSha256: string, idleMs: number, maxAgeMs: number): Promise<SessionRow | undefined> {
  const { rows } = await db.query<SessionRow>(
    `UPDATE console_sessions SET last_seen_at = now()
     WHERE id_sha256 = $1 AND last_seen_at > now() - ($2 || ' milliseconds')::interval
       AND created_at > now() - ($3 || ' milliseconds')::interval
     RETURNING token_sha256, csrf`,
    [idSha256, idleMs, maxAgeMs],
  );
  if (!rows[0]) await deleteSession(db, idSha256);
  return rows[0];
}

export async function deleteSession(db: Pool, idSha256: string): Promise<void> {
  await db.query('DELETE FROM console_sessions WHERE id_sha256 = $1', [idSha256]);
}
