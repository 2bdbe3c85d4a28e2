// Which containment actions fit an alert. Proposed at triage, executed only after approval.
import type { Alert } from './alert';
import { isIpv4, isPublicIpv4, type ObservableSet } from './observables';
import type { TriagePolicy } from './policy';
import type { Disposition, TriageResult } from './scoring';
import type { Verdict } from './scoring';

export type ResponseKind =
  'isolate_host' | 'block_hash' | 'block_domain' | 'block_ip' | 'block_url' | 'disable_user' | 'revoke_sessions' | 'quarantine_email';
export interface ResponseAction {
  kind: ResponseKind;
  target: string;
}

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

/** What an alert is about, read from its structured observables (never from free text). */
export type AlertKind = 'identity' | 'phishing' | 'host';

const IDENTITY_TECHNIQUES = /^T(1078|1110|1556|1621|1528|1539|1550)(\.\d{3})?$/;

export function alertKinds(alert: Alert): AlertKind[] {
  const o = alert.observables;
  const kinds: AlertKind[] = [];
  if (o.emails.some((e) => e.messageId && e.to.length > 0)) kinds.push('phishing');
  if (o.hosts.length > 0 && (o.processes.length > 0 || o.files.length > 0)) kinds.push('host');
  // A sign-in: users (perhaps the host signed in to) with no process, file or mail of its own.
  const signIn = o.processes.length === 0 && o.files.length === 0 && o.emails.length === 0;
  if (o.users.length > 0 && (signIn || alert.attackTechniques.some((t) => IDENTITY_TECHNIQUES.test(t)))) kinds.push('identity');
  return kinds;
}

/** `<id>` whether or not the source kept the angle brackets. */
const bracketed = (messageId: string) => (messageId.startsWith('<') ? messageId : `<${messageId}>`);

/**
 * The containment the response saga proposes (issue 13): proposeResponse's actions plus, per
 * alert kind, identity → disable_user + revoke_sessions per user; phishing → quarantine_email
 * in each recipient's mailbox (target `mailbox:<message-id>`); host compromise → isolate_host
 * + block_hash (already proposeResponse's). A new function: proposeResponse, which running
 * workflows call, keeps its answers.
 */
export function proposeContainment(alert: Alert, observables: ObservableSet, verdict: Verdict): ResponseAction[] {
  if (verdict === 'benign') return [];
  const actions = proposeResponse(observables, verdict);
  // The firewall's URL list (edl) blocks a malicious URL itself, not only its domain.
  if (verdict === 'malicious') for (const u of observables.urls) actions.push({ kind: 'block_url', target: u });
  const kinds = alertKinds(alert);
  if (kinds.includes('identity')) {
    for (const user of userTargets(alert)) actions.push({ kind: 'disable_user', target: user }, { kind: 'revoke_sessions', target: user });
  }
  if (kinds.includes('phishing')) for (const target of mailboxTargets(alert)) actions.push({ kind: 'quarantine_email', target });
  return distinct(actions);
}

const distinct = (actions: ResponseAction[]): ResponseAction[] => {
  const seen = new Set<string>();
  return actions.filter((a) => !seen.has(describeAction(a)) && !!seen.add(describeAction(a)));
};

/** The alert's users as the identity connectors take them: a UPN, else DOMAIN\\name. */
const userTargets = (alert: Alert): string[] =>
  alert.observables.users.map((u) => (u.name.includes('@') || !u.domain ? u.name : `${u.domain}\\${u.name}`));

/** Each recipient's copy of each reported message: `mailbox:<message-id>`. */
function mailboxTargets(alert: Alert): string[] {
  const targets: string[] = [];
  for (const e of alert.observables.emails) {
    if (!e.messageId || /[\s<>]/.test(e.messageId.replace(/^<|>$/g, ''))) continue;
    for (const to of e.to) if (/^[^:<>\s]+$/.test(to)) targets.push(`${to.toLowerCase()}:${bracketed(e.messageId)}`);
  }
  return targets;
}

/**
 * Every action an analyst may add to the proposal: each kind on the alert's own entities (its
 * observables, merged with related alerts'), never on a target typed in a decision. Targets are
 * formatted as proposeContainment formats them, so an added action runs like a proposed one.
 */
export function containmentCandidates(alert: Alert, observables: ObservableSet): ResponseAction[] {
  const on = (kind: ResponseKind, targets: readonly string[]) => targets.map((target) => ({ kind, target }));
  return distinct([
    ...on('isolate_host', observables.hosts),
    ...on('block_hash', observables.hashes),
    ...on('block_domain', observables.domains),
    ...on('block_ip', observables.ips),
    ...on('block_url', observables.urls),
    ...on('disable_user', userTargets(alert)),
    ...on('revoke_sessions', userTargets(alert)),
    ...on('quarantine_email', mailboxTargets(alert)),
  ]);
}

export const describeAction = (a: ResponseAction) => `${a.kind}:${a.target}`;

/**
 * The disposition after proposals are known: a malicious alert whose every proposed action
 * the policy marks safe, at or above its score, is contained without a human.
 */
export function finalDisposition(
  t: Pick<TriageResult, 'disposition' | 'verdict' | 'score'>,
  proposed: ResponseAction[],
  policy: TriagePolicy,
): Disposition {
  const auto = policy.autoRespond;
  if (t.disposition !== 'escalate' || !auto || t.verdict !== 'malicious' || t.score < auto.minScore || proposed.length === 0)
    return t.disposition;
  return proposed.every((a) => auto.safeActions.includes(a.kind)) ? 'auto_respond' : 'escalate';
}

/**
 * The proposed actions every approver selected: an approval that names actions covers only
 * those, one that names none covers all. A quorum never runs more than each member approved.
 */
export function approvedActions(proposed: ResponseAction[], approvals: { actions?: string[] }[]): ResponseAction[] {
  return proposed.filter((a) => approvals.every((ap) => !ap.actions || ap.actions.includes(describeAction(a))));
}
