// Stage 4, the analyst loop: the decision book (who may decide, four eyes, quorum), signed
// decisions arriving by Update or Signal, SLA tiers (each breach hands the alert to the next
// tier) and the policy's fallback when the last tier breaches too. A run owns one AnalystWait
// (run.analyst); its handlers answer from the start and refuse decisions until it opens.
import { ApplicationFailure, condition, log, patched, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { type Decision, type DecisionAction, DecisionRejected } from '../../domain/decision';
import type { ActionApprovals } from '../../domain/action-approvals';
import { DecisionBook, type DecisionEvent } from '../../domain/decision-book';
import { openSignedDecision } from '../../domain/decision-signature';
import { DECISION_REJECTED } from '../../domain/error-types';
import type { SlaTier } from '../../domain/policy';
import { approvalRuleFor, slaFallbackFor, slaTiersFor } from '../../domain/policy-rules';
import { approvedActions, describeAction, type ResponseAction } from '../../domain/response';
import { approveSignal, closeSignal, decideUpdate } from '../messages';
import * as SA from '../search-attributes';
import type { PlaybookRun } from './run';
import { notify, openOrUpdateCase, syncTicket } from './stages';

export interface AnalystWaitOptions {
  /** The response the triage proposes: what an approval approves (its kinds set the quorum). */
  proposed: ResponseAction[];
  /**
   * Called when related alerts arrive during the wait (the SLA clock keeps running); returns
   * the response proposed since. Without it, related alerts wait for the playbook to fold them.
   */
  onRelatedAlerts?: () => Promise<ResponseAction[]>;
  /**
   * Per-action approval (the containment saga): each proposed action needs its own quorum and
   * four eyes; the outcome's `proposed` is then the whole proposal, and the saga runs what
   * reached its quorum. Without it one rule covers the proposal and an approval may select actions.
   */
  perAction?: (proposed: () => readonly ResponseAction[]) => ActionApprovals;
}

export interface AnalystOutcome {
  /** The final decision: approve or close, by analysts or by the SLA fallback. */
  decision: Decision;
  /** What the decision is about: the proposal as it stood when it was taken. */
  proposed: ResponseAction[];
  /** Who approved (the quorum's actors), for the response's audit. */
  approvers: string;
}

type Checked = { decision: Decision; nonce?: string };

export class AnalystWait {
  /** Exists once the alert waits for an analyst. */
  private book: DecisionBook | undefined;
  /** Accepted decisions not yet in the audit trail. */
  private readonly accepted: DecisionEvent[] = [];
  private recordedSeq = 0;
  /** A signed decision counts once. */
  private readonly usedNonces = new Set<string>();
  /**
   * Since 'signed-decisions-v1' a decision counts only when autosoc signed it (actor and roles
   * from a token, see domain/signed-decision.ts). Runs started before keep the rules they
   * started with: they take decisions as sent (README, Security: drain them after upgrading).
   */
  private readonly signedDecisions: boolean;
  private tiers: SlaTier[] = [];
  private tierIndex = 0;
  private deadline = 0;

  constructor(private readonly run: PlaybookRun) {
    this.signedDecisions = patched('signed-decisions-v1');
  }

  /** Registers the decision Update and Signals (called once, by startPlaybook). */
  listen(): void {
    const acceptSignal = (action: DecisionAction) => (args: unknown) => {
      try {
        this.accept(this.check(args, action));
      } catch (err) {
        // A Signal cannot be refused; an invalid, forged or late one is logged and ignored.
        log.warn('ignored decision signal', { action, error: (err as Error).message });
      }
    };
    setHandler(approveSignal, acceptSignal('approve'));
    setHandler(closeSignal, acceptSignal('close'));
    setHandler(
      decideUpdate,
      async (input) => {
        let checked: Checked;
        try {
          checked = this.check(input); // state may have moved since validation (a Signal landed)
        } catch (err) {
          throw ApplicationFailure.nonRetryable((err as Error).message, DECISION_REJECTED);
        }
        const { seq } = this.accept(checked);
        await condition(() => this.recordedSeq >= seq);
        return this.run.status;
      },
      {
        validator: (input) => {
          this.check(input);
        },
      },
    );
  }

  /**
   * Opens the case for the first SLA tier, announces it, and waits for a final decision; each
   * SLA breach hands the alert to the next tier. Returns once approved or closed.
   */
  async decide({ proposed: initial, onRelatedAlerts, perAction }: AnalystWaitOptions): Promise<AnalystOutcome> {
    const { run } = this;
    const { status, policy, alert } = run;
    let proposed = initial;
    this.tiers = slaTiersFor(policy, alert.severity);
    this.tierIndex = 0;
    status.tier = this.tiers[0].name;
    await openOrUpdateCase(run, { tier: status.tier, proposedActions: proposed.map(describeAction) });
    const book = new DecisionBook(
      policy,
      approvalRuleFor(
        policy,
        proposed.map((a) => a.kind),
      ),
      perAction?.(() => proposed),
    );
    this.book = book;
    status.approvalsNeeded = book.state.approvalsNeeded;
    status.stage = 'awaiting_analyst';
    upsertSearchAttributes([
      { key: SA.AwaitingAnalyst, value: true },
      { key: SA.Assignee, value: status.tier },
    ]);
    if (patched('notify-v1')) await notify(run, { event: 'escalated', tier: status.tier });

    // Wait for a decision; related alerts re-triage meanwhile without resetting the SLA clock.
    this.deadline = Date.now() + this.tiers[0].respondWithinMs;
    let lastTierBreached = false;
    while (!book.state.final) {
      const woken = () => book.state.final !== undefined || (!!onRelatedAlerts && run.related.length > 0) || this.accepted.length > 0;
      let woke = true;
      if (lastTierBreached) await condition(woken);
      else woke = await condition(woken, Math.max(this.deadline - Date.now(), 1));
      await this.recordAccepted();
      if (book.state.final) break;
      if (woke) {
        if (onRelatedAlerts && run.related.length) proposed = await onRelatedAlerts();
        continue;
      }
      if (await this.toNextTier('sla')) continue;
      // The last tier has breached too: the policy either contains, or keeps waiting.
      if (slaFallbackFor(policy, alert.severity) === 'contain' && proposed.length > 0) {
        const fallback: Decision = {
          action: 'approve',
          actor: 'system:sla-fallback',
          reason: `no analyst answered within any SLA tier; policy contains ${alert.severity} alerts`,
        };
        book.apply(fallback); // the workflow's own decision: nothing to verify
        book.state.final = fallback; // the policy stands in for the whole quorum
        status.fallback = true;
        break;
      }
      lastTierBreached = true;
    }

    const decision = book.state.final;
    await run.store.recordDecision({ workflowId: run.workflowId, decision });
    this.recordedSeq = Number.MAX_SAFE_INTEGER;
    this.accepted.length = 0;
    status.decision = decision;
    upsertSearchAttributes([
      { key: SA.AwaitingAnalyst, value: false },
      { key: SA.Assignee, value: decision.actor },
    ]);
    // An approval may select some of the proposed actions; with a quorum, what every approver selected.
    return {
      decision,
      proposed: perAction ? proposed : approvedActions(proposed, book.state.approvals),
      approvers: book.state.approvals.map((a) => a.actor).join(', ') || decision.actor,
    };
  }

  /**
   * The book a contained alert's review window takes its close from: the analyst's, or `make()`'s
   * for an alert contained without one (auto-respond). The saga audits that close itself.
   */
  reviewBook(make: () => DecisionBook): DecisionBook {
    this.book ??= make();
    this.recordedSeq = Number.MAX_SAFE_INTEGER;
    return this.book;
  }

  /** The decision an Update or Signal carries, once its signature (new runs) and the book allow it. */
  private check(input: unknown, signalAction?: DecisionAction): Checked {
    const { book, run } = this;
    if (!book) throw new DecisionRejected(`alert is not awaiting an analyst (stage: ${run.status.stage})`);
    const opened = this.signedDecisions
      ? openSignedDecision(
          input,
          { workflowId: run.workflowId, keys: run.policy.decisionKeys ?? [], now: Date.now(), usedNonces: this.usedNonces },
          signalAction,
        )
      : { decision: signalAction ? { ...(input as object), action: signalAction } : input };
    return { ...opened, decision: book.check(opened.decision, run.status.stage === 'awaiting_analyst') };
  }

  private accept({ decision, nonce }: Checked): DecisionEvent {
    const book = this.book!; // check() passed: the book exists
    if (nonce) this.usedNonces.add(nonce);
    const event = book.apply(decision);
    this.accepted.push(event);
    Object.assign(this.run.status, {
      approvals: book.state.approvals.map((a) => a.actor),
      approvalsNeeded: book.state.approvalsNeeded,
      requestedBy: book.state.requestedBy,
    });
    if (book.addedActions.length) this.run.status.addedActions = book.addedActions;
    return event;
  }

  /** Audits accepted non-final decisions (the final one is recorded after the wait). */
  private async recordAccepted(): Promise<void> {
    const book = this.book!;
    for (const event of this.accepted.splice(0)) {
      const { decision } = event;
      if (decision === book.state.final) {
        this.accepted.unshift(event);
        return;
      }
      await this.run.store.recordDecisionEvent({ workflowId: this.run.workflowId, seq: event.seq, decision });
      this.recordedSeq = event.seq;
      if (decision.action === 'assign') upsertSearchAttributes([{ key: SA.Assignee, value: decision.assignee! }]);
      // An analyst's comment reaches the case's ticket (runs without a ticket system record no patch).
      if (decision.action === 'comment' && this.run.policy.tickets?.system && patched('ticket-comments-v1')) {
        await syncTicket(this.run, {
          kind: 'comment',
          step: `decision-${event.seq}`,
          actor: decision.actor,
          reason: decision.reason ?? '',
        });
      }
      if (decision.action === 'escalate') await this.toNextTier('analyst', decision.actor);
    }
  }

  /** Hands the alert to the next tier (an SLA breach, or an analyst's escalation); false at the last. */
  private async toNextTier(reason: 'sla' | 'analyst', by?: string): Promise<boolean> {
    const { run } = this;
    const { status } = run;
    const tier = this.tiers[this.tierIndex];
    const next = this.tiers[this.tierIndex + 1];
    status.escalations.push({ fromTier: tier.name, toTier: next?.name ?? null, afterMs: tier.respondWithinMs, ...(by ? { by } : {}) });
    await run.store.recordEscalation({
      workflowId: run.workflowId,
      seq: status.escalations.length,
      fromTier: tier.name,
      toTier: next?.name ?? null,
      afterMs: tier.respondWithinMs,
      ...(reason === 'analyst' ? { escalatedBy: by } : {}),
    });
    if (!next) return false;
    this.tierIndex += 1;
    status.tier = next.name;
    this.deadline = Date.now() + next.respondWithinMs;
    upsertSearchAttributes([{ key: SA.Assignee, value: this.book!.state.assignee ?? next.name }]);
    if (patched('notify-v1')) await notify(run, { event: 'escalated', tier: next.name });
    return true;
  }
}
