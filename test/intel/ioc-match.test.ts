import { iocCandidates, judgeIocMatches, THREAT_INTEL_ANALYZER } from '../../src/intel/ioc-match';
import type { ObservableSet } from '../../src/domain/observables';
import type { Ioc } from '../../src/intel/ioc';

const ioc = (value: string, verdict: Ioc['verdict'], extra: Partial<Ioc> = {}): Ioc => ({
  type: 'domain',
  value,
  verdict,
  source: 'feed-a',
  ...extra,
});

describe('judgeIocMatches', () => {
  it('is malicious with high confidence when a candidate is known malicious', () => {
    const f = judgeIocMatches(3, [ioc('good.example', 'benign'), ioc('evil.example', 'malicious', { description: 'phishing kit' })]);
    expect(f).toMatchObject({ analyzer: THREAT_INTEL_ANALYZER, verdict: 'malicious', score: 95, confidence: 0.9 });
    expect(f.evidence).toEqual(['domain evil.example is malicious per feed-a (phishing kit)']);
    expect(f.summary).toBe('1 known-bad indicator(s): domain evil.example is malicious per feed-a (phishing kit)');
  });

  it('is suspicious when the worst match is suspicious', () => {
    const f = judgeIocMatches(2, [ioc('meh.example', 'suspicious'), ioc('ok.example', 'benign')]);
    expect(f.verdict).toBe('suspicious');
    expect(f.score).toBe(65);
    expect(f.evidence).toEqual(['domain meh.example is suspicious per feed-a']);
  });

  it('lets one malicious match outweigh suspicious ones', () => {
    const f = judgeIocMatches(5, [
      ioc('a.example', 'suspicious'),
      ioc('1.2.3.4', 'malicious', { type: 'ip' }),
      ioc('b.example', 'suspicious'),
    ]);
    expect(f.verdict).toBe('malicious');
    expect(f.evidence).toHaveLength(3);
  });

  it('summarizes at most three bad indicators but keeps all as evidence', () => {
    const bad = Array.from({ length: 5 }, (_, i) => ioc(`bad${i}.example`, 'malicious'));
    const f = judgeIocMatches(5, bad);
    expect(f.summary).toMatch(/^5 known-bad indicator\(s\): /);
    expect(f.summary.split('; ')).toHaveLength(3);
    expect(f.evidence).toHaveLength(5);
  });

  it('is benign only when every candidate is known good', () => {
    const f = judgeIocMatches(2, [ioc('a.example', 'benign'), ioc('b.example', 'benign')]);
    expect(f).toMatchObject({ verdict: 'benign', score: 0, confidence: 0.8 });
    expect(f.summary).toBe('every indicator is known good: a.example, b.example');
  });

  it('is unknown when only some candidates are known good', () => {
    const f = judgeIocMatches(3, [ioc('a.example', 'benign')]);
    expect(f).toMatchObject({ verdict: 'unknown', score: 0, confidence: 0.3 });
    expect(f.summary).toBe('3 indicator(s) checked, 1 known');
    expect(f.evidence).toEqual(['domain a.example is benign per feed-a']);
  });

  it('is unknown when nothing matches', () => {
    expect(judgeIocMatches(4, [])).toMatchObject({
      verdict: 'unknown',
      score: 0,
      confidence: 0.3,
      summary: '4 indicator(s) checked, 0 known',
      evidence: [],
    });
  });

  it('has no confidence when there was nothing to check', () => {
    expect(judgeIocMatches(0, [])).toMatchObject({ verdict: 'unknown', score: 0, confidence: 0 });
  });

  it("never reports an error (lookup failures are the caller's to report)", () => {
    expect(judgeIocMatches(1, [ioc('x.example', 'malicious')]).error).toBeUndefined();
  });
});

describe('iocCandidates', () => {
  it('turns every IP, domain, URL, hash and email into a typed candidate, and nothing else', () => {
    const o: ObservableSet = {
      hosts: ['ws-1'],
      users: ['bob'],
      commandLines: ['cmd /c dir'],
      ips: ['203.0.113.5'],
      domains: ['evil.example'],
      urls: ['http://evil.example/a'],
      hashes: ['a'.repeat(64)],
      emails: ['x@evil.example'],
    };
    expect(iocCandidates(o)).toEqual([
      { type: 'ip', value: '203.0.113.5' },
      { type: 'domain', value: 'evil.example' },
      { type: 'url', value: 'http://evil.example/a' },
      { type: 'hash', value: 'a'.repeat(64) },
      { type: 'email', value: 'x@evil.example' },
    ]);
  });
});
