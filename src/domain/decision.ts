// Analyst decisions on an escalated alert. Validation is pure and synchronous so the
// workflow's Update validator can reject bad input before it enters history.
import { z } from 'zod';

export const DECISION_ACTIONS = ['approve', 'close'] as const;
export const DecisionAction = z.enum(DECISION_ACTIONS);
export type DecisionAction = z.infer<typeof DecisionAction>;

export const Decision = z.object({
  action: DecisionAction,
  actor: z.string().trim().min(1, 'actor is required').max(256),
  reason: z.string().trim().min(1, 'reason is required').max(4096),
});
export type Decision = z.infer<typeof Decision>;
/** What a Signal carries: the action is implied by the signal's name. */
export type DecisionArgs = Omit<Decision, 'action'>;

export class DecisionRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecisionRejected';
  }
}

export function parseDecision(input: unknown): Decision {
  const r = Decision.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue.path.join('.') || 'decision';
  const message = field === 'action' ? `unknown action; expected one of ${DECISION_ACTIONS.join(', ')}` : issue.message;
  throw new DecisionRejected(`${field}: ${message}`);
}
