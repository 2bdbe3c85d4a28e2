// The Elasticsearch/OpenSearch `_search` client against a local server: search_after paging,
// and failures carrying the status the poller acts on (a 4xx other than 429 stops it).
import { SearchApiError, searchPage } from '../../src/connectors/search-api';
import { listenOnLoopback } from '../servers/listen-on-loopback';
import { SearchApiServer, type StoredDoc } from '../servers/search-api-server';

const docs: StoredDoc[] = ['c', 'a', 'b'].map((id, i) => ({
  _id: id,
  _source: { '@timestamp': `2026-01-01T00:00:0${i}Z`, 'event.id': `e-${id}` },
}));
const server = new SearchApiServer(new Map([['alerts', docs]]));
let url: string;
beforeAll(async () => {
  url = await server.start();
});
afterAll(() => server.stop());

const sort: Record<string, 'asc'>[] = [{ '@timestamp': 'asc' }, { 'event.id': 'asc' }];

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => {
      expect(e).toBeInstanceOf(SearchApiError);
      return e as SearchApiError;
    },
  );

describe('searchPage', () => {
  it('pages with search_after in sort order and sends the authorization', async () => {
    const first = await searchPage({ url: `${url}/`, index: 'alerts', size: 2, sort, authorization: 'ApiKey k' });
    expect(first.map((h) => h._id)).toEqual(['c', 'a']);
    const second = await searchPage({ url, index: 'alerts', size: 2, sort, searchAfter: first[1].sort });
    expect(second.map((h) => h._id)).toEqual(['b']);
    expect(first[1].sort).toEqual([Date.parse('2026-01-01T00:00:01Z'), 'e-a']); // dates come back as epoch millis
    expect(server.requests[0]).toMatchObject({ index: 'alerts', authorization: 'ApiKey k', body: { size: 2, query: { match_all: {} } } });
  });

  it('fails with the status when the index is missing', async () => {
    const err = await failure(searchPage({ url, index: 'nope', size: 2, sort }));
    expect(err.status).toBe(404);
    expect(err.message).toMatch(/^search nope answered 404: \{"error":\{"root_cause":\[\{"type":"index_not_found_exception"/);
  });

  it('fails without a status when nothing answers', async () => {
    const gone = await listenOnLoopback(() => undefined);
    await gone.close();
    const err = await failure(searchPage({ url: gone.url, index: 'alerts', size: 2, sort, timeoutMs: 2_000 }));
    expect(err.status).toBeUndefined();
    expect(err.message).toContain('ECONNREFUSED');
  });
});
