import { Finding } from '../../src/domain/finding';
import { ANALYZER_VERSION, analyzeIps, classifyIp, type Reputation } from '../../src/analyzers/ip';
import { countTextWork } from '../helpers/work';

describe('classifyIp', () => {
  const nonPublic: [string, string, string][] = [
    ['10.1.2.3', 'private', 'private'],
    ['172.31.255.1', 'private', 'private'],
    ['192.168.0.10', 'private', 'private'],
    ['127.0.0.1', 'loopback', 'loopback'],
    ['169.254.10.20', 'linkLocal', 'link-local'],
    ['100.64.0.1', 'carrierGradeNat', 'carrier-grade NAT'],
    ['224.0.0.251', 'multicast', 'multicast'],
    ['192.0.2.55', 'reserved', 'documentation (TEST-NET-1)'],
    ['198.51.100.7', 'reserved', 'documentation (TEST-NET-2)'],
    ['203.0.113.200', 'reserved', 'documentation (TEST-NET-3)'],
    ['198.18.5.5', 'reserved', 'benchmarking'],
    ['240.0.0.1', 'reserved', 'reserved for future use'],
    ['255.255.255.255', 'broadcast', 'limited broadcast'],
    ['0.0.0.0', 'unspecified', '"this network"'],
    ['::1', 'loopback', 'loopback'],
    ['fe80::1%eth0', 'linkLocal', 'link-local'],
    ['fd12:3456::1', 'uniqueLocal', 'unique local'],
    ['2001:db8::abcd', 'reserved', 'documentation'],
    ['ff02::1', 'multicast', 'multicast'],
    ['[2001:db8::5]', 'reserved', 'documentation'],
  ];
  it.each(nonPublic)('%s is %s (%s) and not public', (ip, range, bogon) => {
    const f = classifyIp(ip);
    expect(f).toEqual(expect.objectContaining({ range, public: false }));
    expect(f.bogon?.name).toBe(bogon);
    expect(f.country).toBeUndefined();
  });

  it('gives public addresses a country from the bundled GeoLite2 data, offline', () => {
    // Google's public resolvers are registered in the US in every GeoLite2 release.
    expect(classifyIp('8.8.8.8')).toEqual(expect.objectContaining({ public: true, range: 'unicast', version: 4, country: 'US' }));
    expect(classifyIp('2001:4860:4860::8888')).toEqual(expect.objectContaining({ public: true, version: 6, country: 'US' }));
    // Regional registries' own servers sit in their home countries (RIPE NCC, APNIC, NIC.br).
    expect(classifyIp('193.0.6.139').country).toBe('NL');
    expect(classifyIp('202.12.29.205').country).toBe('AU');
    expect(classifyIp('200.160.2.3').country).toBe('BR');
    // Anycast space without a registered country stays without one rather than guessing.
    expect(classifyIp('1.1.1.1')).toEqual(expect.objectContaining({ public: true, country: undefined }));
  });

  it('unwraps IPv4-mapped IPv6 and notes non-canonical IPv4 notation', () => {
    expect(classifyIp('::ffff:10.0.0.1')).toEqual(expect.objectContaining({ ip: '10.0.0.1', version: 4, public: false }));
    expect(classifyIp('3232235777')).toEqual(expect.objectContaining({ ip: '192.168.1.1', nonCanonical: true, public: false }));
    expect(classifyIp('0x7f.1')).toEqual(expect.objectContaining({ ip: '127.0.0.1', nonCanonical: true }));
    expect(classifyIp('8.8.4.4').nonCanonical).toBeUndefined();
  });

  it('rejects what is not an address', () => {
    for (const junk of ['', 'localhost', '1.2.3.4.5', '999.1.1.1', 'gggg::1', '1.2.3.4/24']) {
      expect(classifyIp(junk)).toEqual(expect.objectContaining({ invalid: 'not an IP address', public: false }));
    }
  });
});

describe('analyzeIps', () => {
  it('scores the reputation the caller supplies, by given or canonical form', () => {
    const rep = new Map<string, Reputation>([
      ['185.220.101.7', { verdict: 'malicious', source: 'local-blocklist' }],
      ['2001:67c:2e8::1', { verdict: 'suspicious', source: 'analyst-watchlist' }],
    ]);
    const f = analyzeIps(['185.220.101.7', '2001:067c:02e8:0000::0001', '10.0.0.8', '8.8.8.8'], rep);
    expect(Finding.parse(f)).toEqual(f);
    expect(f).toEqual(expect.objectContaining({ analyzer: 'ip', verdict: 'malicious', score: 90 }));
    expect(f.evidence[0]).toBe('malicious per local-blocklist: 185.220.101.7 [public, DE]');
    expect(f.evidence).toEqual(
      expect.arrayContaining([
        expect.stringContaining('suspicious per analyst-watchlist: 2001:67c:2e8::1'),
        '10.0.0.8 [private, RFC 1918]',
      ]),
    );
    expect(ANALYZER_VERSION).toMatch(/^\d+$/);
  });

  it('is informational without reputation, and benign when every public address is known good', () => {
    const plain = analyzeIps(['8.8.8.8', '192.168.1.1']);
    expect(plain).toEqual(expect.objectContaining({ verdict: 'unknown', score: 0 }));
    expect(plain.summary).toContain('1 public (US), 1 non-public');
    const good = analyzeIps(['8.8.8.8', '192.168.1.1'], new Map([['8.8.8.8', { verdict: 'benign', source: 'allowlist' }]]));
    expect(good).toEqual(expect.objectContaining({ verdict: 'benign', score: 0 }));
  });

  it('reports malformed input as an error finding, not a crash', () => {
    const f = analyzeIps(['not-an-ip', 'x.y']);
    expect(f.error).toBe('none of 2 input(s) is an IP address');
    expect(f.verdict).toBe('unknown');
    expect(analyzeIps([]).error).toBeUndefined();
    expect(analyzeIps(undefined as unknown as string[]).error).toBeDefined();
  });

  it('bounds its work on large inputs', async () => {
    const ips = Array.from({ length: 5000 }, (_, i) => `11.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    const { value: f, work } = await countTextWork(() => analyzeIps(ips));
    expect(f.summary).toMatch(/^500 IP\(s\)/);
    // Only the first 500 distinct inputs are examined, each with a bounded number of regex runs.
    expect(work.execs).toBeLessThan(50 * 500);
    expect(work.charsScanned + work.indexOfChars).toBeLessThan(200 * 500);
  });
});
