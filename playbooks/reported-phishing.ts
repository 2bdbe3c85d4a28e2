// Reported phishing: a user reported a mail. Investigate the mail, its URLs and attachments;
// find the same message in other mailboxes; quarantine every copy once an analyst approves;
// tell the reporter what became of it; close with a report. Routed by the policy, e.g.
//   playbooks: { routes: [{ name: user-reported, playbook: reportedPhishing, match: { technique: ["T1566*"], observable: [email] } }] }
import { proposeContainment, type ResponseAction } from '../src/domain/response';
import {
  type AlertStatus,
  closeCase,
  collect,
  findMessageCopies,
  investigate,
  notify,
  type PlaybookInput,
  report,
  respond,
  startPlaybook,
  triage,
  waitForAnalyst,
} from '../src/workflows/sdk';

/** The analyzers a mail needs: the message itself, its links, its attachments, and intel on all of them. */
const MAIL_ANALYZERS = ['email', 'url', 'document', 'file-static', 'yara', 'threat-intel', 'similarity'];

export async function reportedPhishing(input: PlaybookInput): Promise<AlertStatus> {
  // The run's state, its `status` Query and the analysts' decide Update / approve and close Signals.
  const run = startPlaybook(input);
  const { alert, status } = run;

  // 1. Collect: the alert and its .eml/attachments go to the evidence store; history keeps references.
  await collect(run);

  // 2. Investigate only with the mail analyzers, over the observables and every evidence object.
  await investigate(run, { evidence: run.evidence, analyzers: MAIL_ANALYZERS });

  // 3. Triage: score, verdict and disposition under the run's policy.
  const triaged = await triage(run);

  // The reporter is whoever received the mail and reported it: its first recipient.
  const reporter = alert.observables.emails[0]?.to[0];

  if (triaged.verdict === 'benign' || status.disposition === 'auto_close') {
    // Nothing to contain: tell the reporter, and report.
    status.outcome = 'auto_closed';
    if (reporter)
      await notify(run, { event: 'resolved', tier: 'reporter', recipient: reporter, outcome: 'not malicious, thank you for reporting' });
    return report(run);
  }

  // 4. The same message elsewhere: every mailbox another alert names as a recipient of these Message-IDs.
  const messageIds = alert.observables.emails.map((e) => e.messageId).filter((id): id is string => !!id);
  const copies = await findMessageCopies(run, messageIds);

  // 5. Quarantine every copy (and block what the verdict warrants), only once an analyst approves.
  const proposed: ResponseAction[] = [
    ...proposeContainment(alert, run.observables, triaged.verdict),
    ...copies.map((c) => ({ kind: 'quarantine_email' as const, target: `${c.recipient}:${c.messageId}` })),
  ].filter((a, i, all) => all.findIndex((b) => b.kind === a.kind && b.target === a.target) === i);
  const { decision, proposed: approved, approvers } = await waitForAnalyst(run, { proposed });
  if (decision.action === 'approve') await respond(run, { actions: approved, approvedBy: approvers });
  await closeCase(run, {
    outcome: decision.action === 'approve' ? 'approved_and_responded' : 'closed_by_analyst',
    closedBy: decision.actor,
    reason: decision.reason ?? '',
  });

  // 6. Tell the reporter the outcome, then report.
  if (reporter)
    await notify(run, {
      event: 'resolved',
      tier: 'reporter',
      recipient: reporter,
      outcome: decision.action === 'approve' ? 'quarantined' : 'closed by an analyst',
    });
  return report(run);
}
