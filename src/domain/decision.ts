// Analyst decisions on an escalated alert. Validation is pure and synchronous so the
// workflow's Update validator can reject bad input before it enters history.
import { z } from 'zod';
import { lazily } from './lazily';
import { RESPONSE_KINDS } from './response-kinds';
import { ROLES } from './roles';

/** `kind:target` with a response kind the policy knows (the target is checked against the alert by the workflow). */
const isAddableId = (id: string): boolean => {
  const colon = id.indexOf(':');
  return colon > 0 && (RESPONSE_KINDS as readonly string[]).includes(id.slice(0, colon)) && /\S/.test(id.charAt(colon + 1));
};
const MAX_ADDED_PER_DECISION = 16;

export const DECISION_ACTIONS = ['approve', 'close', 'escalate', 'assign', 'comment'] as const;
export type DecisionAction = (typeof DECISION_ACTIONS)[number];

/** Actions that end the wait for an analyst (approve only once its quorum is met). */
export const FINAL_ACTIONS: readonly DecisionAction[] = ['approve', 'close'];

/** Built on first use (lazily.ts): most runs never see a decision. */
export const decisionSchema = lazily(() =>
  z
    .object({
      action: z.enum(DECISION_ACTIONS),
      actor: z.string({ error: 'actor is required' }).trim().min(1, 'actor is required').max(256),
      /** Why (approve, close, escalate) or the comment text (comment). */
      reason: z.string().trim().max(4096).optional(),
      /** assign: who takes the alert. */
      assignee: z.string().trim().min(1).max(256).optional(),
      /** close: the alert was a false positive (feeds tuning suggestions). */
      falsePositive: z.boolean().optional(),
      /**
       * approve: the proposed actions approved (ids as `kind:target`, see describeAction); absent:
       * every proposed action. Each action needs its own quorum and four eyes (action-approvals.ts).
       */
      actions: z.array(z.string().trim().min(1).max(1100)).min(1, 'select at least one action to approve').max(64).optional(),
      /**
       * approve: actions the analyst adds to the proposal (ids as `kind:target`). The target must be
       * one of the alert's entities (containmentCandidates); each added action has the quorum and
       * four eyes of its kind, its adder counting as its requester. An approval that adds actions
       * and selects none approves only what it adds.
       */
      addActions: z
        .array(z.string().trim().refine(isAddableId, 'an added action is kind:target with a known kind').max(1100))
        .min(1)
        .max(MAX_ADDED_PER_DECISION)
        .optional(),
      /** The caller's roles, set by the API from its token; Temporal CLI callers count as analysts. */
      roles: z.array(z.enum(ROLES)).max(8).optional(),
    })
    .superRefine((d, ctx) => {
      if (d.action !== 'assign' && !d.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'reason is required' });
      if (d.action === 'assign' && !d.assignee) ctx.addIssue({ code: 'custom', path: ['assignee'], message: 'assignee is required' });
      if (d.actions && d.action !== 'approve')
        ctx.addIssue({ code: 'custom', path: ['actions'], message: 'only an approval selects actions' });
      if (d.addActions && d.action !== 'approve')
        ctx.addIssue({ code: 'custom', path: ['addActions'], message: 'only an approval adds actions' });
    }),
);
export type Decision = z.infer<ReturnType<typeof decisionSchema>>;
/** What a Signal carries: the action is implied by the signal's name. */
export type DecisionArgs = Omit<Decision, 'action'>;

export class DecisionRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecisionRejected';
  }
}

export function parseDecision(input: unknown): Decision {
  const r = decisionSchema().safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue.path.join('.') || 'decision';
  const message = field === 'action' ? `unknown action; expected one of ${DECISION_ACTIONS.join(', ')}` : issue.message;
  throw new DecisionRejected(`${field}: ${message}`);
}
