import { AbuseIpdbClient, judgeAbuseIpdb } from '../../../src/intel/online/abuseipdb';
import { AbuseIpdbServer } from '../../servers/abuseipdb-server';

const KEY = 'c0ffee'.repeat(13);
const server = new AbuseIpdbServer({
  apiKey: KEY,
  dailyLimit: 1000,
  reports: {
    '203.0.113.145': {
      abuseConfidenceScore: 100,
      totalReports: 412,
      countryCode: 'NL',
      numDistinctUsers: 97,
      lastReportedAt: '2025-03-14T08:00:00+00:00',
    },
    '203.0.113.146': { abuseConfidenceScore: 38, totalReports: 6, countryCode: 'DE' },
    '192.0.2.53': { abuseConfidenceScore: 0, totalReports: 3, countryCode: 'US', isWhitelisted: true },
    '2001:db8::53': { abuseConfidenceScore: 80, totalReports: 20, countryCode: null },
  },
});
let baseUrl: string;
let client: AbuseIpdbClient;

beforeAll(async () => {
  baseUrl = await server.start();
  client = new AbuseIpdbClient({ apiKey: KEY, baseUrl });
});
afterAll(() => server.stop());
beforeEach(() => {
  server.mode = 'normal';
  server.requests.length = 0;
});

describe('AbuseIPDB client against a local AbuseIPDB v2 server', () => {
  it('checks an IP with the Key and Accept headers and maxAgeInDays=90', async () => {
    const v = await client.lookup({ type: 'ip', value: '203.0.113.145' }, 5_000);
    expect(v).toEqual({
      provider: 'abuseipdb',
      indicator: { type: 'ip', value: '203.0.113.145' },
      verdict: 'malicious',
      score: 100,
      summary: 'abuse confidence 100% from 412 report(s), NL',
      link: 'https://www.abuseipdb.com/check/203.0.113.145',
    });
    expect(server.requests).toEqual([
      { path: '/api/v2/check', query: { ipAddress: '203.0.113.145', maxAgeInDays: '90' }, key: KEY, accept: 'application/json' },
    ]);
  });

  it('judges middling scores suspicious, whitelisted benign, unreported unknown; checks IPv6', async () => {
    expect(await client.lookup({ type: 'ip', value: '203.0.113.146' }, 5_000)).toMatchObject({ verdict: 'suspicious', score: 38 });
    expect(await client.lookup({ type: 'ip', value: '192.0.2.53' }, 5_000)).toMatchObject({
      verdict: 'benign',
      summary: 'abuse confidence 0% from 3 report(s), US, whitelisted',
    });
    expect(await client.lookup({ type: 'ip', value: '198.51.100.99' }, 5_000)).toMatchObject({
      verdict: 'unknown',
      score: 0,
      summary: 'abuse confidence 0% from 0 report(s)',
    });
    expect(await client.lookup({ type: 'ip', value: '2001:db8::53' }, 5_000)).toMatchObject({ verdict: 'malicious', score: 80 });
  });

  it('passes a configured maxAgeInDays and reports the 422 the server gives for bad parameters', async () => {
    const c = new AbuseIpdbClient({ apiKey: KEY, baseUrl, maxAgeInDays: 400 });
    await expect(c.lookup({ type: 'ip', value: '203.0.113.145' }, 5_000)).rejects.toMatchObject({
      kind: 'http',
      message: 'HTTP 422: The max age in days must be between 1 and 365.',
    });
    await expect(client.lookup({ type: 'ip', value: 'not-an-ip' }, 5_000)).rejects.toMatchObject({
      message: 'HTTP 422: The ip address must be a valid IP address.',
    });
  });

  it('fails with kind auth on a wrong key', async () => {
    const c = new AbuseIpdbClient({ apiKey: 'wrong', baseUrl });
    await expect(c.lookup({ type: 'ip', value: '203.0.113.145' }, 5_000)).rejects.toMatchObject({
      kind: 'auth',
      message: expect.stringContaining('Authentication failed'),
    });
  });

  it('reads Retry-After from the daily-limit 429', async () => {
    const limited = new AbuseIpdbServer({ apiKey: KEY, dailyLimit: 1 });
    const c = new AbuseIpdbClient({ apiKey: KEY, baseUrl: await limited.start() });
    try {
      await c.lookup({ type: 'ip', value: '203.0.113.145' }, 5_000);
      await expect(c.lookup({ type: 'ip', value: '203.0.113.146' }, 5_000)).rejects.toMatchObject({
        kind: 'rate-limited',
        retryAfterMs: 3_600_000,
      });
    } finally {
      await limited.stop();
    }
  });

  it('fails with kind malformed when the answer is not JSON', async () => {
    server.mode = 'malformed';
    await expect(client.lookup({ type: 'ip', value: '203.0.113.145' }, 5_000)).rejects.toMatchObject({
      kind: 'malformed',
      message: expect.stringContaining('<html>'),
    });
  });

  it('only looks up IPs', () => {
    expect(['ip', 'domain', 'url', 'hash', 'email'].map((type) => client.supports({ type: type as 'ip', value: 'x' }))).toEqual([
      true,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('judgeAbuseIpdb', () => {
  it.each([
    [75, 'malicious'],
    [74, 'suspicious'],
    [25, 'suspicious'],
    [24, 'unknown'],
  ])('confidence %i → %s', (score, verdict) => {
    expect(judgeAbuseIpdb({ abuseConfidenceScore: score, totalReports: 5 }).verdict).toBe(verdict);
  });
  it('trusts the whitelist over the score', () => {
    expect(judgeAbuseIpdb({ abuseConfidenceScore: 90, totalReports: 5, isWhitelisted: true }).verdict).toBe('benign');
  });
});
