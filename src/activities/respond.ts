// Stage 5: carry out approved containment through the configured connector, at most once per
// (alert, action, target) however often the activity is retried or crashes (intents).
import { ApplicationFailure } from '@temporalio/activity';
import type { ResponseAction } from '../domain/response';
import { actOnce, claimIntent, NOT_REPEATED, settleIntent } from '../store/intents';
import { listResponseActions, recordResponseAction, type ResponseActionRow } from '../store/response-actions';
import type { ActivityDeps } from './deps';

export interface RespondInput { workflowId: string; approvedBy: string; actions: ResponseAction[] }
export type RespondResult = (ResponseAction & { status: string })[];

export async function respond(deps: ActivityDeps, { workflowId, approvedBy, actions }: RespondInput): Promise<RespondResult> {
  if (!approvedBy) throw ApplicationFailure.nonRetryable('containment needs an approver', 'BadInput');
  const done = new Map((await listResponseActions(deps.db, workflowId)).map((r) => [`${r.kind}:${r.target}`, r]));
  const results: RespondResult = [];
  for (const action of actions) {
    const key = `${action.kind}:${action.target}`;
    let row: ResponseActionRow | undefined = done.get(key);
    if (!row) {
      const connector = deps.responders.find((c) => c.supports(action));
      if (!connector) throw ApplicationFailure.nonRetryable(`no connector supports ${action.kind}`, 'BadInput');
      const idempotencyKey = `${workflowId}:respond:${key}`;
      // The intent is written before the containment runs: a retry after a crash between the
      // two never runs it again, unless the connector's call has no effect outside autosoc.
      const intent = await claimIntent(deps.db, idempotencyKey, `respond:${connector.name}`);
      const outcome = intent.fresh || connector.afterCrash === 'repeat'
        ? await actOnce(deps.db, idempotencyKey, () => connector.execute(action, { workflowId, approvedBy, idempotencyKey }))
        : { status: 'unknown', detail: `${connector.name}: ${NOT_REPEATED}` };
      row = await recordResponseAction(deps.db, {
        workflow_id: workflowId, kind: action.kind, target: action.target, status: outcome.status,
        approved_by: approvedBy, connector: connector.name, detail: outcome.detail,
      });
      await settleIntent(deps.db, idempotencyKey, outcome.status === 'unknown' ? 'unknown' : 'done', outcome.detail ?? undefined);
    }
    results.push({ ...action, status: row.status });
  }
  return results;
}
