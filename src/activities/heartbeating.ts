// Heartbeats while a long step runs, so the server notices a dead worker within the
// activity's heartbeatTimeout instead of its whole startToCloseTimeout (a worker killed
// mid-investigation used to hold its alerts for 5 minutes). The beat only says the process
// is alive; an event loop blocked past the heartbeat timeout counts as dead, which it is.
import { heartbeat } from '@temporalio/activity';

/** How often investigate and assess beat; the workflow's heartbeatTimeout for them is 1 minute. */
export const ANALYSIS_HEARTBEAT_MS = 10_000;

export async function whileHeartbeating<T>(everyMs: number, work: () => Promise<T>, details?: () => unknown): Promise<T> {
  const beat = setInterval(() => heartbeat(details?.()), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(beat);
  }
}
