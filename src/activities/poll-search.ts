// One page of a poller: fetch the next alerts after the cursor and ingest them. A retry
// (say, after the worker died mid-page) refetches the same page from the same cursor and
// re-ingests it; dedup by workflow id makes that harmless, so nothing is lost or doubled.
// A page that finds the poller caught up also re-reads the lookback window before the
// cursor, for alerts indexed late with an older timestamp (search_after alone skips them).
import { readFileSync } from 'node:fs';
import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import { SearchApiError, searchPage, type SearchHit } from '../connectors/search-api';
import { fetchTrustingCa } from '../connectors/tls-fetch';
import { DEFAULT_LOOKBACK_MS, formatOf, pollerSort, timeField, type PollerConfig } from '../domain/poller-config';
import type { ActivityDeps } from './deps';
import { whileHeartbeating } from './heartbeating';
import { BAD_INPUT } from '../domain/error-types';

export interface PollPageInput {
  poller: PollerConfig;
  cursor?: unknown[];
}
export interface PollPageResult {
  fetched: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  cursor?: unknown[];
  errors: string[];
  /** Alerts the lookback re-read found new (indexed late), and how many documents it re-read. */
  late?: number;
  reread?: number;
}

/** The lookback re-read is bounded: this many pages of batchSize per poll. */
const LOOKBACK_PAGES = 10;

function authorization(p: PollerConfig, secrets: Readonly<Record<string, string | undefined>>): string | undefined {
  const secret = (name?: string) => {
    if (!name) return undefined;
    const v = secrets[name];
    if (!v) throw ApplicationFailure.nonRetryable(`poller ${p.name}: environment variable ${name} is not set`, BAD_INPUT);
    return v;
  };
  const apiKey = secret(p.apiKeyEnv);
  if (apiKey) return `ApiKey ${apiKey}`;
  const basic = secret(p.basicAuthEnv);
  return basic ? `Basic ${Buffer.from(basic).toString('base64')}` : undefined;
}

function fetchFor(p: PollerConfig): typeof fetch | undefined {
  if (!p.caFile) return undefined;
  try {
    return fetchTrustingCa(readFileSync(p.caFile));
  } catch (err) {
    throw ApplicationFailure.nonRetryable(`poller ${p.name}: caFile ${p.caFile}: ${(err as Error).message}`, BAD_INPUT);
  }
}

/** The cursor's time as epoch milliseconds (Elasticsearch returns dates in sort values that way). */
function cursorMillis(cursor: unknown[] | undefined): number | undefined {
  const t = cursor?.[0];
  const ms = typeof t === 'number' ? t : typeof t === 'string' ? Date.parse(t) : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

export async function pollSearchPage(deps: ActivityDeps, { poller, cursor }: PollPageInput): Promise<PollPageResult> {
  const auth = authorization(poller, deps.pollerSecrets ?? {});
  const fetchImpl = fetchFor(poller);
  const fetchPage = (query: Record<string, unknown> | undefined, searchAfter: unknown[] | undefined) =>
    whileHeartbeating(
      Math.max(500, Math.floor(poller.heartbeatTimeoutMs / 3)),
      () =>
        searchPage({
          url: poller.url,
          index: poller.index,
          size: poller.batchSize,
          sort: pollerSort(poller),
          query,
          searchAfter,
          authorization: auth,
          fetchImpl,
        }),
      () => 'fetching',
    ).catch((err: unknown) => {
      // 4xx other than throttling means the poller's settings are wrong: stop retrying.
      if (err instanceof SearchApiError && err.status && err.status >= 400 && err.status < 500 && err.status !== 429) {
        throw ApplicationFailure.nonRetryable(err.message, BAD_INPUT);
      }
      throw err;
    });

  const result: PollPageResult = { fetched: 0, accepted: 0, duplicates: 0, rejected: 0, cursor, errors: [] };
  const ingest = async (hit: SearchHit): Promise<'accepted' | 'duplicate' | 'rejected'> => {
    const [item] = await deps.ingest.ingest({ body: Buffer.from(JSON.stringify(hit)), format: formatOf(poller.kind) });
    if (item.status === 'rejected' && result.errors.length < 10) result.errors.push(`${hit._id}: ${item.error}`);
    return item.status === 'rejected' ? 'rejected' : item.status === 'duplicate' ? 'duplicate' : 'accepted';
  };

  const hits = await fetchPage(poller.query, cursor);
  result.fetched = hits.length;
  for (const [i, hit] of hits.entries()) {
    heartbeat(i);
    const status = await ingest(hit);
    if (status === 'rejected') result.rejected += 1;
    else if (status === 'duplicate') result.duplicates += 1;
    else result.accepted += 1;
    result.cursor = hit.sort;
  }

  const lookbackMs = poller.lookbackMs ?? DEFAULT_LOOKBACK_MS; // pollers started before the setting existed
  const until = cursorMillis(result.cursor);
  if (hits.length < poller.batchSize && lookbackMs > 0 && until !== undefined) {
    Object.assign(result, await rereadLookback(until - lookbackMs, until));
  }
  return result;

  /** Re-reads [from, until] (bounded); what dedup does not know is a late alert. */
  async function rereadLookback(from: number, untilMs: number): Promise<{ late: number; reread: number }> {
    const window = { range: { [timeField(poller.kind)]: { gte: from, lte: untilMs, format: 'epoch_millis' } } };
    const query = { bool: { filter: [poller.query ?? { match_all: {} }, window] } };
    let after: unknown[] | undefined;
    let late = 0;
    let reread = 0;
    for (let page = 0; page < LOOKBACK_PAGES; page++) {
      const again = await fetchPage(query, after);
      for (const hit of again) {
        heartbeat(reread++);
        if ((await ingest(hit)) === 'accepted') late += 1;
        after = hit.sort;
      }
      if (again.length < poller.batchSize) break;
    }
    return { late, reread };
  }
}
