// Reading what a matched rule says about itself: severity, ATT&CK ids, description.
// Our rules use `severity` and `attack`; public rule sets often use `score` (0-100) or
// `mitre_attack`/`technique`, which are read too.

export const SEVERITY_SCORES = { critical: 95, high: 80, medium: 55, low: 30, info: 5 } as const;
export type RuleSeverity = keyof typeof SEVERITY_SCORES;
/** A rule that states no severity is treated as worth a look, not as proof. */
export const DEFAULT_RULE_SCORE = 50;

export type RuleMeta = Record<string, unknown>;

const SEVERITY_ALIASES: Record<string, RuleSeverity> = {
  critical: 'critical',
  crit: 'critical',
  high: 'high',
  medium: 'medium',
  moderate: 'medium',
  med: 'medium',
  low: 'low',
  info: 'info',
  informational: 'info',
  information: 'info',
};

export function ruleSeverity(meta: RuleMeta): RuleSeverity | undefined {
  const s = meta.severity;
  return typeof s === 'string' ? SEVERITY_ALIASES[s.trim().toLowerCase()] : undefined;
}

/** 0-100 risk of one matched rule: its severity, else a numeric `score` meta, else the default. */
export function ruleScore(meta: RuleMeta): number {
  const severity = ruleSeverity(meta);
  if (severity) return SEVERITY_SCORES[severity];
  const score = meta.score;
  if (typeof score === 'number' && Number.isFinite(score)) return Math.max(0, Math.min(100, Math.round(score)));
  return DEFAULT_RULE_SCORE;
}

const ATTACK_KEY = /^(attack|att&ck|mitre|mitre_att(ack|&ck)?|mitre_technique|technique|techniques|attack_id|attack_ids)$/i;
const TECHNIQUE_ID = /\bT\d{4}(?:\.\d{3})?\b/g;

/** ATT&CK technique ids named in the rule's meta, e.g. attack = "T1059.001, T1105". */
export function ruleAttackIds(meta: RuleMeta): string[] {
  const ids = new Set<string>();
  for (const [key, value] of Object.entries(meta)) {
    if (!ATTACK_KEY.test(key) || typeof value !== 'string') continue;
    for (const m of value.toUpperCase().matchAll(TECHNIQUE_ID)) ids.add(m[0]);
  }
  return [...ids];
}

export function ruleDescription(meta: RuleMeta): string | undefined {
  const d = meta.description ?? meta.desc;
  return typeof d === 'string' && d.trim() ? d.trim() : undefined;
}
