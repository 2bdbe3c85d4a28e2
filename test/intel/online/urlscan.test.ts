import { UrlscanClient, urlscanQuery } from '../../../src/intel/online/urlscan';
import { UrlscanServer } from '../../servers/urlscan-server';

const KEY = '5a17c0de-1111-4222-8333-444455556666';
const server = new UrlscanServer({
  apiKey: KEY,
  scans: [
    {
      uuid: '0195c3a1-aaaa-7000-8000-000000000001',
      url: 'http://invoice-portal.example/',
      domain: 'invoice-portal.example',
      ip: '203.0.113.145',
      malicious: true,
      score: 100,
    },
    {
      uuid: '0195c3a1-aaaa-7000-8000-000000000002',
      url: 'http://invoice-portal.example/pay',
      domain: 'invoice-portal.example',
      ip: '203.0.113.145',
      malicious: false,
      score: 0,
    },
    {
      uuid: '0195c3a1-aaaa-7000-8000-000000000003',
      url: 'https://news.portal.example/',
      domain: 'news.portal.example',
      ip: '198.51.100.80',
      contacted: ['cdn.legit-cloud.example'],
      malicious: true,
      score: 100,
    },
    {
      uuid: '0195c3a1-aaaa-7000-8000-000000000004',
      url: 'https://cdn.legit-cloud.example/',
      domain: 'cdn.legit-cloud.example',
      ip: '198.51.100.81',
    },
    {
      uuid: '0195c3a1-aaaa-7000-8000-000000000005',
      url: 'https://odd.portal.example/?q="x"',
      domain: 'odd.portal.example',
      ip: '198.51.100.82',
      malicious: false,
      score: 60,
    },
    {
      uuid: '0195c3a1-aaaa-7000-8000-000000000006',
      url: 'https://fresh.portal.example/',
      domain: 'fresh.portal.example',
      ip: '198.51.100.83',
      malicious: true,
      pending: true,
    },
  ],
});
const result = (uuid: string) => ({ method: 'GET', path: `/api/v1/result/${uuid}/`, query: {}, apiKey: KEY, body: undefined });
let baseUrl: string;
let client: UrlscanClient;

beforeAll(async () => {
  baseUrl = await server.start();
  client = new UrlscanClient({ apiKey: KEY, baseUrl });
});
afterAll(() => server.stop());
beforeEach(() => {
  server.mode = 'normal';
  server.requests.length = 0;
});

