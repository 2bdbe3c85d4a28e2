// The activity option sets, one per kind of work, each named by its purpose. Retry options are
// not commands: changing them needs no patch (a proxy's activity type and input are what replay
// checks). Every proxy has a timeout and a retry policy, and never retries bad input.
import type { RetryPolicy } from '@temporalio/common';
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import { EDR_PERMANENT, NON_RETRYABLE, NOT_CONFIGURED } from '../../domain/error-types';

export { NON_RETRYABLE } from '../../domain/error-types';

export type Activities = ReturnType<typeof createActivities>;

/**
 * Database steps write to our own PostgreSQL: an outage of any length is waited out, never a
 * reason to fail the alert. No attempt limit; the interval grows to 2 minutes and stays there
 * (the worker logs an error once a step has failed ALARM_AFTER_ATTEMPTS times, see
 * src/activities/retry-alarm.ts). Bad input still fails at once.
 */
export const STORE_RETRY: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '2m',
  nonRetryableErrorTypes: NON_RETRYABLE,
};

/** Our own database, as regular activities: what runs started before 'local-store-v1' recorded. */
export const databaseSteps = proxyActivities<Activities>({ startToCloseTimeout: '30s', retry: STORE_RETRY });
/**
 * Our own database, as local activities (since 'local-store-v1'): they run in the worker that
 * runs the workflow task, with no task round trip through the server and one marker event
 * instead of three (bench/README.md has the figures). They are idempotent, as a local activity
 * may run again if its task fails. Backoffs past 10 s wait on a durable timer instead of inside
 * the worker, so a long outage costs a few history events per retry, not a task held open.
 */
export const localDatabaseSteps = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: STORE_RETRY,
  localRetryThreshold: '10s',
});

/**
 * Analysis (investigate, assess): slower, bounded attempts; analyzers report their own failures
 * as findings. They heartbeat (ANALYSIS_HEARTBEAT_MS), so a dead worker's share is retried after a minute.
 */
export const analysisSteps = proxyActivities<Activities>({
  startToCloseTimeout: '5m',
  heartbeatTimeout: '1m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE },
});

/** EDR collection: remote commands on a host, heartbeating; a retry reuses a finished fetch. */
export const edrSteps = proxyActivities<Activities>({
  startToCloseTimeout: '20m',
  heartbeatTimeout: '2m',
  retry: {
    initialInterval: '10s',
    backoffCoefficient: 2,
    maximumInterval: '5m',
    maximumAttempts: 5,
    nonRetryableErrorTypes: [...NON_RETRYABLE, NOT_CONFIGURED, ...EDR_PERMANENT],
  },
});

/** Sandbox detonation: long, heartbeating; a restarted worker resumes the same sandbox task. */
export const sandboxSteps = proxyActivities<Activities>({
  startToCloseTimeout: '35m',
  heartbeatTimeout: '3m',
  retry: {
    initialInterval: '10s',
    backoffCoefficient: 2,
    maximumInterval: '5m',
    maximumAttempts: 5,
    nonRetryableErrorTypes: [...NON_RETRYABLE, NOT_CONFIGURED],
  },
});

/**
 * The response saga's vendor calls (containment.ts): one activity per action, so a vendor that
 * stays unavailable fails its own action only. They poll asynchronous actions for minutes and
 * heartbeat, so a dead worker is noticed in a minute.
 */
const VENDOR_CALL = { startToCloseTimeout: '20m', heartbeatTimeout: '1m' } as const;
const VENDOR_RETRY: RetryPolicy = {
  initialInterval: '5s',
  backoffCoefficient: 2,
  maximumInterval: '2m',
  nonRetryableErrorTypes: NON_RETRYABLE,
};
export const vendorSteps = proxyActivities<Activities>({ ...VENDOR_CALL, retry: { ...VENDOR_RETRY, maximumAttempts: 10 } });
/** An undo, tried `attempts` times before it is escalated. */
export const undoSteps = (attempts: number) =>
  proxyActivities<Activities>({ ...VENDOR_CALL, retry: { ...VENDOR_RETRY, maximumAttempts: attempts } });
/**
 * An escalated undo, retried without limit (one activity: the history does not grow with the
 * attempts), at most hourly.
 */
export const undoUntilDoneSteps = proxyActivities<Activities>({ ...VENDOR_CALL, retry: { ...VENDOR_RETRY, maximumInterval: '1h' } });

/** Containment and notifications touch other systems: few, spaced attempts. */
export const outsideWorldSteps = proxyActivities<Activities>({
  startToCloseTimeout: '2m',
  retry: {
    initialInterval: '5s',
    backoffCoefficient: 2,
    maximumInterval: '2m',
    maximumAttempts: 10,
    nonRetryableErrorTypes: NON_RETRYABLE,
  },
});

/**
 * The case's ticket told of a comment or decision (ticket-sync-v1, ticket-comments-v1): a few
 * short-spaced attempts, so a ticket system that is down delays the analyst loop by about a
 * minute and a half at most; the run goes on without the sync (logged) after that.
 */
export const ticketSteps = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '30s',
    maximumAttempts: 5,
    nonRetryableErrorTypes: NON_RETRYABLE,
  },
});
