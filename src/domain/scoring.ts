// Explainable risk scoring, model v2. Threat evidence and benign explanations both move the
// score with stated weights; the source severity is one input among several; and three
// guards keep a threat from closing quietly: input the ingest boundary had to repair, an
// analyzer that failed or ran out of budget, and "nothing found" on an alert that the source
// rates high or maps to an attack technique (nothing found is not evidence of benign).
// Pure and deterministic: the triage activity and the backtest call the same function.
// Runs started before the `triage-context-v1` patch pass no context and keep model v1; runs
// started before `triage-v3` pass a context without a model and keep v2. Model v3 lets a fact
// explain an alert in full when the alert is exactly what the fact explains (a scan from the
// scanner in its window, a location alert from our own egress, recon of a port exposed on
// purpose) and reads the source's own sandbox verdict.
import { explainProcesses } from '../analyzers/known-benign';
import type { Severity } from './alert';
import type { Finding } from './finding';
import { policyLookalikeFinding } from './mail-lookalike';
import type { ObservableSet } from './observables';
import {
  globMatch,
  hostRoles,
  inCidr as inCidrSafe,
  LATEST_MODEL,
  matchContext,
  type ContextMatch,
  type TriageContext,
} from './org-context';
import { Organisation, type TriagePolicy } from './policy';
import {
  analyzerKind,
  clamp,
  scoreAlertV1,
  SEVERITY_BASE,
  threatScore,
  type TriageResult,
  UNREAD_EVIDENCE_ANALYZER,
  weighted,
} from './scoring-v1';

export { SEVERITY_BASE, type Disposition, type TriageResult, UNREAD_EVIDENCE_ANALYZER, type Verdict } from './scoring-v1';

/** The newest model (the backtest's); a workflow's context names the one it started with. */
export const SCORING_MODEL = LATEST_MODEL;

// Corroboration (+5 per further risky finding, at most +15) is shared with v1: threatScore.
export const WEIGHTS = {
  /** Benign explanations add up to at most this much. */
  benignMax: 60,
  /** An analyzer's own benign verdict (confidence-scaled). */
  analyzerBenign: 15,
  knownBenign: 40,
  vip: 10,
  criticality: { low: -5, medium: 0, high: 5, critical: 10 },
  /** What the source tool tells us. */
  findingType: { vulnerability: 45, policy: 35, 'acceptable-use': 35, 'av-test': 45, threat: 0 },
  stopped: 10,
  /** v3: the source's own sandbox/reputation verdict on the object is benign. */
  sourceVerdictBenign: 20,
} as const;