describe('urlscan.io client against a local urlscan.io server', () => {
  it('finds verdicts in the results of the hits, since search hits carry none without Pro', async () => {
    const v = await client.lookup({ type: 'domain', value: 'invoice-portal.example' }, 5_000);
    expect(v).toMatchObject({ verdict: 'malicious', summary: '1 of 2 scan(s) judged malicious (score 100)' });
    expect(server.requests).toEqual([
      { method: 'GET', path: '/api/v1/search/', query: { q: 'domain:invoice-portal.example', size: '50' }, apiKey: KEY, body: undefined },
      result('0195c3a1-aaaa-7000-8000-000000000001'),
      result('0195c3a1-aaaa-7000-8000-000000000002'),
    ]);
    server.requests.length = 0; // results are immutable: a second lookup reuses them
    await client.lookup({ type: 'domain', value: 'invoice-portal.example' }, 5_000);
    expect(server.requests.map((r) => r.path)).toEqual(['/api/v1/search/']);
  });

  it('says unknown for a scan whose result is not ready (404), and why', async () => {
    const v = await client.lookup({ type: 'domain', value: 'fresh.portal.example' }, 5_000);
    expect(v).toMatchObject({ verdict: 'unknown', summary: '1 scan(s), none judged malicious, 1 without a verdict' });
    expect(server.requests.map((r) => r.path)).toEqual(['/api/v1/search/', '/api/v1/result/0195c3a1-aaaa-7000-8000-000000000006/']);
  });

  it('searches domain:<d> with the API-Key header and reports a malicious verdict with the scan link', async () => {
    const v = await client.lookup({ type: 'domain', value: 'invoice-portal.example' }, 5_000);
    expect(v).toEqual({
      provider: 'urlscan',
      indicator: { type: 'domain', value: 'invoice-portal.example' },
      verdict: 'malicious',
      score: 100,
      summary: '1 of 2 scan(s) judged malicious (score 100)',
      link: 'https://urlscan.io/result/0195c3a1-aaaa-7000-8000-000000000001/',
    });
  });

  it("does not lend a page's verdict to a domain the page merely contacted", async () => {
    const v = await client.lookup({ type: 'domain', value: 'cdn.legit-cloud.example' }, 5_000);
    expect(v).toMatchObject({ verdict: 'unknown', summary: '1 scan(s), none judged malicious' });
    expect(v.link).toBe(`https://urlscan.io/search/#${encodeURIComponent('domain:cdn.legit-cloud.example')}`);
  });

  it('searches IPs and URLs with quoted values; a high score alone is suspicious', async () => {
    expect(await client.lookup({ type: 'ip', value: '203.0.113.145' }, 5_000)).toMatchObject({ verdict: 'malicious' });
    expect(await client.lookup({ type: 'url', value: 'https://odd.portal.example/?q="x"' }, 5_000)).toMatchObject({
      verdict: 'suspicious',
      score: 50,
    });
    expect(server.requests.map((r) => r.query.q)).toEqual(['ip:"203.0.113.145"', 'page.url:"https://odd.portal.example/?q=\\"x\\""']);
    expect(await client.lookup({ type: 'domain', value: 'nothing.portal.example' }, 5_000)).toMatchObject({
      verdict: 'unknown',
      summary: 'no urlscan.io scans',
    });
  });

  it('fails with kind auth for an unknown key, http for a key of the wrong form', async () => {
    await expect(
      new UrlscanClient({ apiKey: '5a17c0de-0000-4000-8000-000000000000', baseUrl }).lookup(
        { type: 'domain', value: 'invoice-portal.example' },
        5_000,
      ),
    ).rejects.toMatchObject({ kind: 'auth', message: expect.stringContaining('HTTP 401') });
    await expect(
      new UrlscanClient({ apiKey: 'not-a-key', baseUrl }).lookup({ type: 'domain', value: 'invoice-portal.example' }, 5_000),
    ).rejects.toMatchObject({ kind: 'http', message: expect.stringContaining('Invalid API key format') });
  });

  it('takes the wait from X-Rate-Limit-Reset-After on a 429', async () => {
    server.mode = 'rate-limited';
    await expect(client.lookup({ type: 'domain', value: 'invoice-portal.example' }, 5_000)).rejects.toMatchObject({
      kind: 'rate-limited',
      retryAfterMs: 17_000,
    });
    server.retryAfterSeconds = 40; // Retry-After, when a server sends one, comes first
    try {
      await expect(client.lookup({ type: 'domain', value: 'invoice-portal.example' }, 5_000)).rejects.toMatchObject({
        kind: 'rate-limited',
        retryAfterMs: 40_000,
      });
    } finally {
      server.retryAfterSeconds = undefined;
    }
  });

  it('fails with kind malformed on a truncated answer', async () => {
    server.mode = 'malformed';
    await expect(client.lookup({ type: 'domain', value: 'invoice-portal.example' }, 5_000)).rejects.toMatchObject({ kind: 'malformed' });
  });

  it('submits a URL for a private scan on request', async () => {
    const s = await client.submitScan('http://invoice-portal.example/dl/', { tags: ['autosoc'] });
    expect(s.result).toBe(`https://urlscan.io/result/${s.uuid}/`);
    expect(server.submissions).toEqual([{ url: 'http://invoice-portal.example/dl/', visibility: 'private', uuid: s.uuid }]);
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      path: '/api/v1/scan/',
      apiKey: KEY,
      body: { url: 'http://invoice-portal.example/dl/', visibility: 'private', tags: ['autosoc'] },
    });
    await expect(client.submitScan('ftp://nope')).rejects.toMatchObject({ kind: 'http', message: 'HTTP 400: Missing URL properties' });
  });

  it('builds the documented query forms', () => {
    expect(urlscanQuery({ type: 'domain', value: 'a.example' })).toBe('domain:a.example');
    expect(urlscanQuery({ type: 'ip', value: '2001:db8::1' })).toBe('ip:"2001:db8::1"');
    expect(() => urlscanQuery({ type: 'hash', value: 'a'.repeat(64) })).toThrow(/no hash lookup/);
  });
});
