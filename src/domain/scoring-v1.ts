// Scoring model v1, for workflows started before triage-context-v1 (replay); only the unread-evidence guard was added.
// Explainable risk scoring: severity sets the floor, findings raise it (weighted per policy),
// the organisation's context adjusts it, and every step leaves a reason. Pure and
// deterministic: the same function serves the triage activity and offline backtests.
import type { Severity } from './alert';
import type { Finding } from './finding';
import type { ObservableSet } from './observables';
import type { TriagePolicy } from './policy';
import { globMatch } from './text-scan';

/**
 * The analyzer name of the finding an investigation adds when its decompression or storage
 * budget ran out: part of the evidence was never read, so the alert is never auto-closed.
 */
export const UNREAD_EVIDENCE_ANALYZER = 'analysis-budget';

export const SEVERITY_BASE: Record<Severity, number> = {
  informational: 10,
  low: 25,
  medium: 45,
  high: 65,
  critical: 85,
};
const CORROBORATION_STEP = 5;
const CORROBORATION_MAX = 15;
const BENIGN_DISCOUNT_MAX = 15;
const CRITICALITY_BONUS = { low: -5, medium: 0, high: 5, critical: 10 } as const;
const VIP_BONUS = 10;
const SANCTIONED_DISCOUNT = 20;
const SCANNER_DISCOUNT = 20;

export type Verdict = 'malicious' | 'suspicious' | 'inconclusive' | 'benign';
export type Disposition = 'auto_close' | 'escalate' | 'auto_respond';

export interface TriageResult {
  score: number;
  verdict: Verdict;
  disposition: Disposition;
  /** 0-1: lowered by analyzer failures, never the risk. */
  confidence: number;
  reasons: string[];
}

export const clamp = (n: number) => Math.max(0, Math.min(100, Math.round(n)));
export const analyzerKind = (f: Finding) => f.analyzer.split(':')[0];

/** Findings with the policy's per-analyzer weights applied; each change leaves a reason. Shared by v1 and v2. */
export function weighted(findings: Finding[], policy: TriagePolicy, reasons: string[]): Finding[] {
  return findings.map((f) => {
    const w = policy.weights?.[analyzerKind(f)];
    if (w === undefined || w === 1 || f.error) return f;
    const score = clamp(f.score * w);
    if (score !== f.score) reasons.push(`${f.analyzer} weighted ×${w}: ${f.score} → ${score}`);
    return { ...f, score };
  });
}

/**
 * The strongest risky finding (sorted strongest first) lifts the score above the base, and each
 * further one corroborates up to a cap; every step leaves a reason. Shared by v1 and v2.
 */
export function threatScore(base: number, risky: Finding[], reasons: string[]): number {
  const top = risky[0];
  let score = base;
  if (top.score > score) {
    reasons.push(`${top.analyzer} found ${top.verdict} evidence (${top.score}): ${top.summary}`);
    score = top.score;
  } else {
    reasons.push(`${top.analyzer} found ${top.verdict} evidence (${top.score}), below the base: ${top.summary}`);
  }
  const bonus = Math.min(CORROBORATION_MAX, CORROBORATION_STEP * (risky.length - 1));
  if (bonus > 0) {
    reasons.push(
      `+${bonus}: ${risky.length - 1} more analyzer(s) corroborate (${risky
        .slice(1, 6)
        .map((f) => f.analyzer)
        .join(', ')})`,
    );
    score += bonus;
  }
  return score;
}