/** Analyzers that judge command lines and process trees: a known-benign or agent match explains them. */
const COMMAND_ANALYZERS = new Set(['command-line', 'lolbins', 'powershell', 'process-tree']);
export function scoreAlert(
  severity: Severity,
  findings: Finding[],
  policy: TriagePolicy,
  observables?: ObservableSet,
  context?: TriageContext,
): TriageResult {
  if (!context) return scoreAlertV1(severity, findings, policy, observables);
  const v3 = context.model === 'v3';
  const reasons: string[] = [`scoring model ${context.model ?? 'v2'}`];
  const base = SEVERITY_BASE[severity];
  reasons.push(`severity ${severity} sets the base score ${base}`);
  const org = policy.organisation ? Organisation.parse(policy.organisation) : undefined;

  // The policy's own and partner mail domains: a sender imitating one is threat evidence.
  const lookalike = policyLookalikeFinding(context, org);
  const all = weighted(lookalike ? [...findings, lookalike] : findings, policy, reasons);
  const ok = all.filter((f) => !f.error);
  const failed = all.filter((f) => f.error);
  const maliciousIntel = ok.some((f) => f.verdict === 'malicious' && /intel|yara|similarity|file|document/.test(analyzerKind(f)));

  // Benign explanations: organisation context, the known-benign table, the source's own semantics.
  const explanations: ContextMatch[] = maliciousIntel ? [] : matchContext(context, policy);
  const kb = explainProcesses(context.observables.processes, hostRoles(context, org));
  if (!maliciousIntel && kb.matches.length > 0 && kb.unexplained === 0) {
    for (const m of kb.matches.slice(0, 3))
      explanations.push({
        kind: 'known-benign',
        weight: WEIGHTS.knownBenign,
        reason: `known-benign ${m.entry.id}: ${m.entry.what} (source: ${m.entry.source})`,
      });
  }
  const sem = context.semantics ?? {};
  if (sem.findingType && sem.findingType !== 'threat' && !maliciousIntel) {
    const label = {
      vulnerability: 'a vulnerability/inventory finding (vulnerability-management queue)',
      policy: 'a policy/compliance finding',
      'acceptable-use': 'an acceptable-use category block',
      'av-test': 'an AV test file (EICAR)',
    }[sem.findingType];
    if (sem.findingType !== 'acceptable-use' || sem.outcome === 'blocked') {
      explanations.push({
        kind: `finding-type-${sem.findingType}`,
        weight: WEIGHTS.findingType[sem.findingType],
        reason: `the source classifies this as ${label}`,
      });
    }
  }
  if (v3 && sem.sourceVerdict === 'benign' && !maliciousIntel) {
    explanations.push({
      kind: 'source-verdict',
      weight: WEIGHTS.sourceVerdictBenign,
      reason: "the source's own analysis (sandbox/reputation) judged the object benign",
    });
  }
  const agentExplains = explanations.some(
    (e) => e.kind === 'management-agent' || e.kind === 'known-benign' || e.kind === 'sanctioned-tool' || e.kind === 'service-account',
  );

  // Threat evidence: the strongest risky finding not explained above, plus corroboration.
  const risky = ok
    .filter((f) => f.verdict === 'malicious' || f.verdict === 'suspicious')
    .filter((f) => {
      if (agentExplains && COMMAND_ANALYZERS.has(analyzerKind(f))) {
        reasons.push(`${f.analyzer} (${f.verdict} ${f.score}) explained by the organisation context or known-benign table: ${f.summary}`);
        return false;
      }
      return true;
    })
    .sort((a, b) => b.score - a.score || a.analyzer.localeCompare(b.analyzer));
  let score = base;
  if (risky.length > 0) {
    score = threatScore(base, risky, reasons);
  } else {
    const benign = ok.filter((f) => f.verdict === 'benign');
    const discount = benign.length ? Math.round(Math.max(...benign.map((f) => f.confidence * WEIGHTS.analyzerBenign))) : 0;
    if (discount > 0) {
      reasons.push(`-${discount}: ${benign.map((f) => f.analyzer).join(', ')} judged the evidence benign`);
      score -= discount;
    }
  }
  if (sem.outcome && ['blocked', 'quarantined', 'deleted'].includes(sem.outcome) && risky.length === 0) {
    reasons.push(`-${WEIGHTS.stopped}: the source ${sem.outcome} it`);
    score -= WEIGHTS.stopped;
  }
  if (sem.sourceConfidence !== undefined) reasons.push(`source confidence/risk ${sem.sourceConfidence}`);

  // Context that raises the stakes.
  for (const rule of policy.assets ?? []) {
    const host = context.observables.hosts.map((h) => h.hostname?.toLowerCase()).find((h) => globMatch(rule.host, h));
    const bonus = WEIGHTS.criticality[rule.criticality];
    if (host && bonus !== 0) {
      score += bonus;
      reasons.push(`${bonus > 0 ? '+' : ''}${bonus}: ${host} is a ${rule.criticality}-criticality asset`);
    }
    if (host) break;
  }
  const vips = (policy.vipUsers ?? []).map((v) => v.toLowerCase());
  const vip = observables?.users.find((u) => vips.includes(u) || vips.includes(u.split('\\').pop()!));
  if (vip) {
    score += WEIGHTS.vip;
    reasons.push(`+${WEIGHTS.vip}: ${vip} is a VIP user`);
  }

  // Benign explanations, each stated; together capped.
  const benignTotal = Math.min(
    WEIGHTS.benignMax,
    explanations.reduce((a, e) => a + e.weight, 0),
  );
  for (const e of explanations) reasons.push(`-${e.weight}: ${e.reason}`);
  if (explanations.length > 1 && benignTotal < explanations.reduce((a, e) => a + e.weight, 0))
    reasons.push(`benign explanations capped at -${WEIGHTS.benignMax}`);
  score = clamp(score - benignTotal);

  const simulation = explainsSimulation(context, org);
  if (simulation) {
    score = Math.min(score, Math.max(0, policy.autoCloseBelow - 1));
    reasons.push(simulation);
  }

  const confidences = ok.map((f) => f.confidence);
  const baseConfidence = confidences.length ? confidences.reduce((a, b) => a + b, 0) / confidences.length : 0.5;
  const confidence = Math.round(baseConfidence * Math.pow(0.8, failed.length) * 100) / 100;
  const verdict =
    score >= policy.maliciousAtOrAbove
      ? ('malicious' as const)
      : score >= policy.suspiciousAtOrAbove
        ? ('suspicious' as const)
        : score < policy.autoCloseBelow
          ? ('benign' as const)
          : ('inconclusive' as const);

  // Guards: what may never close automatically, whatever the score.
  const explained = explanations.length > 0 || !!simulation;
  const holds: string[] = [];
  if (context.inputAnomalies.length) holds.push(`the input was repaired at ingest (${context.inputAnomalies.join(', ')})`);
  if (ok.some((f) => f.analyzer === UNREAD_EVIDENCE_ANALYZER)) holds.push('part of the evidence was not analyzed (budget exhausted)');
  for (const f of failed) holds.push(`${f.analyzer} failed or ran over budget (${f.error}): part of the evidence is unread`);
  if (ok.some((f) => f.verdict === 'malicious') && !simulation && risky.some((f) => f.verdict === 'malicious'))
    holds.push('an analyzer found malicious evidence');
  if (v3 && sem.sourceVerdict && sem.sourceVerdict !== 'benign')
    holds.push(`the source's own analysis judged the object ${sem.sourceVerdict}`);
  if (!explained && base >= SEVERITY_BASE.high) holds.push(`nothing explains a ${severity}-severity alert: "nothing found" is not benign`);
  if (
    !explained &&
    context.attackTechniques.some((t) => t !== 'T1566') &&
    !(sem.outcome && ['blocked', 'quarantined', 'deleted'].includes(sem.outcome))
  ) {
    holds.push(`the source maps it to ATT&CK ${context.attackTechniques.slice(0, 3).join(', ')} and nothing explains it`);
  }
  if (!explained && (sem.outcome === 'allowed' || sem.outcome === 'detected') && context.observables.network.length > 0) {
    holds.push(`the source ${sem.outcome === 'allowed' ? 'let the traffic through' : 'only detected it'} and nothing explains it`);
  }
  const disposition = verdict === 'benign' && holds.length === 0 ? ('auto_close' as const) : ('escalate' as const);
  if (verdict === 'benign' && holds.length) for (const h of holds) reasons.push(`not auto-closed: ${h}`);
  reasons.push(
    disposition === 'auto_close'
      ? `score ${score} is below the auto-close threshold ${policy.autoCloseBelow}`
      : `score ${score} (${verdict}) needs an analyst`,
  );
  return { score, verdict, disposition, confidence, reasons };
}

/** A phishing simulation: the vendor's sender domain AND its documented campaign headers (and sending range when declared). */
function explainsSimulation(ctx: TriageContext, org: Organisation | undefined): string | undefined {
  const sim = org?.phishingSimulation;
  if (!sim) return undefined;
  for (const e of ctx.observables.emails) {
    const from = e.from?.toLowerCase();
    if (
      !from ||
      !sim.senders.some((s) => from === s.toLowerCase() || from.endsWith(`@${s.toLowerCase()}`) || from.endsWith(`.${s.toLowerCase()}`))
    )
      continue;
    const names = new Set((e.headerNames ?? []).map((h) => h.toLowerCase()));
    if (!sim.headers.every((h) => names.has(h.toLowerCase()))) continue;
    if (sim.sendingRanges.length && !ctx.observables.ips.some((ip) => sim.sendingRanges.some((r) => inCidrSafe(ip, r)))) continue;
    return `${from} is the phishing-simulation vendor, with its campaign headers ${sim.headers.join(', ')}: benign by policy`;
  }
  return undefined;
}
