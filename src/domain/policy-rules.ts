// What a policy says for one run (SLA tiers, roles, approvals, containment), read from an
// already validated policy. Kept apart from policy.ts's zod schemas: workflows import these, and
// every workflow run evaluates its imports afresh (the SDK isolates module state per run), so a
// schema module here would be rebuilt for each alert (bench/README.md, issue 17).
import type { Severity } from './severity';
import type { ApprovalRule, SlaTier, TriagePolicy } from './policy';
import type { Role } from './roles';
import { RESPONSE_KINDS } from './response-kinds';

export { RESPONSE_KINDS } from './response-kinds';

const DEFAULT_DECISION_ROLES: Record<string, Role[]> = {
  approve: ['analyst', 'admin'], close: ['analyst', 'admin'], escalate: ['analyst', 'admin'],
  assign: ['analyst', 'engineer', 'admin'], comment: ['analyst', 'engineer', 'admin'],
};

export const slaTiersFor = (p: TriagePolicy, s: Severity): SlaTier[] => p.slaBySeverity?.[s] ?? p.slaTiers;
export const slaFallbackFor = (p: TriagePolicy, s: Severity): 'wait' | 'contain' => p.slaFallback?.[s] ?? 'wait';
export const rolesFor = (p: TriagePolicy, action: string): Role[] => p.decisionRoles?.[action as 'approve'] ?? DEFAULT_DECISION_ROLES[action] ?? ['admin'];

/** The response saga's review window and undo bound; no window unless the policy sets one. */
export const containmentFor = (p: TriagePolicy): { reviewWindowMs: number; undoAttemptsBeforeEscalation: number } =>
  ({ reviewWindowMs: p.containment?.reviewWindowMs ?? 0, undoAttemptsBeforeEscalation: p.containment?.undoAttemptsBeforeEscalation ?? 5 });

/** The strictest approval rule among the proposed actions. */
export function approvalRuleFor(p: TriagePolicy, kinds: readonly string[]): ApprovalRule {
  const rules = kinds.map((k) => p.approvals?.[k as 'isolate_host']).filter((r): r is ApprovalRule => !!r);
  return { quorum: Math.max(1, ...rules.map((r) => r.quorum)), fourEyes: rules.some((r) => r.fourEyes) };
}


/** The response connectors (src/connectors/response/) and the actions each can carry out. */
export const RESPONSE_CONNECTORS = {
  manual: RESPONSE_KINDS,
  falcon: ['isolate_host', 'block_hash'],
  defender: ['isolate_host', 'block_hash'],
  entra: ['disable_user', 'revoke_sessions'],
  okta: ['disable_user', 'revoke_sessions'],
  'graph-mail': ['quarantine_email'],
  /** The External Dynamic Lists autosoc serves to firewalls (/v1/blocklists/ip|domain|url). */
  edl: ['block_ip', 'block_domain', 'block_url'],
} as const satisfies Record<string, readonly (typeof RESPONSE_KINDS)[number][]>;
export type ResponseConnectorName = keyof typeof RESPONSE_CONNECTORS;

/** The connector the policy routes an action to; the manual one when it names none. */
export const responseConnectorFor = (p: TriagePolicy, kind: (typeof RESPONSE_KINDS)[number]): ResponseConnectorName => p.responseConnectors?.[kind] ?? 'manual';
