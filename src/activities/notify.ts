// Announces an escalation on every configured channel, at most once per (alert, event,
// channel): the delivery row is written before sending and marked sent after, so a retried
// activity skips channels already done and never resends one it may have sent.
import type { Pool } from 'pg';
import { type Notification, type Notifier, NotifierRejected } from '../connectors/notifier';
import { getAlertHeadline } from '../store/alerts';
import { NOT_REPEATED } from '../store/intents';
import type { ActivityDeps } from './deps';

/**
 * The delivery row is the notification's intent, written before sending: first time (or after
 * a send that failed outright), send. Found already 'sending': an earlier attempt may have delivered and crashed before
 * marking it; a webhook or a Slack post cannot be asked, so it is marked unknown, not resent; a
 * channel that dedupes by itself (a ticket system, searched by correlation id) is called again.
 */
async function claim(db: Pool, workflowId: string, eventKey: string, notifier: Notifier): Promise<boolean> {
  const { channel } = notifier;
  // A send that failed outright (the receiver refused or could not be reached) may be retried.
  const inserted = await db.query(
    `INSERT INTO notifications (workflow_id, event_key, channel, status) VALUES ($1, $2, $3, 'sending')
     ON CONFLICT (workflow_id, event_key, channel) DO UPDATE SET status = 'sending', detail = NULL WHERE notifications.status = 'failed'`,
    [workflowId, eventKey, channel],
  );
  if (inserted.rowCount === 1) return true;
  if (notifier.dedupes) {
    const { rowCount } = await db.query(
      `SELECT 1 FROM notifications WHERE workflow_id = $1 AND event_key = $2 AND channel = $3 AND status = 'sending'`,
      [workflowId, eventKey, channel],
    );
    return rowCount === 1;
  }
  await db.query(
    `UPDATE notifications SET status = 'unknown', detail = $4 WHERE workflow_id = $1 AND event_key = $2 AND channel = $3 AND status = 'sending'`,
    [workflowId, eventKey, channel, NOT_REPEATED],
  );
  return false;
}

/**
 * `escalated`: the alert went to `tier`. `resolved`: a notice for `recipient` (e.g. the reporter
 * of a phish) with its `outcome`. `undo_failed`: a compensation of the response saga exceeded
 * its attempts (`key`: the action, `detail`: the vendor's error); it is retried on.
 */
export interface NotifyInput {
  workflowId: string;
  event: Notification['event'];
  tier: string;
  recipient?: string;
  outcome?: string;
  key?: string;
  detail?: string;
}

export async function notify(deps: ActivityDeps, input: NotifyInput): Promise<{ sent: string[] }> {
  if (deps.notifiers.length === 0) return { sent: [] };
  const row = await getAlertHeadline(deps.db, input.workflowId);
  const n: Notification = {
    event: input.event,
    workflowId: input.workflowId,
    title: row?.title ?? input.workflowId,
    severity: row?.severity ?? 'unknown',
    score: row?.score ?? undefined,
    verdict: row?.verdict ?? undefined,
    tier: input.tier,
    summary: row?.summary ?? undefined,
    link: deps.workflowLink?.(input.workflowId),
    reasons: row?.reasons ?? undefined,
    observables: row?.observables ?? undefined,
    slaBreached: row?.slaBreached ?? false,
    ...(input.recipient ? { recipient: input.recipient } : {}),
    ...(input.outcome ? { outcome: input.outcome } : {}),
    ...(input.detail ? { detail: input.detail } : {}),
  };
  const eventKey = `${input.event}:${input.key ?? input.tier}`;
  const sent: string[] = [];
  for (const notifier of deps.notifiers) {
    if (!(await claim(deps.db, input.workflowId, eventKey, notifier))) continue;
    try {
      await notifier.send(n, `${input.workflowId}:${eventKey}:${notifier.channel}`);
    } catch (err) {
      await deps.db.query(
        `UPDATE notifications SET status = 'failed', detail = $4 WHERE workflow_id = $1 AND event_key = $2 AND channel = $3`,
        [input.workflowId, eventKey, notifier.channel, (err as Error).message.slice(0, 500)],
      );
      if (err instanceof NotifierRejected) continue;
      throw err;
    }
    await deps.db.query(
      `UPDATE notifications SET status = 'sent', sent_at = now() WHERE workflow_id = $1 AND event_key = $2 AND channel = $3`,
      [input.workflowId, eventKey, notifier.channel],
    );
    sent.push(notifier.channel);
  }
  return { sent };
}
