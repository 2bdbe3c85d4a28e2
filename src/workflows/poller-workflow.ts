// A durable poller: pages through a search API with a search_after cursor kept in workflow
// state, sleeps when caught up, and continues-as-new to keep its history short.
import { continueAsNew, defineQuery, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { PollerConfig } from '../domain/poller-config';
import { NON_RETRYABLE } from '../domain/error-types';

type Activities = ReturnType<typeof createActivities>;

const pageActivity = (heartbeatTimeoutMs: number) =>
  proxyActivities<Activities>({
    startToCloseTimeout: '10m',
    heartbeatTimeout: heartbeatTimeoutMs, // a dead worker's page is retried elsewhere after this
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5m', nonRetryableErrorTypes: NON_RETRYABLE },
  }).pollSearchPage;

export interface PollerTotals {
  pages: number;
  fetched: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  lastErrors: string[];
  /** Alerts found by the lookback re-read (indexed after the cursor had passed their timestamp). */
  late?: number;
}
export interface PollerInput {
  poller: PollerConfig;
  cursor?: unknown[];
  totals?: PollerTotals;
}
export interface PollerStatus {
  name: string;
  cursor?: unknown[];
  totals: PollerTotals;
}

export const pollerStatusQuery = defineQuery<PollerStatus>('pollerStatus');
const PAGES_PER_RUN = 200;
const LAST_ERRORS = 10;

export async function pollerWorkflow({ poller, cursor: start, totals: carried }: PollerInput): Promise<void> {
  const pollSearchPage = pageActivity(poller.heartbeatTimeoutMs);
  let cursor = start;
  const totals: PollerTotals = carried ?? { pages: 0, fetched: 0, accepted: 0, duplicates: 0, rejected: 0, lastErrors: [] };
  setHandler(pollerStatusQuery, () => ({ name: poller.name, cursor, totals }));

  for (let page = 0; page < PAGES_PER_RUN && !workflowInfo().continueAsNewSuggested; page++) {
    const r = await pollSearchPage({ poller, cursor });
    cursor = r.cursor;
    totals.pages += 1;
    totals.fetched += r.fetched;
    totals.accepted += r.accepted;
    totals.duplicates += r.duplicates;
    totals.rejected += r.rejected;
    if (r.late) totals.late = (totals.late ?? 0) + r.late;
    // Kept in state and carried across continue-as-new: a bounded sample, whatever the source sent.
    if (r.errors.length) totals.lastErrors = r.errors.slice(0, LAST_ERRORS).map((e) => e.slice(0, 500));
    if (r.fetched < poller.batchSize) await sleep(poller.intervalMs); // caught up
  }
  await continueAsNew<typeof pollerWorkflow>({ poller, cursor, totals });
}
