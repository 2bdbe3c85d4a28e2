// The analyst loop's rules, as a pure state machine the workflow owns: who may decide, four
// eyes, quorum, and when the wait is over. Deterministic, so it runs inside the workflow.
import type { ActionApprovals, AddedAction } from './action-approvals';
import { type Decision, DecisionRejected, parseDecision } from './decision';
import type { ApprovalRule, TriagePolicy } from './policy';
import { rolesFor } from './policy-rules';
import type { Role } from './roles';

/** A decision the workflow accepted, numbered in order (the audit trail's step key). */
export interface DecisionEvent {
  seq: number;
  decision: Decision;
}

export interface DecisionBookState {
  /** `actions`: what the approver selected (absent: every proposed action). */
  approvals: { actor: string; reason: string; actions?: string[] }[];
  /** The analyst who asked for containment (an "escalate"): four eyes keeps them from approving it. */
  requestedBy?: string;
  assignee?: string;
  final?: Decision;
  approvalsNeeded: number;
}

/** Temporal CLI users (signals) reach the server directly: they act as analysts. */
const DEFAULT_ROLES: Role[] = ['analyst'];

export class DecisionBook {
  readonly state: DecisionBookState;
  private seq = 0;
  /** Set while a contained alert's review window is open: only a close is taken then. */
  private reviewing = false;

  /**
   * `actions` (containment-v1): approvals name the actions they approve, each with its own
   * quorum and four eyes; without it one rule (the strictest) covers the whole proposal.
   */
  constructor(
    private readonly policy: TriagePolicy,
    private readonly rule: ApprovalRule,
    private readonly actions?: ActionApprovals,
  ) {
    this.state = { approvals: [], approvalsNeeded: rule.quorum };
  }

  /** Actions analysts added to the proposal (per-action approval only). */
  get addedActions(): AddedAction[] {
    return this.actions?.added ?? [];
  }

  /** The number of the last decision applied (the audit trail's step key). */
  get lastSeq(): number {
    return this.seq;
  }

  /** The containment ran: the book takes one more decision, a close, until endReview. */
  beginReview(): void {
    this.reviewing = true;
    this.state.final = undefined;
  }

  /** The review window is over (or a close arrived): no more decisions. */
  endReview(closedBy: Decision): void {
    this.reviewing = false;
    this.state.final = closedBy;
  }

  /** Validates without changing anything: what the Update validator runs. */
  check(input: unknown, awaiting: boolean): Decision {
    const d = parseDecision(input);
    if (!awaiting && !this.reviewing) throw new DecisionRejected('alert is not awaiting an analyst');
    if (this.state.final) throw new DecisionRejected(`alert was already decided: ${this.state.final.action} by ${this.state.final.actor}`);
    const allowed = rolesFor(this.policy, d.action);
    const roles = d.roles ?? DEFAULT_ROLES;
    if (!roles.some((r) => allowed.includes(r))) {
      throw new DecisionRejected(`role: ${d.action} needs one of ${allowed.join(', ')}; ${d.actor} has ${roles.join(', ') || 'none'}`);
    }
    if (this.reviewing && d.action !== 'close') {
      throw new DecisionRejected('alert is contained: it takes a close only (falsePositive: true undoes the containment)');
    }
    if (d.action === 'approve' && this.actions) {
      this.actions.check(d, this.state.requestedBy);
    } else if (d.action === 'approve') {
      if (d.addActions)
        throw new DecisionRejected('addActions: this alert takes no added actions (its run approves the proposal as a whole)');
      if (this.rule.fourEyes && this.state.requestedBy === d.actor) {
        throw new DecisionRejected(`four eyes: ${d.actor} requested this containment; another analyst must approve it`);
      }
      if (this.state.approvals.some((a) => a.actor === d.actor)) {
        throw new DecisionRejected(
          `${d.actor} already approved; ${this.state.approvalsNeeded - this.state.approvals.length} more approval(s) needed from others`,
        );
      }
    }
    return d;
  }

  /** Applies a checked decision; returns the event to record. */
  apply(d: Decision): DecisionEvent {
    const s = this.state;
    switch (d.action) {
      case 'approve':
        s.approvals.push({ actor: d.actor, reason: d.reason ?? '', ...(d.actions ? { actions: d.actions } : {}) });
        if (this.actions) {
          this.actions.add(d.actor, this.actions.check(d, s.requestedBy));
          if (this.actions.complete) s.final = d;
        } else if (s.approvals.length >= s.approvalsNeeded) s.final = d;
        break;
      case 'close':
        s.final = d;
        break;
      case 'escalate':
        s.requestedBy ??= d.actor;
        break;
      case 'assign':
        s.assignee = d.assignee;
        break;
      case 'comment':
        break;
    }
    this.seq += 1;
    return { seq: this.seq, decision: d };
  }
}
