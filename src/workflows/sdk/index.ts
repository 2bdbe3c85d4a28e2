// The playbook SDK: what a playbook (a Temporal workflow in TypeScript) is written with. The
// built-in alertWorkflow uses exactly this; README "Write your first playbook" walks through it.
//
//   export async function myPlaybook(input: PlaybookInput): Promise<AlertStatus> {
//     const run = startPlaybook(input);                 // state + status Query + decision handlers
//     await collect(run);                               // 1. evidence by reference
//     await investigate(run, { evidence: run.evidence, analyzers: ['email', 'url'] }); // 2.
//     const t = await triage(run);                      // 3. score, verdict, disposition
//     if (t.verdict !== 'benign') {
//       const { decision, proposed, approvers } = await waitForAnalyst(run, { proposed: actions }); // 4.
//       if (decision.action === 'approve') await respond(run, { actions: proposed, approvedBy: approvers }); // 5.
//       await closeCase(run, { outcome: ..., closedBy: decision.actor, reason: decision.reason ?? '' });
//     }
//     return report(run);                               // 6.
//   }
//
// Rules (lint enforces the first two): no I/O and no Node built-ins here, only stage calls;
// a playbook is deterministic, so a change to its sequence of stage calls goes behind
// patched('my-change-v1') once runs are open (DEVELOPERS.md, Safe deploys).
export { type PlaybookInput, PlaybookRun, startPlaybook } from './run';
export {
  closeCase,
  collect,
  detonate,
  findMessageCopies,
  foldRelatedAlerts,
  investigate,
  investigateAndTriage,
  notify,
  openOrUpdateCase,
  report,
  respond,
  suggestTuning,
  syncTicket,
  triage,
  waitForAnalyst,
  type InvestigateOptions,
} from './stages';
export type { AnalystOutcome, AnalystWaitOptions } from './analyst-wait';
export * as activityOptions from './activity-options';
export type { AlertStatus, Outcome } from '../../domain/alert-status';
