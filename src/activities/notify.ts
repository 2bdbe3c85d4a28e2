// Announces an escalation on every configured channel, once per (alert, event, channel):
// the delivery row is written before sending and marked sent after, so a retried activity
// skips channels already done.
import type { Pool } from 'pg';
import type { Notification } from '../connectors/notifier';
import { getAlert } from '../store/alerts';
import { latestAssessment } from '../store/assessments';
import type { ActivityDeps } from './deps';

async function claim(db: Pool, workflowId: string, eventKey: string, channel: string): Promise<boolean> {
  await db.query(
    `INSERT INTO notifications (workflow_id, event_key, channel, status) VALUES ($1, $2, $3, 'sending') ON CONFLICT DO NOTHING`,
    [workflowId, eventKey, channel],
  );
  const { rows } = await db.query<{ status: string }>('SELECT status FROM notifications WHERE workflow_id = $1 AND event_key = $2 AND channel = $3', [workflowId, eventKey, channel]);
  return rows[0]?.status !== 'sent';
}

export async function notify(deps: ActivityDeps, input: { workflowId: string; event: 'escalated'; tier: string }): Promise<{ sent: string[] }> {
  if (deps.notifiers.length === 0) return { sent: [] };
  const row = await getAlert(deps.db, input.workflowId);
  const assessment = await latestAssessment(deps.db, input.workflowId);
  const n: Notification = {
    event: input.event, workflowId: input.workflowId, title: row?.title ?? input.workflowId, severity: row?.severity ?? 'unknown',
    score: row?.score ?? undefined, verdict: row?.verdict ?? undefined, tier: input.tier, summary: assessment?.assessment.summary,
    link: deps.workflowLink?.(input.workflowId),
  };
  const eventKey = `${input.event}:${input.tier}`;
  const sent: string[] = [];
  for (const notifier of deps.notifiers) {
    if (!await claim(deps.db, input.workflowId, eventKey, notifier.channel)) continue;
    await notifier.send(n, `${input.workflowId}:${eventKey}:${notifier.channel}`);
    await deps.db.query(`UPDATE notifications SET status = 'sent', sent_at = now() WHERE workflow_id = $1 AND event_key = $2 AND channel = $3`,
      [input.workflowId, eventKey, notifier.channel]);
    sent.push(notifier.channel);
  }
  return { sent };
}
