// Who did what through the API, and how it ended. Never holds secrets or request bodies.
import type { Pool } from 'pg';

export async function auditApiCall(
  db: Pool,
  e: { actor: string; action: string; target?: string; outcome: string; detail?: Record<string, unknown> },
): Promise<void> {
  await db.query('INSERT INTO audit_log (actor, action, target, outcome, detail) VALUES ($1, $2, $3, $4, $5)', [
    e.actor,
    e.action,
    e.target ?? null,
    e.outcome,
    JSON.stringify(e.detail ?? {}),
  ]);
}
