// One page of a poller: fetch the next alerts after the cursor and ingest them. A retry
// (say, after the worker died mid-page) refetches the same page from the same cursor and
// re-ingests it; dedup by workflow id makes that harmless, so nothing is lost or doubled.
import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import { SearchApiError, searchPage } from '../connectors/search-api';
import { formatOf, pollerSort, type PollerConfig } from '../ingest/pollers/poller-config';
import type { ActivityDeps } from './deps';
import { whileHeartbeating } from './heartbeating';

export interface PollPageInput { poller: PollerConfig; cursor?: unknown[] }
export interface PollPageResult { fetched: number; accepted: number; duplicates: number; rejected: number; cursor?: unknown[]; errors: string[] }

function authorization(p: PollerConfig): string | undefined {
  const secret = (name?: string) => {
    if (!name) return undefined;
    const v = process.env[name];
    if (!v) throw ApplicationFailure.nonRetryable(`poller ${p.name}: environment variable ${name} is not set`, 'BadInput');
    return v;
  };
  const apiKey = secret(p.apiKeyEnv);
  if (apiKey) return `ApiKey ${apiKey}`;
  const basic = secret(p.basicAuthEnv);
  return basic ? `Basic ${Buffer.from(basic).toString('base64')}` : undefined;
}

export async function pollSearchPage(deps: ActivityDeps, { poller, cursor }: PollPageInput): Promise<PollPageResult> {
  let hits;
  try {
    hits = await whileHeartbeating(Math.max(500, Math.floor(poller.heartbeatTimeoutMs / 3)), () => searchPage({
      url: poller.url, index: poller.index, size: poller.batchSize, sort: pollerSort(poller.kind),
      query: poller.query, searchAfter: cursor, authorization: authorization(poller),
    }), () => 'fetching');
  } catch (err) {
    // 4xx other than throttling means the poller's settings are wrong: stop retrying.
    if (err instanceof SearchApiError && err.status && err.status >= 400 && err.status < 500 && err.status !== 429) {
      throw ApplicationFailure.nonRetryable(err.message, 'BadInput');
    }
    throw err;
  }
  const result: PollPageResult = { fetched: hits.length, accepted: 0, duplicates: 0, rejected: 0, cursor, errors: [] };
  for (const [i, hit] of hits.entries()) {
    heartbeat(i);
    const [item] = await deps.ingest.ingest({ body: Buffer.from(JSON.stringify(hit)), format: formatOf(poller.kind) });
    if (item.status === 'rejected') {
      result.rejected += 1;
      if (result.errors.length < 10) result.errors.push(`${hit._id}: ${item.error}`);
    } else if (item.status === 'duplicate') result.duplicates += 1;
    else result.accepted += 1;
    result.cursor = hit.sort;
  }
  return result;
}