/** Organisation context: asset criticality, VIPs, sanctioned tools, scanners, simulations. */
function contextAdjustments(
  o: ObservableSet,
  policy: TriagePolicy,
  maliciousIntel: boolean,
  reasons: string[],
): { delta: number; simulation?: string } {
  let delta = 0;
  for (const rule of policy.assets ?? []) {
    const host = o.hosts.find((h) => globMatch(rule.host.toLowerCase(), h));
    if (host && CRITICALITY_BONUS[rule.criticality] !== 0) {
      delta += CRITICALITY_BONUS[rule.criticality];
      reasons.push(
        `${CRITICALITY_BONUS[rule.criticality] > 0 ? '+' : ''}${CRITICALITY_BONUS[rule.criticality]}: ${host} is a ${rule.criticality}-criticality asset`,
      );
      break;
    }
  }
  const vips = (policy.vipUsers ?? []).map((v) => v.toLowerCase());
  const vip = o.users.find((u) => vips.includes(u) || vips.includes(u.split('\\').pop()!));
  if (vip) {
    delta += VIP_BONUS;
    reasons.push(`+${VIP_BONUS}: ${vip} is a VIP user`);
  }
  const org = policy.organisation;
  if (org && !maliciousIntel) {
    const tool = org.sanctionedTools.find((t) => o.commandLines.some((c) => c.toLowerCase().includes(t.toLowerCase())));
    if (tool) {
      delta -= SANCTIONED_DISCOUNT;
      reasons.push(`-${SANCTIONED_DISCOUNT}: ${tool} is a sanctioned tool`);
    }
    const scanner = o.ips.find((ip) => org.scannerIps.includes(ip));
    if (scanner) {
      delta -= SCANNER_DISCOUNT;
      reasons.push(`-${SCANNER_DISCOUNT}: ${scanner} is the organisation's scanner`);
    }
    const senders = org.phishingSimulationSenders.map((s) => s.toLowerCase());
    const simulation = o.emails.find((e) => senders.some((s) => e === s || e.endsWith(`@${s}`) || e.endsWith(`.${s}`)));
    if (simulation) return { delta, simulation };
  }
  return { delta };
}

export function scoreAlertV1(severity: Severity, findings: Finding[], policy: TriagePolicy, context?: ObservableSet): TriageResult {
  const reasons: string[] = [];
  const base = SEVERITY_BASE[severity];
  reasons.push(`severity ${severity} sets the base score ${base}`);

  const all = weighted(findings, policy, reasons);
  const ok = all.filter((f) => !f.error);
  const failed = all.filter((f) => f.error);
  const risky = ok
    .filter((f) => f.verdict === 'malicious' || f.verdict === 'suspicious')
    .sort((a, b) => b.score - a.score || a.analyzer.localeCompare(b.analyzer));

  let score = base;
  if (risky.length > 0) {
    score = threatScore(base, risky, reasons);
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

  const maliciousIntel = ok.some((f) => f.verdict === 'malicious' && /intel|yara|similarity/.test(analyzerKind(f)));
  const adj = context ? contextAdjustments(context, policy, maliciousIntel, reasons) : { delta: 0 };
  score = clamp(score + adj.delta);
  if (adj.simulation) {
    score = Math.min(score, Math.max(0, policy.autoCloseBelow - 1));
    reasons.push(`${adj.simulation} is a phishing-simulation sender: benign by policy`);
  }

  const confidences = ok.map((f) => f.confidence);
  const baseConfidence = confidences.length ? confidences.reduce((a, b) => a + b, 0) / confidences.length : 0.5;
  const confidence = Math.round(baseConfidence * Math.pow(0.8, failed.length) * 100) / 100;

  const verdict: Verdict =
    score >= policy.maliciousAtOrAbove
      ? 'malicious'
      : score >= policy.suspiciousAtOrAbove
        ? 'suspicious'
        : score < policy.autoCloseBelow
          ? 'benign'
          : 'inconclusive';
  // A true threat is never closed because evidence is missing: a benign verdict closes only
  // with no malicious finding, and not when analyzers failed on a high-severity alert.
  const anyMalicious = ok.some((f) => f.verdict === 'malicious');
  const blindOnSevere = failed.length > 0 && SEVERITY_BASE[severity] >= SEVERITY_BASE.high;
  // Runs that replay with v1 never carry this finding; it still never closes an unread part.
  const unread = ok.some((f) => f.analyzer === UNREAD_EVIDENCE_ANALYZER);
  if (unread && verdict === 'benign') reasons.push('part of the evidence was not analyzed (budget exhausted): not closed automatically');
  const disposition: Disposition =
    verdict === 'benign' && (!anyMalicious || !!adj.simulation) && !blindOnSevere && !unread ? 'auto_close' : 'escalate';
  reasons.push(
    disposition === 'auto_close'
      ? `score ${score} is below the auto-close threshold ${policy.autoCloseBelow}`
      : `score ${score} (${verdict}) needs an analyst`,
  );
  return { score, verdict, disposition, confidence, reasons };
}
