// Alert severities, lowest first (schema-free: workflows import it, see policy-rules.ts).
export const SEVERITIES = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
