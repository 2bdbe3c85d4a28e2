// One ticket per case (migration 024): the row is written before the ticket system is called.
import type { Pool } from 'pg';

export interface TicketRow {
  workflow_id: string;
  system: string;
  correlation_id: string;
  external_id: string | null;
  external_key: string | null;
  state: string;
  event_key: string;
}

/** The case's ticket row, written now as an intent if it was not there. */
export async function claimTicket(
  db: Pool,
  t: { workflowId: string; system: string; correlationId: string; eventKey: string },
): Promise<TicketRow> {
  await db.query(
    `INSERT INTO tickets (workflow_id, system, correlation_id, state, event_key) VALUES ($1, $2, $3, 'creating', $4) ON CONFLICT (workflow_id) DO NOTHING`,
    [t.workflowId, t.system, t.correlationId, t.eventKey],
  );
  return (await db.query<TicketRow>('SELECT * FROM tickets WHERE workflow_id = $1', [t.workflowId])).rows[0];
}

export async function recordTicket(db: Pool, workflowId: string, ref: { id: string; key: string; url?: string }): Promise<void> {
  await db.query(
    `UPDATE tickets SET external_id = $2, external_key = $3, url = $4, state = 'open', updated_at = now() WHERE workflow_id = $1`,
    [workflowId, ref.id, ref.key, ref.url ?? null],
  );
}

export async function ticketByExternalId(db: Pool, system: string, externalId: string): Promise<TicketRow | undefined> {
  return (await db.query<TicketRow>('SELECT * FROM tickets WHERE system = $1 AND external_id = $2', [system, externalId])).rows[0];
}

export async function markTicketClosed(db: Pool, workflowId: string): Promise<void> {
  await db.query(`UPDATE tickets SET state = 'closed', updated_at = now() WHERE workflow_id = $1`, [workflowId]);
}

/** First delivery of a webhook event: true; a redelivery: false. */
export async function claimTicketEvent(
  db: Pool,
  e: { system: string; eventId: string; workflowId: string; kind: string },
): Promise<boolean> {
  const r = await db.query(
    `INSERT INTO ticket_events (system, event_id, workflow_id, kind) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
    [e.system, e.eventId, e.workflowId, e.kind],
  );
  return r.rowCount === 1;
}

/** An event whose handling failed outright: its redelivery may try again. */
export async function releaseTicketEvent(db: Pool, system: string, eventId: string): Promise<void> {
  await db.query('DELETE FROM ticket_events WHERE system = $1 AND event_id = $2', [system, eventId]);
}

export async function ticketOf(db: Pool, workflowId: string): Promise<TicketRow | undefined> {
  return (await db.query<TicketRow>('SELECT * FROM tickets WHERE workflow_id = $1', [workflowId])).rows[0];
}

/** The intent autosoc writes before it resolves a case's ticket (a decision made elsewhere). */
export const ticketResolveKey = (workflowId: string) => `${workflowId}:ticket-resolve`;

/**
 * Whether the ticket's close needs no decision: it was closed from the ticket side already
 * (webhook or poller, state closed) or autosoc is closing it (its resolve intent exists, so the
 * close a webhook or the poller reports is autosoc's own echo).
 */
export async function ticketCloseSettled(db: Pool, workflowId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `SELECT 1 FROM tickets WHERE workflow_id = $1 AND state = 'closed' UNION ALL SELECT 1 FROM intents WHERE key = $2`,
    [workflowId, ticketResolveKey(workflowId)],
  );
  return (rowCount ?? 0) > 0;
}
