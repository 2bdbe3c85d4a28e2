// Mail steps for phishing playbooks: the same message in other mailboxes, as other alerts saw it.
import { findMessageCopies as queryCopies, type MessageCopy } from '../store/message-copies';
import type { ActivityDeps } from './deps';

export interface FindMessageCopiesInput {
  workflowId: string;
  messageIds: string[];
}

/** Read-only and idempotent: other alerts' recipients of these Message-IDs. */
export async function findMessageCopies(deps: ActivityDeps, { workflowId, messageIds }: FindMessageCopiesInput): Promise<MessageCopy[]> {
  return queryCopies(deps.db, messageIds.slice(0, 20), workflowId);
}
