import { SEVERITIES, type Severity } from '../../src/domain/alert';
import type { Finding, FindingVerdict } from '../../src/domain/finding';
import { DEFAULT_POLICY, type TriagePolicy } from '../../src/domain/policy';
import { SEVERITY_BASE, scoreAlert } from '../../src/domain/scoring';

const policy = DEFAULT_POLICY; // autoCloseBelow 30, suspiciousAtOrAbove 50, maliciousAtOrAbove 80

function finding(analyzer: string, verdict: FindingVerdict, score: number, confidence = 0.7, extra: Partial<Finding> = {}): Finding {
  return { analyzer, verdict, score, confidence, summary: `${analyzer} says ${verdict}`, evidence: [], attack: [], ...extra };
}
const failed = (analyzer: string, extra: Partial<Finding> = {}) => finding(analyzer, 'unknown', 0, 0, { error: 'timeout', ...extra });

describe('scoreAlert', () => {
  it('starts from the severity base', () => {
    expect(SEVERITY_BASE).toEqual({ informational: 10, low: 25, medium: 45, high: 65, critical: 85 });
    for (const s of SEVERITIES) {
      const r = scoreAlert(s, [], policy);
      expect(r.score).toBe(SEVERITY_BASE[s]);
      expect(r.reasons[0]).toBe(`severity ${s} sets the base score ${SEVERITY_BASE[s]}`);
    }
  });

  it('orders bases by severity', () => {
    const bases = SEVERITIES.map((s) => SEVERITY_BASE[s]);
    expect([...bases].sort((a, b) => a - b)).toEqual(bases);
    expect(new Set(bases).size).toBe(bases.length);
  });

  it('raises the score to the strongest risky finding, and says which', () => {
    const r = scoreAlert('low', [finding('a', 'suspicious', 40), finding('b', 'malicious', 90), finding('c', 'benign', 0, 1)], policy);
    // 90 from b, +5 +... for one corroborating risky analyzer (a); c is benign and ignored.
    expect(r.score).toBe(95);
    expect(r.reasons.some((x) => x.startsWith('b found malicious evidence (90)'))).toBe(true);
    expect(r.reasons.some((x) => /^\+5: 1 more analyzer\(s\) corroborate \(a\)/.test(x))).toBe(true);
  });

  it('does not lower the score for a risky finding below the base', () => {
    const r = scoreAlert('high', [finding('a', 'suspicious', 20)], policy);
    expect(r.score).toBe(SEVERITY_BASE.high);
    expect(r.reasons.some((x) => x.includes('below the base'))).toBe(true);
  });

  it('adds 5 per corroborating risky finding, capped at 15', () => {
    const risky = (n: number) => Array.from({ length: n }, (_, i) => finding(`a${i}`, 'suspicious', 40));
    expect(scoreAlert('informational', risky(1), policy).score).toBe(40);
    expect(scoreAlert('informational', risky(2), policy).score).toBe(45);
    expect(scoreAlert('informational', risky(3), policy).score).toBe(50);
    expect(scoreAlert('informational', risky(4), policy).score).toBe(55);
    expect(scoreAlert('informational', risky(5), policy).score).toBe(55);
    expect(scoreAlert('informational', risky(10), policy).score).toBe(55);
  });

  it('never exceeds 100', () => {
    const r = scoreAlert(
      'critical',
      [1, 2, 3, 4].map((i) => finding(`m${i}`, 'malicious', 98)),
      policy,
    );
    expect(r.score).toBe(100);
    expect(r.verdict).toBe('malicious');
  });

  it('discounts benign findings by confidence, at most 15, only when nothing is risky', () => {
    expect(scoreAlert('medium', [finding('ti', 'benign', 0, 0.6)], policy).score).toBe(45 - 9);
    expect(scoreAlert('medium', [finding('ti', 'benign', 0, 1), finding('x', 'benign', 0, 0.2)], policy).score).toBe(45 - 15);
    // Any risky finding cancels the discount.
    expect(scoreAlert('medium', [finding('ti', 'benign', 0, 1), finding('cl', 'suspicious', 30)], policy).score).toBe(45);
  });

  it('never goes below 0', () => {
    expect(scoreAlert('informational', [finding('ti', 'benign', 0, 1)], policy).score).toBe(0);
  });

  it('ignores unknown findings for the score', () => {
    expect(scoreAlert('medium', [finding('n', 'unknown', 70, 0.2)], policy).score).toBe(45);
  });

  describe('a failed analyzer', () => {
    it.each(SEVERITIES)('never lowers the score (%s)', (severity: Severity) => {
      const others = [finding('cl', 'suspicious', 55), finding('ti', 'benign', 0, 0.9)];
      const before = scoreAlert(severity, others, policy).score;
      const asBenign = failed('net', { verdict: 'benign', confidence: 1 });
      expect(scoreAlert(severity, [...others, failed('net')], policy).score).toBeGreaterThanOrEqual(before);
      expect(scoreAlert(severity, [...others, asBenign], policy).score).toBeGreaterThanOrEqual(before);
      // With only benign evidence around, a failure must not earn a discount either.
      const benignOnly = [finding('ti', 'benign', 0, 0.5)];
      expect(scoreAlert(severity, [...benignOnly, asBenign], policy).score).toBe(scoreAlert(severity, benignOnly, policy).score);
    });

    it('does not raise the score through a risky verdict it failed to establish', () => {
      const r = scoreAlert('low', [failed('sandbox', { verdict: 'malicious', score: 99, confidence: 1 })], policy);
      expect(r.score).toBe(SEVERITY_BASE.low);
    });

    it('lowers confidence, more for each failure', () => {
      const ok = [finding('cl', 'suspicious', 55, 0.8)];
      const c0 = scoreAlert('medium', ok, policy).confidence;
      const c1 = scoreAlert('medium', [...ok, failed('ti')], policy).confidence;
      const c2 = scoreAlert('medium', [...ok, failed('ti'), failed('net')], policy).confidence;
      expect(c0).toBe(0.8);
      expect(c1).toBeLessThan(c0);
      expect(c2).toBeLessThan(c1);
      expect(scoreAlert('medium', [failed('ti')], policy).confidence).toBeLessThan(scoreAlert('medium', [], policy).confidence);
    });

    it('is named in the reasons with its error', () => {
      const r = scoreAlert('medium', [failed('threat-intel', { error: 'connection refused' })], policy);
      expect(r.reasons).toContain('threat-intel failed (connection refused); risk unchanged, confidence lowered');
    });

    it('keeps a high-severity alert with a blind spot from closing itself', () => {
      const lenient: TriagePolicy = { ...policy, autoCloseBelow: 70, suspiciousAtOrAbove: 75, maliciousAtOrAbove: 90 };
      expect(scoreAlert('high', [], lenient).disposition).toBe('auto_close');
      expect(scoreAlert('high', [failed('ti')], lenient).disposition).toBe('escalate');
      // Lower severities may still close with a failed analyzer.
      expect(scoreAlert('low', [failed('ti')], policy).disposition).toBe('auto_close');
    });
  });

  describe('a malicious finding', () => {
    it.each(SEVERITIES)('is never auto-closed, even when it scores low (%s)', (severity: Severity) => {
      const r = scoreAlert(severity, [finding('ti', 'malicious', 1, 0.1), finding('b', 'benign', 0, 1)], policy);
      expect(r.disposition).toBe('escalate');
    });

    it('escalates even when its score leaves the verdict benign', () => {
      const r = scoreAlert('informational', [finding('ti', 'malicious', 5)], policy);
      expect(r.verdict).toBe('benign');
      expect(r.disposition).toBe('escalate');
    });
  });

  describe('thresholds', () => {
    it.each([
      // [severity, top finding score, verdict, disposition] with DEFAULT_POLICY 30/50/80
      ['informational', 0, 'benign', 'auto_close'],
      ['informational', 29, 'benign', 'auto_close'],
      ['informational', 30, 'inconclusive', 'escalate'],
      ['informational', 49, 'inconclusive', 'escalate'],
      ['informational', 50, 'suspicious', 'escalate'],
      ['informational', 79, 'suspicious', 'escalate'],
      ['informational', 80, 'malicious', 'escalate'],
      ['low', 0, 'benign', 'auto_close'],
      ['medium', 0, 'inconclusive', 'escalate'],
      ['high', 0, 'suspicious', 'escalate'],
      ['critical', 0, 'malicious', 'escalate'],
    ] as const)('%s with a suspicious finding of %i → %s, %s', (severity, score, verdict, disposition) => {
      const findings = score > 0 ? [finding('a', 'suspicious', score)] : [];
      const r = scoreAlert(severity, findings, policy);
      expect(r.verdict).toBe(verdict);
      expect(r.disposition).toBe(disposition);
    });

    it('follows the policy it is given', () => {
      const strict: TriagePolicy = { ...policy, autoCloseBelow: 5, suspiciousAtOrAbove: 20, maliciousAtOrAbove: 40 };
      expect(scoreAlert('low', [], strict).verdict).toBe('suspicious');
      expect(scoreAlert('medium', [], strict).verdict).toBe('malicious');
      expect(scoreAlert('low', [], policy).verdict).toBe('benign');
    });

    it('explains the disposition last', () => {
      expect(scoreAlert('low', [], policy).reasons.at(-1)).toBe('score 25 is below the auto-close threshold 30');
      expect(scoreAlert('high', [], policy).reasons.at(-1)).toBe('score 65 (suspicious) needs an analyst');
    });
  });

  it('is deterministic regardless of finding order', () => {
    const fs = [finding('b', 'suspicious', 60), finding('a', 'suspicious', 60), finding('c', 'malicious', 85), failed('d')];
    const r1 = scoreAlert('medium', fs, policy);
    const r2 = scoreAlert('medium', [...fs].reverse(), policy);
    expect(r2.score).toBe(r1.score);
    expect(r2.verdict).toBe(r1.verdict);
    expect(r2.reasons.slice(0, 3)).toEqual(r1.reasons.slice(0, 3));
  });

  it('averages the confidence of the analyzers that answered', () => {
    expect(scoreAlert('medium', [finding('a', 'suspicious', 60, 0.9), finding('b', 'benign', 0, 0.5)], policy).confidence).toBe(0.7);
    expect(scoreAlert('medium', [], policy).confidence).toBe(0.5);
  });
});
