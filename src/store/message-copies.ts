// Where else a mail message was seen: every mailbox that another alert (a user report, a
// gateway detection) names as a recipient of the same Message-ID. The containment of a
// reported phish reaches those mailboxes too.
import type { Pool } from 'pg';

export interface MessageCopy {
  workflowId: string;
  recipient: string;
  messageId: string;
}

/** At most `limit` (alert, recipient) pairs for these Message-IDs, other than `exceptWorkflowId`'s own. */
export async function findMessageCopies(db: Pool, messageIds: string[], exceptWorkflowId: string, limit = 200): Promise<MessageCopy[]> {
  if (messageIds.length === 0) return [];
  const { rows } = await db.query<{ workflow_id: string; recipient: string; message_id: string }>(
    `SELECT a.workflow_id, lower(r.recipient) AS recipient, e->>'messageId' AS message_id
       FROM alerts a
       CROSS JOIN LATERAL jsonb_array_elements(a.alert->'observables'->'emails') e
       CROSS JOIN LATERAL jsonb_array_elements_text(COALESCE(e->'to', '[]'::jsonb)) r(recipient)
      WHERE e->>'messageId' = ANY($1::text[]) AND a.workflow_id <> $2
      ORDER BY a.received_at, a.workflow_id
      LIMIT $3`,
    [messageIds, exceptWorkflowId, limit],
  );
  return rows.map((r) => ({ workflowId: r.workflow_id, recipient: r.recipient, messageId: r.message_id }));
}
