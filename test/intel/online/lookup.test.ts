import { Pool } from 'pg';
import { AbuseIpdbClient } from '../../../src/intel/online/abuseipdb';
import { IntelCache } from '../../../src/store/intel-cache';
import { onlineIntelFromEnv, IntelConfigError } from '../../../src/intel/online/config';
import { OnlineIntel, type ProviderSetup } from '../../../src/intel/online/lookup';
import type { Clock, IntelLookupEntry } from '../../../src/intel/online/types';
import { UrlhausClient } from '../../../src/intel/online/urlhaus';
import { UrlscanClient } from '../../../src/intel/online/urlscan';
import { VirusTotalClient } from '../../../src/intel/online/virustotal';
import type { ObservableSet } from '../../../src/domain/observables';
import { openTestDatabase, type TestDatabase } from '../../helpers/database';
import { AbuseIpdbServer } from '../../servers/abuseipdb-server';
import { UrlhausServer } from '../../servers/urlhaus-server';
import { UrlscanServer } from '../../servers/urlscan-server';
import { VirusTotalServer } from '../../servers/virustotal-server';

const VT_KEY = 'a'.repeat(64),
  ABUSE_KEY = 'b'.repeat(80),
  URLHAUS_KEY = 'c'.repeat(48),
  URLSCAN_KEY = '5a17c0de-1111-4222-8333-444455556666';
const BAD_IP = '203.0.113.145',
  BAD_DOMAIN = 'invoice-portal.example',
  BAD_URL = 'http://invoice-portal.example/dl/inv_2025.zip';
const SHA256 = '6ca4d8f901ad601e358fb29a4f7fa5d69218060fc5b8ad819f22fe3ba3c9412a';

class FakeClock implements Clock {
  t = Date.parse('2025-03-15T00:00:00Z');
  now() {
    return this.t;
  }
  advance(ms: number) {
    this.t += ms;
  }
}

const vt = new VirusTotalServer({
  apiKey: VT_KEY,
  files: [
    {
      md5: '5985cd9e7e9fabfbf712e74d5a8af803',
      sha1: 'fc737034d4f7bf88acf93556bb7324d95eec3797',
      sha256: SHA256,
      stats: { malicious: 41, suspicious: 0, harmless: 0, undetected: 30 },
    },
  ],
  domains: { [BAD_DOMAIN]: { malicious: 7, suspicious: 0, harmless: 60, undetected: 20 } },
  ips: { [BAD_IP]: { malicious: 3, suspicious: 0, harmless: 60, undetected: 20 } },
  urls: { [BAD_URL]: { malicious: 12, suspicious: 0, harmless: 50, undetected: 20 } },
});
const abuse = new AbuseIpdbServer({
  apiKey: ABUSE_KEY,
  reports: { [BAD_IP]: { abuseConfidenceScore: 100, totalReports: 412, countryCode: 'NL' } },
});
const urlhaus = new UrlhausServer({
  authKey: URLHAUS_KEY,
  urls: [{ id: '3390116', url: BAD_URL, host: BAD_DOMAIN, url_status: 'online', threat: 'malware_download', tags: ['zip'] }],
});
const urlscan = new UrlscanServer({
  apiKey: URLSCAN_KEY,
  scans: [
    {
      uuid: '0195c3a1-aaaa-7000-8000-000000000001',
      url: `http://${BAD_DOMAIN}/`,
      domain: BAD_DOMAIN,
      ip: BAD_IP,
      malicious: true,
      score: 100,
    },
  ],
});
const servers = [vt, abuse, urlhaus, urlscan];
const urls: Record<string, string> = {};
let db: TestDatabase;

// Indicators this file caches; cleared before each test (no other test uses intel_cache).
const VALUES = [
  BAD_IP,
  BAD_DOMAIN,
  BAD_URL,
  SHA256,
  '198.51.100.60',
  '198.51.100.61',
  '198.51.100.62',
  '198.51.100.63',
  '198.51.100.64',
  '198.51.100.65',
  'clean.invoice-portal.example',
];

function observables(o: Partial<ObservableSet>): ObservableSet {
  return { hosts: [], users: [], hashes: [], domains: [], ips: [], urls: [], emails: [], commandLines: [], ...o };
}

