// Match an alert's indicators against the local IOC store.
import type { Finding } from '../domain/finding';
import type { ObservableSet } from '../domain/observables';
import type { Ioc, IocType } from './ioc';

export const THREAT_INTEL_ANALYZER = 'threat-intel';

export function iocCandidates(o: ObservableSet): { type: IocType; value: string }[] {
  return [
    ...o.ips.map((value) => ({ type: 'ip' as const, value })),
    ...o.domains.map((value) => ({ type: 'domain' as const, value })),
    ...o.urls.map((value) => ({ type: 'url' as const, value })),
    ...o.hashes.map((value) => ({ type: 'hash' as const, value })),
    ...o.emails.map((value) => ({ type: 'email' as const, value })),
  ];
}

export function judgeIocMatches(candidateCount: number, matches: Ioc[]): Finding {
  const bad = matches.filter((m) => m.verdict !== 'benign');
  const describe = (m: Ioc) => `${m.type} ${m.value} is ${m.verdict} per ${m.source}${m.description ? ` (${m.description})` : ''}`;
  if (bad.length > 0) {
    const malicious = bad.some((m) => m.verdict === 'malicious');
    return {
      analyzer: THREAT_INTEL_ANALYZER,
      verdict: malicious ? 'malicious' : 'suspicious',
      score: malicious ? 95 : 65,
      confidence: 0.9,
      summary: `${bad.length} known-bad indicator(s): ${bad.slice(0, 3).map(describe).join('; ')}`,
      evidence: bad.map(describe),
      attack: [],
    };
  }
  if (matches.length > 0 && matches.length === candidateCount) {
    return {
      analyzer: THREAT_INTEL_ANALYZER,
      verdict: 'benign',
      score: 0,
      confidence: 0.8,
      summary: `every indicator is known good: ${matches.map((m) => m.value).join(', ')}`,
      evidence: matches.map(describe),
      attack: [],
    };
  }
  return {
    analyzer: THREAT_INTEL_ANALYZER,
    verdict: 'unknown',
    score: 0,
    confidence: candidateCount ? 0.3 : 0,
    summary: `${candidateCount} indicator(s) checked, ${matches.length} known`,
    evidence: matches.map(describe),
    attack: [],
  };
}
