// Explainable risk scoring: severity sets the floor, findings raise it, every step leaves
// a reason. Pure and deterministic; the same function serves workflows and offline backtests.
import type { Severity } from './alert';
import type { Finding } from './finding';
import type { TriagePolicy } from './policy';

export const SEVERITY_BASE: Record<Severity, number> = {
  informational: 10, low: 25, medium: 45, high: 65, critical: 85,
};
const CORROBORATION_STEP = 5;
const CORROBORATION_MAX = 15;
const BENIGN_DISCOUNT_MAX = 15;

export type Verdict = 'malicious' | 'suspicious' | 'inconclusive' | 'benign';
export type Disposition = 'auto_close' | 'escalate';

export interface TriageResult {
  score: number;
  verdict: Verdict;
  disposition: Disposition;
  /** 0-1: lowered by analyzer failures, never the risk. */
  confidence: number;
  reasons: string[];
}

const clamp = (n: number) => Math.max(0, Math.min(100, Math.round(n)));

export function scoreAlert(severity: Severity, findings: Finding[], policy: TriagePolicy): TriageResult {
  const reasons: string[] = [];
  const base = SEVERITY_BASE[severity];
  reasons.push(`severity ${severity} sets the base score ${base}`);

  const ok = findings.filter((f) => !f.error);
  const failed = findings.filter((f) => f.error);
  const risky = ok.filter((f) => f.verdict === 'malicious' || f.verdict === 'suspicious')
    .sort((a, b) => b.score - a.score || a.analyzer.localeCompare(b.analyzer));

  let score = base;
  if (risky.length > 0) {
    const top = risky[0];
    if (top.score > score) {
      reasons.push(`${top.analyzer} found ${top.verdict} evidence (${top.score}): ${top.summary}`);
      score = top.score;
    } else {
      reasons.push(`${top.analyzer} found ${top.verdict} evidence (${top.score}), below the base: ${top.summary}`);
    }
    const bonus = Math.min(CORROBORATION_MAX, CORROBORATION_STEP * (risky.length - 1));
    if (bonus > 0) {
      reasons.push(`+${bonus}: ${risky.length - 1} more analyzer(s) corroborate (${risky.slice(1).map((f) => f.analyzer).join(', ')})`);
      score += bonus;
    }
  } else {
    const benign = ok.filter((f) => f.verdict === 'benign');
    if (benign.length > 0) {
      const discount = Math.round(Math.min(BENIGN_DISCOUNT_MAX, Math.max(...benign.map((f) => f.confidence * BENIGN_DISCOUNT_MAX))));
      if (discount > 0) {
        reasons.push(`-${discount}: ${benign.map((f) => f.analyzer).join(', ')} judged the evidence benign`);
        score -= discount;
      }
    }
  }
  for (const f of failed) reasons.push(`${f.analyzer} failed (${f.error}); risk unchanged, confidence lowered`);

  score = clamp(score);
  const confidences = ok.map((f) => f.confidence);
  const baseConfidence = confidences.length ? confidences.reduce((a, b) => a + b, 0) / confidences.length : 0.5;
  const confidence = Math.round(baseConfidence * Math.pow(0.8, failed.length) * 100) / 100;

  const verdict: Verdict = score >= policy.maliciousAtOrAbove ? 'malicious'
    : score >= policy.suspiciousAtOrAbove ? 'suspicious'
      : score < policy.autoCloseBelow ? 'benign' : 'inconclusive';
  // A true threat is never closed because evidence is missing: only a benign verdict with no
  // malicious finding and no failed analyzer on a high-severity alert closes itself.
  const anyMalicious = ok.some((f) => f.verdict === 'malicious');
  const blindOnSevere = failed.length > 0 && SEVERITY_BASE[severity] >= SEVERITY_BASE.high;
  const disposition: Disposition = verdict === 'benign' && !anyMalicious && !blindOnSevere ? 'auto_close' : 'escalate';
  reasons.push(disposition === 'auto_close'
    ? `score ${score} is below the auto-close threshold ${policy.autoCloseBelow}`
    : `score ${score} (${verdict}) needs an analyst`);
  return { score, verdict, disposition, confidence, reasons };
}