function intel(
  clock: FakeClock,
  opts: {
    vtRate?: ProviderSetup['rate'];
    timeoutMs?: number;
    keys?: Partial<Record<string, string>>;
    cache?: IntelCache | null;
    maxIndicators?: number;
    deadlineMs?: number;
  } = {},
) {
  const k = { vt: VT_KEY, abuse: ABUSE_KEY, urlhaus: URLHAUS_KEY, urlscan: URLSCAN_KEY, ...opts.keys };
  const rate = { requests: 100, perMs: 60_000 };
  return new OnlineIntel({
    clock,
    cache: opts.cache === null ? undefined : (opts.cache ?? new IntelCache(db.pool, clock)),
    maxIndicators: opts.maxIndicators,
    deadlineMs: opts.deadlineMs,
    internalDomains: ['corp.example'],
    providers: [
      { provider: new VirusTotalClient({ apiKey: k.vt!, baseUrl: urls.vt }), rate: opts.vtRate ?? rate, timeoutMs: opts.timeoutMs },
      { provider: new AbuseIpdbClient({ apiKey: k.abuse!, baseUrl: urls.abuse }), rate, timeoutMs: opts.timeoutMs },
      { provider: new UrlhausClient({ authKey: k.urlhaus!, baseUrl: urls.urlhaus }), rate, timeoutMs: opts.timeoutMs },
      { provider: new UrlscanClient({ apiKey: k.urlscan!, baseUrl: urls.urlscan }), rate, timeoutMs: opts.timeoutMs },
    ],
  });
}

const requestCount = () => vt.requests.length + abuse.requests.length + urlhaus.requests.length + urlscan.requests.length;
const summary = (entries: IntelLookupEntry[]) =>
  entries
    .map((e) => `${e.provider} ${e.indicator.value} ${e.status}${e.verdict ? ` ${e.verdict.verdict}` : ''}${e.cached ? ' cached' : ''}`)
    .sort();

beforeAll(async () => {
  db = await openTestDatabase();
  [urls.vt, urls.abuse, urls.urlhaus, urls.urlscan] = await Promise.all(servers.map((s) => s.start()));
});
afterAll(async () => {
  await db.pool.query('DELETE FROM intel_cache WHERE indicator_value = ANY($1)', [VALUES]);
  await Promise.all(servers.map((s) => s.stop()));
  await db.close();
});
beforeEach(async () => {
  await db.pool.query('DELETE FROM intel_cache WHERE indicator_value = ANY($1)', [VALUES]);
  for (const s of servers) {
    s.mode = 'normal';
    s.requests.length = 0;
  }
});

