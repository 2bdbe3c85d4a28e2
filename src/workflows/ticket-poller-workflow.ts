// A durable poller of the ticket system, for systems that cannot send webhooks (or as their
// safety net): reads tickets closed since its cursor, closes their alerts through the same path
// as a webhook (pollTicketClosures → applyTicketEvent), sleeps, and continues-as-new to keep
// its history short. The cursor lives in workflow state and is carried across continue-as-new.
import { continueAsNew, defineQuery, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { NON_RETRYABLE } from '../domain/error-types';

const { pollTicketClosures } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '5m',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '5m', nonRetryableErrorTypes: NON_RETRYABLE },
});

export interface TicketPollerTotals {
  polls: number;
  found: number;
  applied: number;
  skipped: number;
}
export interface TicketPollerInput {
  system: string;
  intervalMs: number;
  cursor?: string;
  totals?: TicketPollerTotals;
}
export interface TicketPollerStatus {
  system: string;
  cursor?: string;
  totals: TicketPollerTotals;
}

export const ticketPollerStatusQuery = defineQuery<TicketPollerStatus>('ticketPollerStatus');
const POLLS_PER_RUN = 500;

/** The poller's workflow id: one per ticket system. */
export const ticketPollerId = (system: string) => `ticket-poller:${system}`;

export async function ticketPollerWorkflow({ system, intervalMs, cursor: start, totals: carried }: TicketPollerInput): Promise<void> {
  let cursor = start;
  const totals: TicketPollerTotals = carried ?? { polls: 0, found: 0, applied: 0, skipped: 0 };
  setHandler(ticketPollerStatusQuery, () => ({ system, cursor, totals }));
  for (let i = 0; i < POLLS_PER_RUN && !workflowInfo().continueAsNewSuggested; i++) {
    const r = await pollTicketClosures({ cursor });
    cursor = r.cursor;
    totals.polls += 1;
    totals.found += r.found;
    totals.applied += r.applied;
    totals.skipped += r.skipped;
    if (!r.more) await sleep(intervalMs);
  }
  await continueAsNew<typeof ticketPollerWorkflow>({ system, intervalMs, cursor, totals });
}
