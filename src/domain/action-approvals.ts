// Per-action approval (the response saga, containment-v1): an analyst approves a subset of the
// proposed actions by id, or adds an action on one of the alert's own entities (since
// analyst-added-actions-v1); each action needs its own quorum and four eyes, as the policy sets
// for its kind. Pure and deterministic: the workflow's Update validator runs it.
import { type Decision, DecisionRejected } from './decision';
import type { TriagePolicy } from './policy';
import { approvalRuleFor, responseConnectorFor } from './policy-rules';
import { describeAction, type ResponseAction } from './response';

const MAX_LISTED = 8; // ids quoted in a refusal
/** Added actions per alert, across every decision: the saga runs each one by one. */
export const MAX_ADDED_ACTIONS = 32;

/** An action an analyst added: who (its requester, for four eyes) and which connector will carry it out. */
export interface AddedAction {
  id: string;
  addedBy: string;
  connector: string;
}

/** What a checked approval does: the ids it approves, and the actions it adds (not yet known to the book). */
export interface CheckedApproval {
  approve: string[];
  add: ResponseAction[];
}

const listed = (ids: Iterable<string>) => [...ids].slice(0, MAX_LISTED).join(', ') || 'none';

export class ActionApprovals {
  /** Approvers per action id, in the order the approvals came. */
  private readonly approvers = new Map<string, string[]>();
  /** Actions analysts added, in the order they came, with who added each. */
  private readonly addedActions: { action: ResponseAction; addedBy: string }[] = [];

  /**
   * `proposed` is read at each decision: re-triage may change the proposal while the alert waits.
   * `candidates` (the alert's entities, see containmentCandidates): what an analyst may add;
   * absent, adding is refused (runs started before analyst-added-actions-v1).
   */
  constructor(
    private readonly policy: TriagePolicy,
    private readonly proposed: () => readonly ResponseAction[],
    private readonly candidates?: () => readonly ResponseAction[],
  ) {}

  get takesAdds(): boolean {
    return this.candidates !== undefined;
  }

  /** What analysts added, for the status. */
  get added(): AddedAction[] {
    return this.addedActions.map(({ action, addedBy }) => ({
      id: describeAction(action),
      addedBy,
      connector: responseConnectorFor(this.policy, action.kind),
    }));
  }

  /** The proposal and the added actions: what an approval may name. */
  private known(): Map<string, ResponseAction> {
    return new Map([...this.proposed(), ...this.addedActions.map((a) => a.action)].map((a) => [describeAction(a), a]));
  }

  /** The ids an approval covers and the actions it adds; refuses what the rules forbid. */
  check(d: Decision, requestedBy: string | undefined): CheckedApproval {
    const known = this.known();
    const add = this.checkAdds(d, known);
    // Naming no action approves every proposed one, unless the approval adds actions: then only those.
    const ids = d.actions ? [...new Set(d.actions)] : add.length ? [] : [...this.proposed().map(describeAction)];
    if (ids.length === 0 && add.length === 0) throw new DecisionRejected('nothing to approve: no action is proposed');
    for (const id of ids) {
      const action = known.get(id);
      if (!action) throw new DecisionRejected(`actions: ${id.slice(0, 200)} is not a proposed action (proposed: ${listed(known.keys())})`);
      this.checkApprover(d.actor, action, this.requesterOf(id) ?? requestedBy);
    }
    return { approve: ids, add };
  }

  /** The actions an approval adds: known kinds, on the alert's own entities, not already proposed or added. */
  private checkAdds(d: Decision, known: Map<string, ResponseAction>): ResponseAction[] {
    if (!d.addActions) return [];
    if (!this.candidates)
      throw new DecisionRejected('addActions: this alert takes no added actions (its run started before analysts could add them)');
    const ids = [...new Set(d.addActions)];
    if (this.addedActions.length + ids.length > MAX_ADDED_ACTIONS)
      throw new DecisionRejected(`addActions: at most ${MAX_ADDED_ACTIONS} actions may be added to an alert`);
    const candidates = new Map(this.candidates().map((a) => [describeAction(a), a]));
    return ids.map((id) => {
      if (known.has(id)) throw new DecisionRejected(`addActions: ${id.slice(0, 200)} is already proposed; approve it with actions`);
      const action = candidates.get(id);
      if (!action) {
        const kind = id.slice(0, id.indexOf(':'));
        const same = [...candidates.keys()].filter((c) => c.startsWith(`${kind}:`));
        throw new DecisionRejected(
          `addActions: ${id.slice(0, 200)} is not on an entity of this alert (its ${kind} targets: ${listed(same)})`,
        );
      }
      return action;
    });
  }

  /** Four eyes keeps an action's requester (the analyst who escalated, or who added it) from approving it; nobody approves twice. */
  private checkApprover(actor: string, action: ResponseAction, requester: string | undefined): void {
    const id = describeAction(action);
    const rule = approvalRuleFor(this.policy, [action.kind]);
    if (rule.fourEyes && requester === actor) {
      throw new DecisionRejected(`four eyes: ${actor} requested this containment; another analyst must approve ${id}`);
    }
    const by = this.approvers.get(id) ?? [];
    if (by.includes(actor)) {
      throw new DecisionRejected(`${actor} already approved ${id}; ${rule.quorum - by.length} more approval(s) needed from others`);
    }
  }

  private requesterOf(id: string): string | undefined {
    return this.addedActions.find((a) => describeAction(a.action) === id)?.addedBy;
  }

  /** Adds a checked approval; an added action counts as approved by its adder unless four eyes forbids it. */
  add(actor: string, { approve, add }: CheckedApproval): void {
    for (const action of add) {
      this.addedActions.push({ action, addedBy: actor });
      if (!approvalRuleFor(this.policy, [action.kind]).fourEyes) this.approve(actor, describeAction(action));
    }
    for (const id of approve) this.approve(actor, id);
  }

  private approve(actor: string, id: string): void {
    this.approvers.set(id, [...(this.approvers.get(id) ?? []), actor]);
  }

  private quorumMet(action: ResponseAction): boolean {
    return (this.approvers.get(describeAction(action))?.length ?? 0) >= approvalRuleFor(this.policy, [action.kind]).quorum;
  }

  /**
   * The wait is over when some action is approved and every action anyone approved, or added,
   * has its quorum (an added action that waits for a second pair of eyes keeps the wait open).
   */
  get complete(): boolean {
    const touched = [...this.proposed().filter((a) => this.approvers.has(describeAction(a))), ...this.addedActions.map((a) => a.action)];
    return touched.length > 0 && touched.every((a) => this.quorumMet(a));
  }

  /** The actions whose quorum is met, the proposal's in its order, then the added: what the saga executes. */
  approved(): ResponseAction[] {
    return [...this.known().values()].filter((a) => this.quorumMet(a));
  }

  /** Who approved an action (the saga records them as its approvers). */
  approversOf(action: ResponseAction): string[] {
    return this.approvers.get(describeAction(action)) ?? [];
  }
}