describe('OnlineIntel.lookupAll against local provider servers', () => {
  it('asks every provider about the indicators it supports and never sends private or internal ones', async () => {
    const entries = await intel(new FakeClock()).lookupAll(
      observables({
        ips: [BAD_IP, '10.1.2.3', '192.168.0.8', 'fd00::1'],
        domains: [BAD_DOMAIN, 'fileserver.corp.example', 'printer.local'],
        urls: [BAD_URL, 'http://intranet.corp.example/x'],
        hashes: [SHA256],
        emails: ['billing@invoice-portal.example'],
      }),
    );
    expect(summary(entries)).toEqual(
      [
        `abuseipdb ${BAD_IP} ok malicious`,
        `urlhaus ${BAD_URL} ok malicious`,
        `urlhaus ${BAD_DOMAIN} ok malicious`,
        `urlhaus ${BAD_IP} ok unknown`,
        `urlhaus ${SHA256} ok unknown`,
        `urlscan ${BAD_URL} ok unknown`,
        `urlscan ${BAD_DOMAIN} ok malicious`,
        `urlscan ${BAD_IP} ok malicious`,
        `virustotal ${BAD_URL} ok malicious`,
        `virustotal ${BAD_DOMAIN} ok malicious`,
        `virustotal ${BAD_IP} ok suspicious`,
        `virustotal ${SHA256} ok malicious`,
      ].sort(),
    );
    const sent = JSON.stringify([vt.requests, abuse.requests, urlhaus.requests, urlscan.requests]);
    for (const secret of ['10.1.2.3', '192.168.0.8', 'fd00::1', 'corp.example', 'printer.local', 'billing@'])
      expect(sent).not.toContain(secret);
  });

  it('answers a second lookup from the cache without a request', async () => {
    const clock = new FakeClock();
    const o = observables({ ips: [BAD_IP], domains: [BAD_DOMAIN] });
    await intel(clock).lookupAll(o);
    const before = requestCount();
    expect(before).toBe(8); // IP: all four providers; domain: all but AbuseIPDB; the one urlscan result both share
    const again = await intel(clock).lookupAll(o); // a new instance: the cache is the database
    expect(requestCount()).toBe(before);
    expect(again.every((e) => e.status === 'ok' && e.cached)).toBe(true);
    expect(again).toHaveLength(7);
  });

  it('expires cached verdicts after the TTL, and "unknown" ones sooner', async () => {
    const clock = new FakeClock();
    const o = observables({ domains: [BAD_DOMAIN, 'clean.invoice-portal.example'] });
    const first = await intel(clock).lookupAll(o);
    expect(summary(first)).toContain('virustotal clean.invoice-portal.example ok unknown');
    vt.requests.length = 0;
    clock.advance(61 * 60_000); // past the 1 h negative TTL, inside the 24 h TTL
    const second = await intel(clock).lookupAll(o);
    expect(vt.requests.map((r) => r.path)).toEqual(['/api/v3/domains/clean.invoice-portal.example']);
    expect(summary(second)).toContain(`virustotal ${BAD_DOMAIN} ok malicious cached`);
    vt.requests.length = 0;
    clock.advance(24 * 3_600_000);
    await intel(clock).lookupAll(o);
    expect(vt.requests.map((r) => r.path).sort()).toEqual([
      '/api/v3/domains/clean.invoice-portal.example',
      `/api/v3/domains/${BAD_DOMAIN}`,
    ]);
  });

  it('keeps to the provider rate (VirusTotal public API: 4 a minute) without waiting', async () => {
    const clock = new FakeClock();
    const service = intel(clock, { vtRate: { requests: 4, perMs: 60_000 }, cache: null });
    const ips = ['198.51.100.60', '198.51.100.61', '198.51.100.62', '198.51.100.63', '198.51.100.64', '198.51.100.65'];
    const entries = (await service.lookupAll(observables({ ips }))).filter((e) => e.provider === 'virustotal');
    expect(entries.map((e) => e.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'rate-limited', 'rate-limited']);
    expect(entries[4]).toMatchObject({ retryAfterMs: 15_000, error: 'virustotal request budget used up' });
    expect(vt.requests).toHaveLength(4);
    clock.advance(15_000);
    const later = (await service.lookupAll(observables({ ips: ips.slice(4) }))).filter((e) => e.provider === 'virustotal');
    expect(later.map((e) => e.status)).toEqual(['ok', 'rate-limited']);
    expect(vt.requests).toHaveLength(5);
  });

  it('respects a 429 Retry-After: reports rate-limited and asks nothing until it has passed', async () => {
    const clock = new FakeClock();
    const service = intel(clock, { cache: null });
    vt.mode = 'rate-limited';
    vt.retryAfterSeconds = 120;
    const first = (await service.lookupAll(observables({ ips: [BAD_IP], domains: [BAD_DOMAIN] }))).filter(
      (e) => e.provider === 'virustotal',
    );
    expect(first.map((e) => [e.status, e.retryAfterMs])).toEqual([
      ['rate-limited', 120_000],
      ['rate-limited', 120_000],
    ]);
    expect(vt.requests).toHaveLength(1); // the second indicator was not even asked
    vt.mode = 'normal';
    clock.advance(60_000);
    const during = (await service.lookupAll(observables({ ips: [BAD_IP] }))).filter((e) => e.provider === 'virustotal');
    expect(during).toEqual([expect.objectContaining({ status: 'rate-limited', retryAfterMs: 60_000 })]);
    expect(vt.requests).toHaveLength(1);
    clock.advance(60_001);
    const after = (await service.lookupAll(observables({ ips: [BAD_IP] }))).filter((e) => e.provider === 'virustotal');
    expect(after).toEqual([expect.objectContaining({ status: 'ok' })]);
  });

  it('gives up on a server that never answers within the timeout, and the other providers still answer', async () => {
    vt.mode = 'hang';
    // The server never answers: only the timeout lets this call return at all (3 s, so the
    // other providers' loopback answers arrive within it even on a loaded machine).
    const entries = await intel(new FakeClock(), { timeoutMs: 3_000, cache: null }).lookupAll(observables({ ips: [BAD_IP] }));
    expect(entries.find((e) => e.provider === 'virustotal')).toMatchObject({
      status: 'error',
      error: 'virustotal: no answer within 3000 ms',
    });
    expect(entries.find((e) => e.provider === 'abuseipdb')).toMatchObject({ status: 'ok', verdict: { verdict: 'malicious' } });
  });

  it('turns malformed answers into error entries and caches nothing for them', async () => {
    urlhaus.mode = 'malformed';
    const clock = new FakeClock();
    const entries = await intel(clock).lookupAll(observables({ urls: [BAD_URL] }));
    expect(entries.find((e) => e.provider === 'urlhaus')).toMatchObject({
      status: 'error',
      error: expect.stringContaining('answer is not JSON'),
    });
    urlhaus.mode = 'normal';
    const again = await intel(clock).lookupAll(observables({ urls: [BAD_URL] }));
    expect(again.find((e) => e.provider === 'urlhaus')).toMatchObject({ status: 'ok', cached: false });
  });

  it('stops asking a provider that refused its key, and says so', async () => {
    const entries = await intel(new FakeClock(), { keys: { vt: 'f'.repeat(64) }, cache: null }).lookupAll(
      observables({ ips: [BAD_IP], domains: [BAD_DOMAIN], hashes: [SHA256] }),
    );
    const vtEntries = entries.filter((e) => e.provider === 'virustotal');
    expect(vtEntries.map((e) => e.status)).toEqual(['error', 'skipped', 'skipped']);
    expect(vtEntries[0].error).toMatch(/^virustotal: HTTP 401 \(API key refused\)/);
    expect(vtEntries[1].error).toBe('not asked: virustotal refused the API key');
    expect(vt.requests).toHaveLength(1);
  });

  it('works on without a cache when the database is unreachable', async () => {
    const deadPool = new Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none', connectionTimeoutMillis: 500 });
    deadPool.on('error', () => undefined);
    try {
      const clock = new FakeClock();
      const entries = await intel(clock, { cache: new IntelCache(deadPool, clock) }).lookupAll(observables({ ips: [BAD_IP] }));
      expect(entries.filter((e) => e.status === 'ok')).toHaveLength(4);
    } finally {
      await deadPool.end();
    }
  });

  it('caps the indicators of one lookup, and stops at its deadline', async () => {
    const capped = await intel(new FakeClock(), { maxIndicators: 1, cache: null }).lookupAll(
      observables({ ips: [BAD_IP, '198.51.100.60'] }),
    );
    expect(capped.filter((e) => e.indicator.value === '198.51.100.60')).toEqual([
      {
        provider: 'online-intel',
        indicator: { type: 'ip', value: '198.51.100.60' },
        status: 'skipped',
        error: 'not looked up: more than 1 indicators in one alert',
      },
    ]);
    const late = await intel(new FakeClock(), { deadlineMs: 0, cache: null }).lookupAll(observables({ ips: [BAD_IP] }));
    expect(late.map((e) => e.status)).toEqual(['error', 'error', 'error', 'error']);
    expect(requestCount()).toBe(5); // only the capped lookup asked (four providers, and the urlscan hit's result)
  });

  it('returns nothing, without throwing, for input that is not an observable set', async () => {
    expect(await intel(new FakeClock()).lookupAll(42 as unknown as ObservableSet)).toEqual([]);
  });
});

