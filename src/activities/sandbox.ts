// Detonate a sample in the CAPE sandbox and turn its report into a Finding. The sample is
// submitted once per (workflow, sha256): the task id is heartbeated and recorded in
// sandbox_tasks before polling, so a retry after a worker restart resumes the same task
// (from heartbeat details, or from the table when there are none). Polls back off up to a
// bound and sleep on the activity's cancellable timer. An outage throws (Temporal retries);
// a refused submission, a failed analysis or a report we cannot read is an error finding.
import { activityInfo, ApplicationFailure, cancellationSignal, heartbeat, sleep } from '@temporalio/activity';
import type { Pool } from 'pg';
import { formatDuration } from '../domain/duration';
import type { Finding } from '../domain/finding';
import { isConnectorError, nextInterval } from '../connectors/connector-http';
import { CAPE_DONE_STATE, CAPE_FAILED_STATES } from '../connectors/sandbox/cape';
import { capeReportFinding, sandboxErrorFinding } from '../connectors/sandbox/cape-report';
import type { Sandbox } from '../connectors/sandbox/config';
import { findSandboxTask, recordSandboxTask, updateSandboxTaskState, type SandboxTaskRecord } from '../store/sandbox-tasks';
import { actOnce, claimIntent, NOT_REPEATED, settleIntent } from '../store/intents';
import { getEvidence } from '../store/evidence';
import { BAD_INPUT } from '../domain/error-types';

export interface SandboxDetonateInput {
  workflowId: string;
  sha256: string;
  name?: string;
}

/** What each heartbeat carries; a retry's activityInfo().heartbeatDetails. */
export interface SandboxProgress {
  taskId: number;
  state: string;
  submittedAt: number;
}

export interface SandboxActivityDeps {
  db: Pool;
  /** The sandbox (the worker builds it from CAPE_* in its configuration); absent: none configured. */
  sandbox?: Sandbox;
}

const sandboxOf = (deps: SandboxActivityDeps): Sandbox | undefined => deps.sandbox;

function validate(input: SandboxDetonateInput): void {
  const bad = (msg: string) => ApplicationFailure.nonRetryable(`sandboxDetonate: ${msg}`, BAD_INPUT);
  if (!input || typeof input.workflowId !== 'string' || !input.workflowId || input.workflowId.length > 512)
    throw bad('workflowId is required');
  if (typeof input.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(input.sha256)) throw bad('sha256 must be 64 lower-case hex digits');
  if (input.name !== undefined && (typeof input.name !== 'string' || input.name.length > 1024))
    throw bad('name must be a string of at most 1024 characters');
}

function fromHeartbeat(details: unknown): SandboxTaskRecord | undefined {
  const d = details as Partial<SandboxProgress> | undefined;
  if (!d || typeof d.taskId !== 'number' || !Number.isSafeInteger(d.taskId) || d.taskId <= 0) return undefined;
  return {
    taskId: d.taskId,
    state: typeof d.state === 'string' ? d.state : 'unknown',
    submittedAt: typeof d.submittedAt === 'number' ? d.submittedAt : Date.now(),
  };
}

/** Outages and cancellation propagate; anything else the sandbox said becomes an error finding. */
function findingOrThrow(err: unknown, taskId?: number): Finding {
  if (isConnectorError(err) && err.kind !== 'unavailable') return sandboxErrorFinding(err.message, taskId);
  throw err;
}

export async function sandboxDetonate(deps: SandboxActivityDeps, input: SandboxDetonateInput): Promise<Finding> {
  validate(input);
  const sandbox = sandboxOf(deps);
  if (!sandbox) return sandboxErrorFinding('no sandbox configured (set CAPE_BASE_URL)');
  const { client, polling } = sandbox;
  const signal = cancellationSignal();

  let task = fromHeartbeat(activityInfo().heartbeatDetails) ?? (await findSandboxTask(deps.db, input.workflowId, input.sha256));
  if (!task) {
    const sample = await getEvidence(deps.db, input.sha256);
    if (!sample) throw ApplicationFailure.nonRetryable(`sandboxDetonate: no evidence with sha256 ${input.sha256}`, BAD_INPUT);
    // Intent before submission: CAPE has no idempotency key and no search by submitter, so a
    // retry after a crash between submitting and recording the task id does not submit again.
    const intentKey = `${input.workflowId}:sandbox:${input.sha256}`;
    const intent = await claimIntent(deps.db, intentKey, 'sandbox:cape');
    if (!intent.fresh) return sandboxErrorFinding(`CAPE submission of ${input.sha256}: ${NOT_REPEATED}`);
    let taskId: number;
    try {
      taskId = await actOnce(deps.db, intentKey, () => client.submitFile(sample, input.name || input.sha256, sandbox.submit, signal));
    } catch (err) {
      return findingOrThrow(err);
    }
    task = await recordSandboxTask(deps.db, input.workflowId, input.sha256, taskId, 'pending');
    await settleIntent(deps.db, intentKey, 'done', `task ${taskId}`);
  }
  heartbeat({ taskId: task.taskId, state: task.state, submittedAt: task.submittedAt } satisfies SandboxProgress);

  for (let interval = polling.pollIntervalMs; ; interval = nextInterval(interval, polling.maxPollIntervalMs)) {
    let state: string;
    try {
      state = await client.taskStatus(task.taskId, signal);
    } catch (err) {
      return findingOrThrow(err, task.taskId);
    }
    if (state !== task.state) {
      await updateSandboxTaskState(deps.db, input.workflowId, input.sha256, state);
      task = { ...task, state };
    }
    heartbeat({ taskId: task.taskId, state, submittedAt: task.submittedAt } satisfies SandboxProgress);
    if (state === CAPE_DONE_STATE) break;
    if (CAPE_FAILED_STATES.has(state)) return sandboxErrorFinding(`analysis ended in state ${state}`, task.taskId);
    if (Date.now() - task.submittedAt > polling.maxWaitMs) {
      return sandboxErrorFinding(`no report within ${formatDuration(polling.maxWaitMs)} of submission (last state ${state})`, task.taskId);
    }
    await sleep(interval); // throws CancelledFailure when the activity is cancelled
  }

  try {
    return capeReportFinding(await client.report(task.taskId, signal), task.taskId);
  } catch (err) {
    return findingOrThrow(err, task.taskId);
  }
}
