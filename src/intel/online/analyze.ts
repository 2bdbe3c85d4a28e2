// The 'online-intel' analyzer: what the online providers said about an alert's indicators,
// as one finding. Pure: it judges lookup entries, it does not make them.
import { z } from 'zod';
import type { Finding } from '../../domain/finding';
import { IntelLookupEntry, type OnlineVerdict } from './types';

export const ONLINE_INTEL_ANALYZER = 'online-intel';
export const ANALYZER_VERSION = '1';

const MAX_ENTRIES = 2_000;
const MAX_EVIDENCE = 50;

const describe = (v: OnlineVerdict) =>
  `${v.provider}: ${v.indicator.type} ${v.indicator.value} is ${v.verdict} (${v.summary})${v.link ? ` ${v.link}` : ''}`;

export function analyzeOnlineIntel(entries: unknown): Finding {
  const base = { analyzer: ONLINE_INTEL_ANALYZER, attack: [] as string[] };
  const parsed = z.array(IntelLookupEntry).max(MAX_ENTRIES).safeParse(entries);
  if (!parsed.success) {
    return {
      ...base,
      verdict: 'unknown',
      score: 0,
      confidence: 0,
      summary: 'online intel lookups could not be read',
      evidence: [],
      error: `malformed lookup entries: ${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ')}`,
    };
  }
  const all = parsed.data;
  const answered = all.flatMap((e) => (e.status === 'ok' && e.verdict ? [e.verdict] : []));
  const failed = all.filter((e) => e.status === 'error' || e.status === 'rate-limited');
  const failures = failed.map(
    (e) => `${e.provider}: ${e.indicator.type} ${e.indicator.value} ${e.status}${e.error ? ` (${e.error})` : ''}`,
  );
  const tail = failed.length ? `; ${failed.length} lookup(s) failed or were rate-limited` : '';

  if (all.length === 0)
    return { ...base, verdict: 'unknown', score: 0, confidence: 0, summary: 'no indicator was looked up online', evidence: [] };
  if (answered.length === 0 && failed.length > 0) {
    return {
      ...base,
      verdict: 'unknown',
      score: 0,
      confidence: 0,
      summary: `every online lookup failed (${failed.length})`,
      evidence: failures.slice(0, MAX_EVIDENCE),
      error: `all ${failed.length} online intel lookups failed: ${failures.slice(0, 3).join('; ')}`,
    };
  }

  if (answered.length === 0) {
    return {
      ...base,
      verdict: 'unknown',
      score: 0,
      confidence: 0,
      summary: `no online verdict (${all.length} lookup(s) skipped)`,
      evidence: all
        .map((e) => `${e.provider}: ${e.indicator.type} ${e.indicator.value} skipped${e.error ? ` (${e.error})` : ''}`)
        .slice(0, MAX_EVIDENCE),
    };
  }

  const bad = answered.filter((v) => v.verdict === 'malicious');
  const meh = answered.filter((v) => v.verdict === 'suspicious');
  const evidence = [...bad, ...meh, ...answered.filter((v) => v.verdict === 'benign' || v.verdict === 'unknown')].map(describe);
  const finding = (verdict: Finding['verdict'], score: number, confidence: number, summary: string): Finding => ({
    ...base,
    verdict,
    score: Math.round(score),
    confidence: Math.round(confidence * 100) / 100,
    summary: summary + tail,
    evidence: [...evidence, ...failures].slice(0, MAX_EVIDENCE),
  });
  // Agreement between independent providers is what raises confidence.
  const providersOf = (vs: OnlineVerdict[]) => new Set(vs.map((v) => v.provider)).size;
  if (bad.length > 0) {
    const n = providersOf(bad);
    return finding(
      'malicious',
      Math.max(...bad.map((v) => v.score)),
      Math.min(0.95, 0.6 + 0.15 * (n - 1)),
      `${n} provider(s) report malicious indicators: ${bad
        .slice(0, 3)
        .map((v) => `${v.indicator.value} (${v.provider})`)
        .join(', ')}`,
    );
  }
  if (meh.length > 0) {
    const n = providersOf(meh);
    return finding(
      'suspicious',
      Math.min(70, Math.max(...meh.map((v) => v.score))),
      Math.min(0.8, 0.45 + 0.1 * (n - 1)),
      `${n} provider(s) report suspicious indicators: ${meh
        .slice(0, 3)
        .map((v) => `${v.indicator.value} (${v.provider})`)
        .join(', ')}`,
    );
  }
  const benign = answered.filter((v) => v.verdict === 'benign');
  if (benign.length > 0 && benign.length === answered.length) {
    return finding('benign', 0, 0.4, `${benign.length} online verdict(s), all benign`);
  }
  return finding('unknown', 0, 0.2, `${answered.length} online verdict(s), none malicious or suspicious`);
}
