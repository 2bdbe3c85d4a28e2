// Per-action approval (the response saga, containment-v1): an analyst approves a subset of the
// proposed actions by id; each action needs its own quorum and four eyes, as the policy sets
// for its kind. Pure and deterministic: the workflow's Update validator runs it.
import { type Decision, DecisionRejected } from './decision';
import type { TriagePolicy } from './policy';
import { approvalRuleFor } from './policy-rules';
import { describeAction, type ResponseAction } from './response';

const MAX_LISTED = 8; // proposed ids quoted in a refusal

export class ActionApprovals {
  /** Approvers per action id, in the order the approvals came. */
  private readonly approvers = new Map<string, string[]>();

  /** `proposed` is read at each decision: re-triage may change the proposal while the alert waits. */
  constructor(private readonly policy: TriagePolicy, private readonly proposed: () => readonly ResponseAction[]) {}

  private proposedById(): Map<string, ResponseAction> {
    return new Map(this.proposed().map((a) => [describeAction(a), a]));
  }

  /** The ids an approval covers (those it lists, else every proposed action); refuses what the rules forbid. */
  check(d: Decision, requestedBy: string | undefined): string[] {
    const proposed = this.proposedById();
    const ids = d.actions ? [...new Set(d.actions)] : [...proposed.keys()];
    if (ids.length === 0) throw new DecisionRejected('nothing to approve: no action is proposed');
    for (const id of ids) {
      const action = proposed.get(id);
      if (!action) {
        const known = [...proposed.keys()].slice(0, MAX_LISTED).join(', ');
        throw new DecisionRejected(`actions: ${id.slice(0, 200)} is not a proposed action (proposed: ${known || 'none'})`);
      }
      const rule = approvalRuleFor(this.policy, [action.kind]);
      if (rule.fourEyes && requestedBy === d.actor) {
        throw new DecisionRejected(`four eyes: ${d.actor} requested this containment; another analyst must approve ${id}`);
      }
      const by = this.approvers.get(id) ?? [];
      if (by.includes(d.actor)) {
        throw new DecisionRejected(`${d.actor} already approved ${id}; ${rule.quorum - by.length} more approval(s) needed from others`);
      }
    }
    return ids;
  }

  /** Adds a checked approval. */
  add(actor: string, ids: readonly string[]): void {
    for (const id of ids) this.approvers.set(id, [...(this.approvers.get(id) ?? []), actor]);
  }

  private quorumMet(action: ResponseAction): boolean {
    return (this.approvers.get(describeAction(action))?.length ?? 0) >= approvalRuleFor(this.policy, [action.kind]).quorum;
  }

  /** The wait is over when some action is approved and every action anyone approved has its quorum. */
  get complete(): boolean {
    const touched = this.proposed().filter((a) => this.approvers.has(describeAction(a)));
    return touched.length > 0 && touched.every((a) => this.quorumMet(a));
  }

  /** The proposed actions whose quorum is met, in proposal order: what the saga executes. */
  approved(): ResponseAction[] {
    return this.proposed().filter((a) => this.quorumMet(a));
  }

  /** Who approved an action (the saga records them as its approvers). */
  approversOf(action: ResponseAction): string[] {
    return this.approvers.get(describeAction(action)) ?? [];
  }
}
