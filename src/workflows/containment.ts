// The response saga (containment-v1), workflow side: the approved actions run one by one,
// each recording its outcome and, at the vendor's connector, its compensation; the alert then
// stays open in `contained` for the policy's review window. A close as false positive inside
// the window runs the compensations in reverse order, each once (the activity's intents), an
// undo retried until it succeeds and escalated past the policy's bound. After the window
// nothing is undone. Analyst approvals, auto-respond and the SLA fallback all come here.
import { ActivityFailure, ApplicationFailure, condition, patched } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { ActionApprovals } from '../domain/action-approvals';
import type { Alert } from '../domain/alert';
import type { Decision } from '../domain/decision';
import { DecisionBook } from '../domain/decision-book';
import type { ObservableSet } from '../domain/observables';
import type { TriagePolicy } from '../domain/policy';
import { containmentFor } from '../domain/policy-rules';
import { containmentCandidates, describeAction, proposeContainment, type ResponseAction } from '../domain/response';
import type { Verdict } from '../domain/scoring';
import { outsideWorldSteps, undoSteps, undoUntilDoneSteps, vendorSteps } from './sdk/activity-options';
import type { AlertStatus, ContainedAction, ContainmentStatus, Outcome } from '../domain/alert-status';

type Activities = ReturnType<typeof createActivities>;

export const CONTAINMENT_PATCH = 'containment-v1';
/** Since this patch an approval may add actions on the alert's entities (domain/action-approvals.ts). */
export const ADDED_ACTIONS_PATCH = 'analyst-added-actions-v1';
/** Since this patch an action (or undo) the saga gives up on is written to response_actions as failed. */
export const RECORD_FAILURES_PATCH = 'response-failures-recorded-v1';

/** The store activities the saga records with (alert-workflow passes its own, local or remote). */
export type SagaStore = Pick<Activities, 'closeCase' | 'recordDecisionEvent' | 'suggestTuning' | 'recordResponseFailure'>;

export interface SagaInput {
  /** The approved actions, in proposal order. */
  actions: ResponseAction[];
  /** Who approved each action (the analysts at its quorum, or the policy's system actor). */
  approvedBy(action: ResponseAction): string;
  /** The outcome when at least one action was executed by a connector. */
  executedOutcome: Extract<Outcome, 'approved_and_responded' | 'auto_responded' | 'contained_by_sla_fallback'>;
  /** The alert's decision book (auto-respond has none yet: pass a new one); takes the review window's close. */
  book: DecisionBook;
}

/** Actions whose compensation runs on a false-positive close: what a connector did, or an operator was asked to. */
const COMPENSABLE = new Set(['executed', 'recorded for manual action']);

const failureOf = (err: unknown): string => {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return (cause instanceof Error ? cause.message : String(cause)).slice(0, 500);
};

export class Containment {
  private actionApprovals?: ActionApprovals;

  constructor(
    private readonly run: {
      workflowId: string;
      alert: Alert;
      policy: TriagePolicy;
      status: AlertStatus;
      store: SagaStore;
      /** The observables triage judges now (related alerts merge theirs in): what an added action may target. */
      observables: () => ObservableSet;
    },
  ) {}

  /** What the saga proposes: per alert kind (identity, phishing, host), see proposeContainment. */
  propose(observables: ObservableSet, verdict: Verdict): ResponseAction[] {
    return proposeContainment(this.run.alert, observables, verdict);
  }

  /**
   * Per-action approval for the analyst's DecisionBook; `proposed` is read at each decision.
   * Since analyst-added-actions-v1 an analyst may add an action on one of the alert's entities.
   */
  approvals(proposed: () => readonly ResponseAction[]): ActionApprovals {
    const candidates = patched(ADDED_ACTIONS_PATCH) ? () => containmentCandidates(this.run.alert, this.run.observables()) : undefined;
    this.actionApprovals = new ActionApprovals(this.run.policy, proposed, candidates);
    return this.actionApprovals;
  }

  /** A new book for an alert contained without an analyst: it only takes the review window's close. */
  reviewBook(): DecisionBook {
    return new DecisionBook(this.run.policy, { quorum: 1, fourEyes: false });
  }

  /**
   * The analyst path's input: the actions at quorum and who approved each; for the SLA fallback
   * (the policy stands in for the quorum) every proposed action.
   */
  approved(decision: Decision, proposed: ResponseAction[], fallback: boolean): Pick<SagaInput, 'actions' | 'approvedBy'> {
    const approvals = this.actionApprovals;
    if (fallback || !approvals) return { actions: proposed, approvedBy: () => decision.actor };
    return { actions: approvals.approved(), approvedBy: (a) => approvals.approversOf(a).join(', ') };
  }

