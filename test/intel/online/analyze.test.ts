import { analyzeOnlineIntel, ANALYZER_VERSION, ONLINE_INTEL_ANALYZER } from '../../../src/intel/online/analyze';
import type { IntelLookupEntry, OnlineVerdict } from '../../../src/intel/online/types';
import { Finding } from '../../../src/domain/finding';

const ip = { type: 'ip' as const, value: '203.0.113.145' };
const ok = (provider: string, verdict: OnlineVerdict['verdict'], score: number, indicator = ip): IntelLookupEntry => ({
  provider,
  indicator,
  status: 'ok',
  cached: false,
  verdict: { provider, indicator, verdict, score, summary: `${provider} says ${verdict}`, link: `https://${provider}.example/r` },
});
const failed = (provider: string, status: 'error' | 'rate-limited' = 'error'): IntelLookupEntry => ({
  provider,
  indicator: ip,
  status,
  error: `${provider} broke`,
});

describe('analyzeOnlineIntel', () => {
  it('is malicious when a provider says so, more confident when providers agree', () => {
    const one = analyzeOnlineIntel([ok('virustotal', 'malicious', 85), ok('abuseipdb', 'unknown', 0)]);
    expect(one).toMatchObject({ analyzer: ONLINE_INTEL_ANALYZER, verdict: 'malicious', score: 85, confidence: 0.6, attack: [] });
    expect(one.summary).toBe('1 provider(s) report malicious indicators: 203.0.113.145 (virustotal)');
    expect(one.evidence[0]).toBe('virustotal: ip 203.0.113.145 is malicious (virustotal says malicious) https://virustotal.example/r');
    const two = analyzeOnlineIntel([ok('virustotal', 'malicious', 85), ok('abuseipdb', 'malicious', 100)]);
    expect(two).toMatchObject({ verdict: 'malicious', score: 100, confidence: 0.75 });
    expect(Finding.safeParse(two).success).toBe(true);
  });

  it('is suspicious (score capped at 70) when the worst is suspicious', () => {
    expect(analyzeOnlineIntel([ok('urlhaus', 'suspicious', 60), ok('virustotal', 'benign', 0)])).toMatchObject({
      verdict: 'suspicious',
      score: 60,
      confidence: 0.45,
    });
    expect(analyzeOnlineIntel([ok('urlscan', 'suspicious', 95)]).score).toBe(70);
  });

  it('is benign only when every answer is benign, and then with low confidence', () => {
    expect(analyzeOnlineIntel([ok('virustotal', 'benign', 0), ok('abuseipdb', 'benign', 0)])).toMatchObject({
      verdict: 'benign',
      score: 0,
      confidence: 0.4,
    });
    expect(analyzeOnlineIntel([ok('virustotal', 'benign', 0), ok('urlscan', 'unknown', 0)])).toMatchObject({
      verdict: 'unknown',
      confidence: 0.2,
    });
  });

  it('mentions failed lookups but judges on the answers it has', () => {
    const f = analyzeOnlineIntel([ok('virustotal', 'malicious', 80), failed('abuseipdb', 'rate-limited')]);
    expect(f.verdict).toBe('malicious');
    expect(f.summary).toMatch(/; 1 lookup\(s\) failed or were rate-limited$/);
    expect(f.evidence).toContain('abuseipdb: ip 203.0.113.145 rate-limited (abuseipdb broke)');
    expect(f.error).toBeUndefined();
  });

  it('sets error when every lookup failed', () => {
    const f = analyzeOnlineIntel([failed('virustotal'), failed('urlhaus')]);
    expect(f).toMatchObject({ verdict: 'unknown', score: 0, confidence: 0 });
    expect(f.error).toMatch(/^all 2 online intel lookups failed: virustotal: ip 203\.0\.113\.145 error \(virustotal broke\)/);
  });

  it('has nothing to say (no error) when nothing was looked up or everything was skipped', () => {
    expect(analyzeOnlineIntel([])).toMatchObject({ verdict: 'unknown', confidence: 0, summary: 'no indicator was looked up online' });
    const skipped = analyzeOnlineIntel([{ provider: 'online-intel', indicator: ip, status: 'skipped', error: 'too many' }]);
    expect(skipped).toMatchObject({ verdict: 'unknown', confidence: 0, summary: 'no online verdict (1 lookup(s) skipped)' });
    expect(skipped.error).toBeUndefined();
  });

  it('turns malformed input into a finding with error, never a crash', () => {
    for (const bad of [
      undefined,
      null,
      'x',
      [{ provider: 'vt' }],
      [{ ...ok('vt', 'malicious', 80), verdict: { score: 900 } }],
      Array(3000).fill(ok('vt', 'benign', 0)),
    ]) {
      const f = analyzeOnlineIntel(bad);
      expect(f).toMatchObject({ analyzer: 'online-intel', verdict: 'unknown', score: 0, confidence: 0 });
      expect(f.error).toMatch(/^malformed lookup entries/);
    }
  });

  it('keeps evidence bounded', () => {
    const many = Array.from({ length: 200 }, (_, i) => ok('virustotal', 'malicious', 90, { type: 'ip', value: `198.51.100.${i}` }));
    expect(analyzeOnlineIntel(many).evidence).toHaveLength(50);
  });

  it('has a version for the analysis cache', () => {
    expect(ANALYZER_VERSION).toBe('1');
  });
});
