// Stage 5: carry out approved containment through the configured connector, at most once per
// (alert, action, target) however often the activity is retried or crashes (intents), and
// undo it (the saga's compensation) the same way. A retry that finds an intent pending asks
// the vendor (connector.check) before repeating the call.
import { ApplicationFailure } from '@temporalio/activity';
import type { ResponseConnector, ResponseContext, ResponseOutcome } from '../connectors/response-connector';
import { isConnectorError } from '../connectors/connector-http';
import type { ResponseAction } from '../domain/response';
import { actOnce, claimIntent, NOT_REPEATED, settleIntent } from '../store/intents';
import { listResponseActions, markResponseActionUndone, recordResponseAction, type ResponseActionRow } from '../store/response-actions';
import type { ActivityDeps } from './deps';
import { BAD_INPUT } from '../domain/error-types';

export interface RespondInput {
  workflowId: string;
  approvedBy: string;
  actions: ResponseAction[];
}
export type RespondResult = (ResponseAction & { status: string; detail?: string })[];

/** A vendor's refusal is the action's truthful outcome; an unavailable vendor is retried by Temporal. */
function refusalAsOutcome(connector: ResponseConnector) {
  return (err: unknown): ResponseOutcome => {
    if (isConnectorError(err) && err.kind !== 'unavailable') return { status: 'failed', detail: `${connector.name}: ${err.message}` };
    throw err;
  };
}

/**
 * Runs `call` at most once under the intent `key`; the caller settles it (settle) once the
 * outcome is on the action's row. A retry that finds the intent pending asks the vendor
 * (vendorAlready): when the wanted state holds, the call is not repeated.
 */
async function once(
  deps: ActivityDeps,
  key: string,
  connector: ResponseConnector,
  call: () => Promise<ResponseOutcome>,
  vendorAlready: ((since: string) => Promise<boolean>) | undefined,
  alreadyOutcome: ResponseOutcome,
): Promise<ResponseOutcome> {
  const intent = await claimIntent(deps.db, key, key.includes(':undo:') ? `undo:${connector.name}` : `respond:${connector.name}`);
  let outcome: ResponseOutcome;
  if (intent.fresh || connector.afterCrash === 'repeat') outcome = await actOnce(deps.db, key, call).catch(refusalAsOutcome(connector));
  else if (intent.state !== 'pending')
    outcome = { status: intent.state === 'unknown' ? 'unknown' : alreadyOutcome.status, detail: intent.detail ?? '' };
  else if (vendorAlready && (await vendorAlready(intent.createdAt))) outcome = alreadyOutcome;
  else if (vendorAlready) outcome = await actOnce(deps.db, key, call).catch(refusalAsOutcome(connector));
  else outcome = { status: 'unknown', detail: `${connector.name}: ${NOT_REPEATED}` };
  return outcome;
}

/** After the outcome is on the action's row (a retry reads the row first, so a crash in between loses nothing). */
const settle = (deps: ActivityDeps, key: string, outcome: ResponseOutcome) =>
  settleIntent(deps.db, key, outcome.status === 'unknown' ? 'unknown' : 'done', outcome.detail);

/** The connector named (the one that executed an action being undone), else the policy's route, else the first that supports it. */
function connectorFor(deps: ActivityDeps, action: ResponseAction, named?: string): ResponseConnector {
  const name = named ?? deps.responseRouting?.[action.kind];
  const connector = deps.responders.find((c) => (name === undefined || c.name === name) && c.supports(action));
  if (!connector) throw ApplicationFailure.nonRetryable(`no connector ${name ? `named ${name} ` : ''}supports ${action.kind}`, BAD_INPUT);
  return connector;
}