  /** Runs the saga to its end: execute, review window, undo on a false-positive close, close the case. */
  async contain(input: SagaInput): Promise<void> {
    const { status } = this.run;
    const saga: ContainmentStatus = { state: 'responding', actions: [], undoEscalated: [] };
    status.containment = saga;
    status.stage = 'responding';
    const ran = await this.execute(input, saga);
    const executed = saga.actions.some((a) => a.status === 'executed');
    status.outcome = executed
      ? input.executedOutcome
      : saga.actions.some((a) => a.status === 'recorded for manual action')
        ? 'recorded_for_manual_action'
        : 'response_failed';

    const close = await this.review(
      input.book,
      ran.filter((r) => COMPENSABLE.has(r.entry.status)),
      saga,
    );
    if (close?.falsePositive) {
      await this.undo(ran.filter((r) => COMPENSABLE.has(r.entry.status)).reverse(), close.actor, saga);
      status.outcome = 'released_as_false_positive';
      saga.releasedBy = close.actor;
      await this.run.store.suggestTuning({
        workflowId: this.run.workflowId,
        reason: `closed as false positive after containment by ${close.actor}: ${close.reason ?? ''}`,
      });
    }
    saga.state = saga.state === 'undoing' ? 'released' : 'closed';
    if (status.caseId) {
      await this.run.store.closeCase({
        workflowId: this.run.workflowId,
        resolution: status.outcome!,
        closedBy: close?.actor ?? status.decision?.actor ?? 'system:policy',
        reason: close?.reason ?? status.decision?.reason ?? '',
      });
    }
  }

  private async execute(input: SagaInput, saga: ContainmentStatus) {
    const ran: { action: ResponseAction; entry: ContainedAction }[] = [];
    for (const action of input.actions) {
      const approvedBy = input.approvedBy(action);
      let entry: ContainedAction;
      try {
        const [r] = await vendorSteps.respond({ workflowId: this.run.workflowId, approvedBy, actions: [action] });
        entry = { id: describeAction(action), status: r.status, ...(r.detail ? { detail: r.detail } : {}), approvedBy };
      } catch (err) {
        // Every attempt failed (the vendor stayed unavailable) or the input was refused.
        entry = { id: describeAction(action), status: 'failed', detail: failureOf(err), approvedBy };
        if (patched(RECORD_FAILURES_PATCH)) {
          await this.run.store.recordResponseFailure({
            workflowId: this.run.workflowId,
            action,
            step: 'respond',
            approvedBy,
            detail: entry.detail!,
          });
        }
      }
      saga.actions.push(entry);
      ran.push({ action, entry });
      this.run.status.responseActions = saga.actions.map((a) => `${a.id}=${a.status}`);
    }
    return ran;
  }

  /** Holds the alert open for the policy's review window; the close that arrived in it, if any. */
  private async review(book: DecisionBook, compensable: unknown[], saga: ContainmentStatus): Promise<Decision | undefined> {
    const { reviewWindowMs } = containmentFor(this.run.policy);
    if (reviewWindowMs === 0 || compensable.length === 0) return undefined;
    saga.state = 'contained';
    saga.reviewUntil = new Date(Date.now() + reviewWindowMs).toISOString();
    this.run.status.stage = 'contained';
    book.beginReview();
    const closed = await condition(() => book.state.final !== undefined, reviewWindowMs);
    const close = closed ? book.state.final! : undefined;
    book.endReview(close ?? { action: 'close', actor: 'system:review-window', reason: 'review window over: the containment stands' });
    if (close) await this.run.store.recordDecisionEvent({ workflowId: this.run.workflowId, seq: book.lastSeq, decision: close });
    return close;
  }

  /** The compensations, in the order given (reverse of execution), each once. */
  private async undo(
    ran: { action: ResponseAction; entry: ContainedAction }[],
    requestedBy: string,
    saga: ContainmentStatus,
  ): Promise<void> {
    saga.state = 'undoing';
    this.run.status.stage = 'undoing';
    const { undoAttemptsBeforeEscalation } = containmentFor(this.run.policy);
    const bounded = undoSteps(undoAttemptsBeforeEscalation);
    for (const { action, entry } of ran) {
      const input = { workflowId: this.run.workflowId, requestedBy, actions: [action] };
      let result: Awaited<ReturnType<Activities['undoResponse']>>;
      try {
        result = await bounded.undoResponse(input);
      } catch (err) {
        saga.undoEscalated.push(entry.id);
        await outsideWorldSteps.notify({
          workflowId: this.run.workflowId,
          event: 'undo_failed',
          tier: this.run.status.tier ?? 'soc',
          key: entry.id,
          detail: failureOf(err),
        });
        if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.nonRetryable) {
          // Refused as bad input (no connector can undo it): retrying cannot help; a person must.
          entry.status = 'undo failed';
          entry.detail = failureOf(err);
          if (patched(RECORD_FAILURES_PATCH)) {
            await this.run.store.recordResponseFailure({
              workflowId: this.run.workflowId,
              action,
              step: 'undo',
              approvedBy: requestedBy,
              detail: entry.detail,
            });
          }
          this.run.status.responseActions = saga.actions.map((a) => `${a.id}=${a.status}`);
          continue;
        }
        result = await undoUntilDoneSteps.undoResponse(input);
      }
      entry.status = result[0].status;
      if (result[0].detail) entry.detail = result[0].detail;
      this.run.status.responseActions = saga.actions.map((a) => `${a.id}=${a.status}`);
    }
  }
}
