// Identity compromise (MFA fatigue, impossible travel): check the sign-in context, then revoke
// the user's sessions and disable the account once an analyst approves; the case is the
// ticket the analyst works. Routed by the policy, e.g.
//   playbooks: { routes: [{ name: identity, playbook: identityCompromise, match: { technique: ["T1621", "T1078*"], observable: [user] } }] }
import { proposeContainment } from '../src/domain/response';
import {
  type AlertStatus,
  closeCase,
  collect,
  investigate,
  type PlaybookInput,
  report,
  respond,
  startPlaybook,
  triage,
  waitForAnalyst,
} from '../src/workflows/sdk';

/** Sign-in context: where the address is (ranges, reputation) and what intel knows of it. */
const SIGN_IN_ANALYZERS = ['ip', 'threat-intel'];

export async function identityCompromise(input: PlaybookInput): Promise<AlertStatus> {
  const run = startPlaybook(input);
  const { alert, status } = run;

  // 1. Collect the sign-in event.
  await collect(run);

  // 2. Investigate the sign-in's addresses only (no files or processes in a sign-in).
  await investigate(run, { analyzers: SIGN_IN_ANALYZERS });

  // 3. Triage: scoring v2 weighs the policy's context (travel approvals, egress ranges, VIPs).
  const triaged = await triage(run);
  if (triaged.verdict === 'benign' || status.disposition === 'auto_close') {
    status.outcome = 'auto_closed';
    return report(run);
  }

  // 4. Only the identity actions: revoke every session first, then disable the account.
  const proposed = proposeContainment(alert, run.observables, triaged.verdict)
    .filter((a) => a.kind === 'revoke_sessions' || a.kind === 'disable_user')
    .sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'revoke_sessions' ? -1 : 1));

  // 5. The case (ticket) opens for the first SLA tier; nothing happens to the account until approved.
  const { decision, proposed: approved, approvers } = await waitForAnalyst(run, { proposed });
  if (decision.action === 'approve') await respond(run, { actions: approved, approvedBy: approvers });
  await closeCase(run, {
    outcome: decision.action === 'approve' ? 'approved_and_responded' : 'closed_by_analyst',
    closedBy: decision.actor,
    reason: decision.reason ?? '',
  });

  // 6. Report.
  return report(run);
}
