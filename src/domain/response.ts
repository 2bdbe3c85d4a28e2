// Which containment actions fit an alert. Proposed at triage, executed only after approval.
import { isIpv4, isPublicIpv4, type ObservableSet } from './observables';
import type { TriagePolicy } from './policy';
import type { Disposition, TriageResult } from './scoring';
import type { Verdict } from './scoring';

export type ResponseKind = 'isolate_host' | 'block_hash' | 'block_domain' | 'block_ip' | 'disable_user' | 'revoke_sessions' | 'quarantine_email';
export interface ResponseAction { kind: ResponseKind; target: string }

export function proposeResponse(observables: ObservableSet, verdict: Verdict): ResponseAction[] {
  if (verdict === 'benign') return [];
  const actions: ResponseAction[] = [];
  for (const h of observables.hosts) actions.push({ kind: 'isolate_host', target: h });
  for (const h of observables.hashes) actions.push({ kind: 'block_hash', target: h });
  if (verdict === 'malicious') {
    for (const d of observables.domains) actions.push({ kind: 'block_domain', target: d });
    for (const ip of observables.ips) if (!isIpv4(ip) || isPublicIpv4(ip)) actions.push({ kind: 'block_ip', target: ip });
  }
  return actions;
}

export const describeAction = (a: ResponseAction) => `${a.kind}:${a.target}`;

/**
 * The disposition after proposals are known: a malicious alert whose every proposed action
 * the policy marks safe, at or above its score, is contained without a human.
 */
export function finalDisposition(t: Pick<TriageResult, 'disposition' | 'verdict' | 'score'>, proposed: ResponseAction[], policy: TriagePolicy): Disposition {
  const auto = policy.autoRespond;
  if (t.disposition !== 'escalate' || !auto || t.verdict !== 'malicious' || t.score < auto.minScore || proposed.length === 0) return t.disposition;
  return proposed.every((a) => auto.safeActions.includes(a.kind)) ? 'auto_respond' : 'escalate';
}
