// What a policy says for one run (SLA tiers, roles, approvals, containment), read from an
// already validated policy. Kept apart from policy.ts's zod schemas: workflows import these, and
// every workflow run evaluates its imports afresh (the SDK isolates module state per run), so a
// schema module here would be rebuilt for each alert (bench/README.md, issue 17).
import type { Severity } from './severity';
import type { ApprovalRule, SlaTier, TriagePolicy } from './policy';
import type { Role } from './roles';
import type { RESPONSE_KINDS, ResponseConnectorName } from './response-kinds';

export { RESPONSE_CONNECTORS, RESPONSE_KINDS, type ResponseConnectorName } from './response-kinds';

const DEFAULT_DECISION_ROLES: Record<string, Role[]> = {
  approve: ['analyst', 'admin'],
  close: ['analyst', 'admin'],
  escalate: ['analyst', 'admin'],
  assign: ['analyst', 'engineer', 'admin'],
  comment: ['analyst', 'engineer', 'admin'],
};

export const slaTiersFor = (p: TriagePolicy, s: Severity): SlaTier[] => p.slaBySeverity?.[s] ?? p.slaTiers;
export const slaFallbackFor = (p: TriagePolicy, s: Severity): 'wait' | 'contain' => p.slaFallback?.[s] ?? 'wait';
export const rolesFor = (p: TriagePolicy, action: string): Role[] =>
  p.decisionRoles?.[action as 'approve'] ?? DEFAULT_DECISION_ROLES[action] ?? ['admin'];

/** The response saga's review window and undo bound; no window unless the policy sets one. */
export const containmentFor = (p: TriagePolicy): { reviewWindowMs: number; undoAttemptsBeforeEscalation: number } => ({
  reviewWindowMs: p.containment?.reviewWindowMs ?? 0,
  undoAttemptsBeforeEscalation: p.containment?.undoAttemptsBeforeEscalation ?? 5,
});

/** The strictest approval rule among the proposed actions. */
export function approvalRuleFor(p: TriagePolicy, kinds: readonly string[]): ApprovalRule {
  const rules = kinds.map((k) => p.approvals?.[k as 'isolate_host']).filter((r): r is ApprovalRule => !!r);
  return { quorum: Math.max(1, ...rules.map((r) => r.quorum)), fourEyes: rules.some((r) => r.fourEyes) };
}

/** The connector the policy routes an action to; the manual one when it names none. */
export const responseConnectorFor = (p: TriagePolicy, kind: (typeof RESPONSE_KINDS)[number]): ResponseConnectorName =>
  p.responseConnectors?.[kind] ?? 'manual';
