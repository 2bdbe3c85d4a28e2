// Steps against our own database retry without limit (STORE_RETRY in workflows/sdk/activity-options.ts): an
// outage is waited out instead of failing alerts. Waiting silently would hide the outage, so
// every failed attempt from the ALARM_AFTER_ATTEMPTS-th on is reported as an error the operator
// sees in the worker's log, naming the step, its workflow and the attempt count.
import type { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';

/** About 2.5 minutes of retrying at STORE_RETRY's backoff (1 s doubling). */
export const ALARM_AFTER_ATTEMPTS = 8;

export interface RetryAlarm {
  activityType: string;
  workflowId: string;
  attempt: number;
  error: string;
}

/**
 * Worker activity interceptor: every retryable failure at or past `afterAttempts` is logged as
 * an error through the activity's logger, and passed to `observe` (a test, a metric) if given.
 */
export function retryAlarmInterceptor(observe?: (alarm: RetryAlarm) => void, afterAttempts = ALARM_AFTER_ATTEMPTS) {
  return (ctx: Context): { inbound: ActivityInboundCallsInterceptor } => ({
    inbound: {
      async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
        try {
          return await next(input);
        } catch (err) {
          const { attempt, activityType, workflowExecution } = ctx.info;
          const permanent = err instanceof ApplicationFailure && err.nonRetryable;
          if (attempt >= afterAttempts && !permanent) {
            const alarm = { activityType, workflowId: workflowExecution?.workflowId ?? '', attempt, error: (err as Error).message };
            ctx.log.error(`${activityType} has failed ${attempt} times and is still retrying: is PostgreSQL reachable?`, { ...alarm });
            observe?.(alarm);
          }
          throw err;
        }
      },
    },
  });
}
