// A client for the Elasticsearch/OpenSearch `_search` API with search_after paging, which
// the Wazuh indexer (OpenSearch) speaks too.
export interface SearchHit { _id: string; _index?: string; _source: unknown; sort: unknown[] }

export class SearchApiError extends Error {
  constructor(message: string, readonly status?: number) {
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
}

export async function searchPage(r: SearchPageRequest): Promise<SearchHit[]> {
  const body = { size: r.size, sort: r.sort, query: r.query ?? { match_all: {} }, ...(r.searchAfter ? { search_after: r.searchAfter } : {}) };
  const res = await fetch(`${r.url.replace(/\/$/, '')}/${encodeURIComponent(r.index)}/_search`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(r.authorization ? { authorization: r.authorization } : {}) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(r.timeoutMs ?? 30_000),
  });
  if (!res.ok) throw new SearchApiError(`search ${r.index} answered ${res.status}: ${(await res.text()).slice(0, 300)}`, res.status);
  const json = await res.json() as { hits?: { hits?: SearchHit[] } };
  const hits = json.hits?.hits;
  if (!Array.isArray(hits)) throw new SearchApiError('search answer has no hits.hits array');
  return hits;
}