export async function respond(deps: ActivityDeps, { workflowId, approvedBy, actions }: RespondInput): Promise<RespondResult> {
  if (!approvedBy) throw ApplicationFailure.nonRetryable('containment needs an approver', BAD_INPUT);
  const done = new Map((await listResponseActions(deps.db, workflowId)).map((r) => [`${r.kind}:${r.target}`, r]));
  const results: RespondResult = [];
  for (const action of actions) {
    const key = `${action.kind}:${action.target}`;
    let row: ResponseActionRow | undefined = done.get(key);
    if (!row) {
      const connector = connectorFor(deps, action);
      const ctx: ResponseContext = { workflowId, approvedBy, idempotencyKey: `${workflowId}:respond:${key}` };
      // The intent is written before the containment runs: a retry after a crash between the
      // two asks the vendor, or (when it cannot be asked) does not run it again.
      const outcome = await once(
        deps,
        ctx.idempotencyKey,
        connector,
        () => connector.execute(action, ctx),
        connector.check && (async (since) => (await connector.check!(action, { ...ctx, intentSince: since })) === 'in-effect'),
        { status: 'executed', detail: `${connector.name}: already in effect at the vendor (an earlier attempt's call)` },
      );
      row = await recordResponseAction(deps.db, {
        workflow_id: workflowId,
        kind: action.kind,
        target: action.target,
        status: outcome.status,
        approved_by: approvedBy,
        connector: connector.name,
        detail: outcome.detail,
      });
      await settle(deps, ctx.idempotencyKey, outcome);
    }
    results.push({ ...action, status: row.status, ...(row.detail ? { detail: row.detail } : {}) });
  }
  return results;
}

export interface ResponseFailureInput {
  workflowId: string;
  action: ResponseAction;
  /** respond: the action never ran (approvedBy: who approved it); undo: its compensation never ran. */
  step: 'respond' | 'undo';
  approvedBy: string;
  /** The vendor's error, as the last attempt saw it. */
  detail: string;
}

/**
 * The saga gave up on an action (the vendor stayed unavailable through every attempt, or the
 * action was refused as bad input): its row says `failed` (or `undo failed`) with the error,
 * so the report and the SOC figures tell the truth. An outcome already on the row stands.
 */
export async function recordResponseFailure(
  deps: ActivityDeps,
  { workflowId, action, step, approvedBy, detail }: ResponseFailureInput,
): Promise<string> {
  if (step === 'undo') return markResponseActionUndone(deps.db, workflowId, action, { status: 'undo failed', detail });
  const connector = deps.responseRouting?.[action.kind] ?? deps.responders.find((c) => c.supports(action))?.name ?? 'none';
  const row = await recordResponseAction(deps.db, {
    workflow_id: workflowId,
    kind: action.kind,
    target: action.target,
    status: 'failed',
    approved_by: approvedBy,
    connector,
    detail,
  });
  return row.status;
}

export interface UndoInput {
  workflowId: string;
  requestedBy: string;
  actions: ResponseAction[];
}

/**
 * The compensation: reverses each executed action, in the order given (the saga passes them
 * in reverse), through the connector that executed it. Actions never executed are skipped;
 * a vendor refusal is thrown (retryable) so the saga retries and, past its budget, escalates.
 */
export async function undoResponse(deps: ActivityDeps, { workflowId, requestedBy, actions }: UndoInput): Promise<RespondResult> {
  if (!requestedBy) throw ApplicationFailure.nonRetryable('an undo needs who asked for it', BAD_INPUT);
  const rows = new Map((await listResponseActions(deps.db, workflowId)).map((r) => [`${r.kind}:${r.target}`, r]));
  const results: RespondResult = [];
  for (const action of actions) {
    const key = `${action.kind}:${action.target}`;
    const row = rows.get(key);
    if (!row || !['executed', 'recorded for manual action', 'undone'].includes(row.status)) {
      results.push({ ...action, status: row?.status ?? 'not executed' });
      continue;
    }
    if (row.status === 'undone') {
      results.push({ ...action, status: 'undone' });
      continue;
    }
    const connector = connectorFor(deps, action, row.connector);
    const ctx: ResponseContext = { workflowId, approvedBy: requestedBy, idempotencyKey: `${workflowId}:undo:${key}` };
    const undo = connector.undo;
    const outcome = undo
      ? await once(
          deps,
          ctx.idempotencyKey,
          connector,
          () => undo.call(connector, action, ctx),
          connector.check && (async (since) => (await connector.check!(action, { ...ctx, intentSince: since })) === 'not-in-effect'),
          { status: 'undone', detail: `${connector.name}: no longer in effect at the vendor (an earlier attempt's undo)` },
        )
      : { status: 'undone' as const, detail: `${connector.name}: nothing to reverse` };
    if (outcome.status === 'failed') throw ApplicationFailure.retryable(`undo ${key}: ${outcome.detail}`, 'UndoFailed');
    const stored = await markResponseActionUndone(deps.db, workflowId, action, outcome);
    if (undo) await settle(deps, ctx.idempotencyKey, outcome);
    results.push({ ...action, status: stored, detail: outcome.detail });
  }
  return results;
}
