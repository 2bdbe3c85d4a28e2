// Stage 4: the case an analyst works, SLA escalations and decisions, all audited.
import type { Decision } from '../domain/decision';
import { setAlertStatus } from '../store/alerts';
import * as cases from '../store/cases';
import { appendAudit } from '../store/decisions';
import type { ActivityDeps } from './deps';

export async function openCase(deps: ActivityDeps, input: { workflowId: string; tier: string; proposedActions: string[] }): Promise<{ caseId: string }> {
  const row = await cases.openCase(deps.db, input.workflowId, input.tier, input.proposedActions);
  await appendAudit(deps.db, {
    workflowId: input.workflowId, step: 'case-opened', action: 'escalate', actor: 'system:triage',
    reason: `case ${row.id} opened for ${input.tier}`, details: { caseId: row.id, proposedActions: input.proposedActions },
  });
  return { caseId: row.id };
}

export async function recordEscalation(deps: ActivityDeps, input: {
  workflowId: string; seq: number; fromTier: string; toTier: string | null; afterMs: number;
}): Promise<void> {
  const minutes = Math.round(input.afterMs / 60_000);
  await appendAudit(deps.db, {
    workflowId: input.workflowId, step: `sla-breach-${input.seq}`, action: 'sla_breach', actor: 'system:sla',
    reason: input.toTier
      ? `${input.fromTier} did not answer within ${minutes} min; escalated to ${input.toTier}`
      : `${input.fromTier} (last tier) did not answer within ${minutes} min; still waiting`,
    details: { ...input },
  });
  if (input.toTier) await cases.setCaseTier(deps.db, input.workflowId, input.toTier);
}

export async function recordDecision(deps: ActivityDeps, input: { workflowId: string; decision: Decision }): Promise<void> {
  const { workflowId, decision } = input;
  await appendAudit(deps.db, { workflowId, step: 'analyst-decision', action: decision.action, actor: decision.actor, reason: decision.reason });
}

export async function closeCase(deps: ActivityDeps, input: { workflowId: string; resolution: string; closedBy: string; reason: string }): Promise<void> {
  await cases.closeCase(deps.db, input.workflowId, input.resolution, input.closedBy, input.reason);
  await setAlertStatus(deps.db, input.workflowId, 'closed');
}
