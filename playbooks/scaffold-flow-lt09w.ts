// scaffoldFlowLt09w: what this playbook does, for which alerts. Route alerts to it in the policy:
//   playbooks: { routes: [{ name: scaffold-flow-lt09w, playbook: scaffoldFlowLt09w, match: { rule: ["*your rule*"] } }] }
// Workflow code: deterministic, no I/O (lint checks); every step is an SDK stage (src/workflows/sdk).
import { proposeResponse } from '../src/domain/response';
import {
  type AlertStatus, closeCase, collect, investigate, type PlaybookInput, report, respond, startPlaybook, triage, waitForAnalyst,
} from '../src/workflows/sdk';

export async function scaffoldFlowLt09w(input: PlaybookInput): Promise<AlertStatus> {
  const run = startPlaybook(input);
  await collect(run);
  await investigate(run, { evidence: run.evidence }); // or { analyzers: ['url', 'ip'] }
  const triaged = await triage(run);
  if (triaged.verdict === 'benign') {
    run.status.outcome = 'auto_closed';
    return report(run);
  }
  const { decision, proposed, approvers } = await waitForAnalyst(run, { proposed: proposeResponse(run.observables, triaged.verdict) });
  if (decision.action === 'approve') await respond(run, { actions: proposed, approvedBy: approvers });
  await closeCase(run, {
    outcome: decision.action === 'approve' ? 'approved_and_responded' : 'closed_by_analyst', closedBy: decision.actor, reason: decision.reason ?? '',
  });
  return report(run);
}
