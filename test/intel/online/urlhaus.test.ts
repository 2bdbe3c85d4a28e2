import { UrlhausClient } from '../../../src/intel/online/urlhaus';
import { UrlhausServer } from '../../servers/urlhaus-server';

const KEY = 'd1e2'.repeat(12);
const SHA256 = '6ca4d8f901ad601e358fb29a4f7fa5d69218060fc5b8ad819f22fe3ba3c9412a';
const MD5 = '5985cd9e7e9fabfbf712e74d5a8af803';
const server = new UrlhausServer({
  authKey: KEY,
  urls: [
    {
      id: '3390116',
      url: 'http://invoice-portal.example/dl/inv_2025.zip',
      host: 'invoice-portal.example',
      url_status: 'online',
      threat: 'malware_download',
      tags: ['zip', 'ExampleLoader'],
    },
    {
      id: '3390115',
      url: 'https://files.share-drop.example/d/7Hk2/Invoice.js',
      host: 'files.share-drop.example',
      url_status: 'offline',
      threat: 'malware_download',
      tags: ['js'],
    },
    {
      id: '3390117',
      url: 'http://203.0.113.145:41337/i',
      host: '203.0.113.145',
      url_status: 'online',
      threat: 'malware_download',
      tags: ['elf', 'Mozi'],
    },
  ],
  payloads: [
    {
      md5_hash: MD5,
      sha256_hash: SHA256,
      file_type: 'exe',
      signature: 'ExampleLoader',
      urls: ['http://invoice-portal.example/dl/inv_2025.zip'],
    },
  ],
});
let baseUrl: string;
let client: UrlhausClient;

beforeAll(async () => {
  baseUrl = await server.start();
  client = new UrlhausClient({ authKey: KEY, baseUrl });
});
afterAll(() => server.stop());
beforeEach(() => {
  server.mode = 'normal';
  server.requests.length = 0;
});

describe('URLhaus client against a local URLhaus API server', () => {
  it('posts a form-encoded URL query with the Auth-Key header', async () => {
    const url = 'http://invoice-portal.example/dl/inv_2025.zip';
    const v = await client.lookup({ type: 'url', value: url }, 5_000);
    expect(v).toEqual({
      provider: 'urlhaus',
      indicator: { type: 'url', value: url },
      verdict: 'malicious',
      score: 95,
      summary: 'listed for malware_download (online), tags zip, ExampleLoader',
      link: 'https://urlhaus.abuse.ch/url/3390116/',
    });
    expect(server.requests).toEqual([
      { method: 'POST', path: '/v1/url/', form: { url }, authKey: KEY, contentType: 'application/x-www-form-urlencoded' },
    ]);
  });

  it('judges an offline URL malicious with a lower score', async () => {
    expect(await client.lookup({ type: 'url', value: 'https://files.share-drop.example/d/7Hk2/Invoice.js' }, 5_000)).toMatchObject({
      verdict: 'malicious',
      score: 80,
    });
  });

  it('looks hosts up by domain and by IP: online URLs make it malicious, only offline ones suspicious', async () => {
    expect(await client.lookup({ type: 'domain', value: 'invoice-portal.example' }, 5_000)).toMatchObject({
      verdict: 'malicious',
      score: 90,
      summary: '1 malware URL(s) on this host, 1 online',
      link: 'https://urlhaus.abuse.ch/host/invoice-portal.example/',
    });
    expect(await client.lookup({ type: 'domain', value: 'files.share-drop.example' }, 5_000)).toMatchObject({
      verdict: 'suspicious',
      score: 60,
    });
    expect(await client.lookup({ type: 'ip', value: '203.0.113.145' }, 5_000)).toMatchObject({ verdict: 'malicious' });
    expect(server.requests.map((r) => [r.path, r.form])).toEqual([
      ['/v1/host/', { host: 'invoice-portal.example' }],
      ['/v1/host/', { host: 'files.share-drop.example' }],
      ['/v1/host/', { host: '203.0.113.145' }],
    ]);
  });

  it('looks payloads up by MD5 or SHA-256', async () => {
    expect(await client.lookup({ type: 'hash', value: MD5 }, 5_000)).toMatchObject({
      verdict: 'malicious',
      summary: 'payload ExampleLoader (exe) served by 1 URL(s)',
      link: `https://urlhaus.abuse.ch/browse.php?search=${SHA256}`,
    });
    await client.lookup({ type: 'hash', value: SHA256 }, 5_000);
    expect(server.requests.map((r) => r.form)).toEqual([{ md5_hash: MD5 }, { sha256_hash: SHA256 }]);
  });

  it('answers unknown for no_results and fails on other query statuses', async () => {
    expect(await client.lookup({ type: 'domain', value: 'clean.invoice-portal.example' }, 5_000)).toMatchObject({
      verdict: 'unknown',
      summary: 'not listed in URLhaus',
    });
    await expect(client.lookup({ type: 'url', value: 'not a url' }, 5_000)).rejects.toMatchObject({
      kind: 'http',
      message: 'URLhaus query_status invalid_url',
    });
  });

  it('fails with kind auth on a wrong Auth-Key, rate-limited on 429, malformed on broken JSON', async () => {
    const c = new UrlhausClient({ authKey: 'nope', baseUrl });
    await expect(c.lookup({ type: 'hash', value: MD5 }, 5_000)).rejects.toMatchObject({
      kind: 'auth',
      message: expect.stringContaining('unknown_auth_key'),
    });
    server.mode = 'rate-limited';
    server.retryAfterSeconds = 5;
    await expect(client.lookup({ type: 'hash', value: MD5 }, 5_000)).rejects.toMatchObject({ kind: 'rate-limited', retryAfterMs: 5_000 });
    server.mode = 'malformed';
    await expect(client.lookup({ type: 'hash', value: MD5 }, 5_000)).rejects.toMatchObject({ kind: 'malformed' });
  });

  it('supports URLs, domains, IPv4 hosts, MD5 and SHA-256; not SHA-1, IPv6 or emails', () => {
    expect(client.supports({ type: 'hash', value: 'f'.repeat(40) })).toBe(false);
    expect(client.supports({ type: 'ip', value: '2001:db8::1' })).toBe(false);
    expect(client.supports({ type: 'email', value: 'a@b.example' })).toBe(false);
    expect(client.supports({ type: 'hash', value: MD5 })).toBe(true);
  });
});
