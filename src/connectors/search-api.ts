// A client for the Elasticsearch/OpenSearch `_search` API with search_after paging, which
// the Wazuh indexer (OpenSearch) speaks too. Elasticsearch Guide, "Paginate search results >
// Search after": sort on a time field plus a unique tiebreaker, send the last hit's `sort`
// values back as `search_after`; date fields come back as epoch milliseconds.
import { createHttpClient, excerpt, isSuccess } from './http';

export interface SearchHit {
  _id: string;
  _index?: string;
  _source: unknown;
  sort: unknown[];
}

export class SearchApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'SearchApiError';
  }
}

export interface SearchPageRequest {
  url: string;
  index: string;
  size: number;
  sort: Record<string, 'asc'>[];
  query?: Record<string, unknown>;
  searchAfter?: unknown[];
  authorization?: string;
  timeoutMs?: number;
  /** A fetch that trusts the server's CA (see tls-fetch.ts). */
  fetchImpl?: typeof fetch;
}

/** A page of 1,000 large documents fits; past that the index is not what a poller expects. */
const MAX_PAGE_BYTES = 64 * 1024 * 1024;

/** Every non-2xx throws with its status (the poller stops on a 4xx other than 429); no answer, none. */
const searchHttp = (index: string) =>
  createHttpClient({
    defaultMaxBytes: MAX_PAGE_BYTES,
    failsOn: (status) => !isSuccess(status),
    toError: (f) =>
      f.kind === 'status'
        ? new SearchApiError(`search ${index} answered ${f.status}: ${excerpt(f.text, 300)}`, f.status)
        : new SearchApiError(`search ${index}: ${f.message}`),
    honourRetryAfter: { maxWaitMs: 30_000, maxRetries: 3 },
  });

export async function searchPage(r: SearchPageRequest): Promise<SearchHit[]> {
  const body = {
    size: r.size,
    sort: r.sort,
    query: r.query ?? { match_all: {} },
    ...(r.searchAfter ? { search_after: r.searchAfter } : {}),
  };
  const http = searchHttp(r.index);
  const answer = await http.request({
    url: `${r.url.replace(/\/$/, '')}/${encodeURIComponent(r.index)}/_search`,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(r.authorization ? { authorization: r.authorization } : {}) },
    body: JSON.stringify(body),
    timeoutMs: r.timeoutMs ?? 30_000,
    fetchImpl: r.fetchImpl,
  });
  const json = http.parseJson(answer, `search ${r.index}`) as { hits?: { hits?: SearchHit[] } } | undefined;
  const hits = json?.hits?.hits;
  if (!Array.isArray(hits)) throw new SearchApiError('search answer has no hits.hits array');
  return hits;
}
