import { analyzeNetworkIndicators, NETWORK_ANALYZER } from '../../src/analyzers/network-indicators';
import { isPublicIpv4 } from '../../src/domain/observables';
import type { ObservableSet } from '../../src/domain/observables';

const set = (patch: Partial<ObservableSet> = {}): ObservableSet => ({
  hosts: [], users: [], hashes: [], domains: [], ips: [], urls: [], emails: [], commandLines: [], ...patch,
});

describe('isPublicIpv4', () => {
  it.each(['8.8.8.8', '1.1.1.1', '198.51.100.23', '203.0.113.77', '172.15.255.255', '172.32.0.1', '100.63.255.255', '100.128.0.1', '223.255.255.255', '11.0.0.1', '128.0.0.1'])(
    '%s is public', (ip) => expect(isPublicIpv4(ip)).toBe(true));

  it.each([
    '0.0.0.0', '10.0.0.1', '10.255.255.255', '127.0.0.1', '169.254.10.10', '192.168.0.1', '172.16.0.1', '172.31.255.255',
    '100.64.0.1', '100.127.255.255', '224.0.0.251', '239.255.255.250', '255.255.255.255',
  ])('%s is not public', (ip) => expect(isPublicIpv4(ip)).toBe(false));

  it.each(['example.com', '2001:db8::1', '300.1.1.1', ''])('%j is not an IPv4 address at all', (v) => expect(isPublicIpv4(v)).toBe(false));
});

describe('analyzeNetworkIndicators', () => {
  it('is unknown with no confidence when there are no network indicators', () => {
    expect(analyzeNetworkIndicators(set({ hosts: ['ws-1'], hashes: ['a'.repeat(64)] }))).toEqual({
      analyzer: NETWORK_ANALYZER, verdict: 'unknown', score: 0, confidence: 0, summary: 'no network indicators', evidence: [], attack: [],
    });
  });

  it('finds nothing suspicious in ordinary domains and URLs', () => {
    const f = analyzeNetworkIndicators(set({ urls: ['https://www.example.com/login'], domains: ['www.example.com'], ips: ['10.0.0.5'] }));
    expect(f.verdict).toBe('unknown');
    expect(f.score).toBe(0);
    expect(f.confidence).toBeGreaterThan(0);
    expect(f.summary).toBe('3 network indicator(s), none suspicious by shape');
    expect(f.attack).toEqual([]);
  });

  it('flags a URL pointing at a bare IP address', () => {
    const f = analyzeNetworkIndicators(set({ urls: ['http://198.51.100.23/owa/login.php'], ips: ['198.51.100.23'] }));
    expect(f.verdict).toBe('suspicious');
    expect(f.score).toBe(55);
    expect(f.evidence).toContain('URL points at a bare IP address: http://198.51.100.23/owa/login.php');
    expect(f.attack).toEqual(['T1566.002']);
  });

  it.each(['bit.ly', 'tinyurl.com', 't.co'])('flags the URL shortener %s', (host) => {
    const f = analyzeNetworkIndicators(set({ urls: [`https://${host}/abc123`] }));
    expect(f.verdict).toBe('suspicious');
    expect(f.score).toBe(35);
    expect(f.summary).toContain('URL shortener');
  });

  it.each(['mailbox-quota-check.top', 'invoice.zip', 'login.example.xyz'])('flags the abused TLD of %s', (d) => {
    const f = analyzeNetworkIndicators(set({ domains: [d] }));
    expect(f.verdict).toBe('suspicious');
    expect(f.score).toBe(45);
    expect(f.evidence[0]).toBe(`domain under a frequently abused TLD .${d.split('.').pop()}: ${d}`);
  });

  it('does not take a risky TLD label in the middle of a name for the TLD', () => {
    expect(analyzeNetworkIndicators(set({ domains: ['top.example.com', 'zip.example.org'] })).score).toBe(0);
  });

  it.each(['xn--pple-43d.com', 'login.xn--80ak6aa92e.com'])('flags the punycode domain %s', (d) => {
    const f = analyzeNetworkIndicators(set({ domains: [d] }));
    expect(f.score).toBe(40);
    expect(f.evidence[0]).toBe(`internationalized (punycode) domain: ${d}`);
  });

  it('scores by the strongest signal and keeps every piece of evidence', () => {
    const f = analyzeNetworkIndicators(set({
      urls: ['http://203.0.113.9/a', 'https://bit.ly/x'], domains: ['evil.top', 'bit.ly'], ips: ['203.0.113.9', '10.0.0.1'],
    }));
    expect(f.score).toBe(55);
    expect(f.evidence).toHaveLength(4);
    expect(f.evidence.at(-1)).toBe('public IP addresses involved: 203.0.113.9');
    // The public-IP note is evidence, not part of the summary of what is suspicious.
    expect(f.summary).not.toContain('public IP');
    expect(f.summary.split('; ')).toHaveLength(3);
  });

  it('notes public IPs without raising the score for them', () => {
    const f = analyzeNetworkIndicators(set({ ips: ['8.8.8.8', '10.1.2.3', '192.0.2.1'] }));
    expect(f.score).toBe(0);
    expect(f.verdict).toBe('unknown');
    expect(f.evidence).toEqual(['public IP addresses involved: 8.8.8.8, 192.0.2.1']);
  });

  it('lists at most ten public IPs', () => {
    const ips = Array.from({ length: 15 }, (_, i) => `203.0.113.${i + 1}`);
    const line = analyzeNetworkIndicators(set({ ips })).evidence[0];
    expect(line.split(', ')).toHaveLength(10);
  });
});
