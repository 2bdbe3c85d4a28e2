// Failed and stuck runs in one place: workflows that failed or timed out (visibility list, the
// error from their last history event) and running workflows whose activities keep retrying
// (describe: pending activities at or past an attempt threshold, with their last failure).
import type { Client } from '@temporalio/client';

export interface FailedRun {
  workflowId: string;
  runId: string;
  workflowType: string;
  /** FAILED, TIMED_OUT, or RETRYING (running, an activity past the attempt threshold). */
  status: string;
  error: string;
  /** For RETRYING: the activity and its attempt number. */
  activity?: string;
  attempt?: number;
  closedAt?: string;
  link?: string;
}

export interface FailedRunOptions {
  /** Attempts at which a pending activity counts as "keeps retrying". */
  retryingFromAttempt?: number;
  /** How many closed and how many running workflows to look at, as visibility lists them (newest first; describe is one call each). */
  maxClosed?: number;
  maxRunning?: number;
  link?: (workflowId: string) => string;
}

const ERROR_CHARS = 500;
const clip = (s: string | null | undefined) => (s ?? '').slice(0, ERROR_CHARS);

export async function listFailedRuns(client: Client, o: FailedRunOptions = {}): Promise<FailedRun[]> {
  const { retryingFromAttempt = 3, maxClosed = 50, maxRunning = 500 } = o;
  const out: FailedRun[] = [];
  const link = (id: string) => (o.link ? { link: o.link(id) } : {});

  let seen = 0;
  for await (const w of client.workflow.list({ query: 'ExecutionStatus="Failed" OR ExecutionStatus="TimedOut"' })) {
    if (seen++ >= maxClosed) break;
    let error = w.status.name === 'TIMED_OUT' ? 'workflow timed out' : 'failed';
    const history = await client.workflow.getHandle(w.workflowId, w.runId).fetchHistory();
    const last = history.events?.at(-1);
    const failure = last?.workflowExecutionFailedEventAttributes?.failure;
    if (failure) error = clip([failure.message, failure.cause?.message].filter(Boolean).join(': '));
    out.push({
      workflowId: w.workflowId,
      runId: w.runId,
      workflowType: w.type,
      status: w.status.name,
      error,
      closedAt: w.closeTime?.toISOString(),
      ...link(w.workflowId),
    });
  }

  seen = 0;
  for await (const w of client.workflow.list({ query: 'ExecutionStatus="Running"' })) {
    if (seen++ >= maxRunning) break;
    const { raw } = await client.workflow.getHandle(w.workflowId, w.runId).describe();
    for (const a of raw.pendingActivities ?? []) {
      if ((a.attempt ?? 0) < retryingFromAttempt) continue;
      out.push({
        workflowId: w.workflowId,
        runId: w.runId,
        workflowType: w.type,
        status: 'RETRYING',
        error: clip(a.lastFailure?.message ?? 'no failure recorded yet'),
        activity: a.activityType?.name ?? undefined,
        attempt: a.attempt ?? undefined,
        ...link(w.workflowId),
      });
    }
  }
  return out;
}