describe('onlineIntelFromEnv', () => {
  it('turns on only the providers whose key is set, pointed at the configured base URLs', async () => {
    const service = onlineIntelFromEnv({
      VT_API_KEY: VT_KEY,
      VT_BASE_URL: urls.vt,
      URLHAUS_AUTH_KEY: '',
      ABUSEIPDB_API_KEY: ABUSE_KEY,
      ABUSEIPDB_BASE_URL: urls.abuse,
    });
    expect(service.providers).toEqual(['virustotal', 'abuseipdb']);
    const entries = await service.lookupAll(observables({ ips: [BAD_IP] }));
    expect(entries.map((e) => `${e.provider} ${e.status}`)).toEqual(['virustotal ok', 'abuseipdb ok']);
    expect(onlineIntelFromEnv({}).providers).toEqual([]);
  });

  it('names the setting that is wrong', () => {
    expect(() => onlineIntelFromEnv({ VT_RATE: 'lots' })).toThrow(IntelConfigError);
    expect(() => onlineIntelFromEnv({ VT_RATE: 'lots' })).toThrow(/VT_RATE: "lots" is not a rate/);
    expect(() => onlineIntelFromEnv({ INTEL_TIMEOUT: '0s' })).toThrow(/INTEL_TIMEOUT/);
    expect(() => onlineIntelFromEnv({ URLSCAN_BASE_URL: 'not a url' })).toThrow(/URLSCAN_BASE_URL/);
  });

  it('caches in the database when given a pool', async () => {
    const clock = new FakeClock();
    const env = { ABUSEIPDB_API_KEY: ABUSE_KEY, ABUSEIPDB_BASE_URL: urls.abuse };
    await onlineIntelFromEnv(env, { pool: db.pool, clock }).lookupAll(observables({ ips: [BAD_IP] }));
    const again = await onlineIntelFromEnv(env, { pool: db.pool, clock }).lookupAll(observables({ ips: [BAD_IP] }));
    expect(again).toEqual([expect.objectContaining({ status: 'ok', cached: true })]);
    expect(abuse.requests).toHaveLength(1);
  });
});
