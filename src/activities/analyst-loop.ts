// Stage 4: the case an analyst works, SLA escalations and decisions, all audited.
import type { Decision } from '../domain/decision';
import { analystDecisions, boundedLabel, slaBreaches } from '../metrics/metrics';
import { setAlertStatus } from '../store/alerts';
import * as cases from '../store/cases';
import { appendAudit } from '../store/decisions';
import type { ActivityDeps } from './deps';

export async function openCase(
  deps: ActivityDeps,
  input: { workflowId: string; tier: string; proposedActions: string[] },
): Promise<{ caseId: string }> {
  const row = await cases.openCase(deps.db, input.workflowId, input.tier, input.proposedActions);
  await appendAudit(deps.db, {
    workflowId: input.workflowId,
    step: 'case-opened',
    action: 'escalate',
    actor: 'system:triage',
    reason: `case ${row.id} opened for ${input.tier}`,
    details: { caseId: row.id, proposedActions: input.proposedActions },
  });
  return { caseId: row.id };
}

export async function recordEscalation(
  deps: ActivityDeps,
  input: {
    workflowId: string;
    seq: number;
    fromTier: string;
    toTier: string | null;
    afterMs: number;
    /** Set when an analyst escalated, rather than the SLA timer. */
    escalatedBy?: string;
  },
): Promise<void> {
  const minutes = Math.round(input.afterMs / 60_000);
  const by = input.escalatedBy;
  await appendAudit(
    deps.db,
    by
      ? {
          workflowId: input.workflowId,
          step: `escalation-${input.seq}`,
          action: 'escalate',
          actor: by,
          reason: input.toTier
            ? `${by} escalated from ${input.fromTier} to ${input.toTier}`
            : `${by} escalated; ${input.fromTier} is the last tier`,
          details: { ...input },
        }
      : {
          workflowId: input.workflowId,
          step: `sla-breach-${input.seq}`,
          action: 'sla_breach',
          actor: 'system:sla',
          reason: input.toTier
            ? `${input.fromTier} did not answer within ${minutes} min; escalated to ${input.toTier}`
            : `${input.fromTier} (last tier) did not answer within ${minutes} min; still waiting`,
          details: { ...input },
        },
  );
  if (!by) slaBreaches.inc({ tier: boundedLabel('tier', input.fromTier) });
  if (input.toTier) await cases.setCaseTier(deps.db, input.workflowId, input.toTier);
}

const decisionDetails = (d: Decision) => ({
  ...(d.assignee ? { assignee: d.assignee } : {}),
  ...(d.falsePositive ? { falsePositive: true } : {}),
  ...(d.roles ? { roles: d.roles } : {}),
  ...(d.actions ? { actions: d.actions } : {}),
  ...(d.addActions ? { addActions: d.addActions } : {}),
});

/** The decision that ended the wait (a close, or the approval that met the quorum). */
export async function recordDecision(deps: ActivityDeps, input: { workflowId: string; decision: Decision }): Promise<void> {
  const { workflowId, decision: d } = input;
  await appendAudit(deps.db, {
    workflowId,
    step: 'analyst-decision',
    action: d.action,
    actor: d.actor,
    reason: d.reason ?? '',
    details: decisionDetails(d),
  });
  analystDecisions.inc({ action: d.action });
}

/** Any other accepted decision: an approval short of quorum, an escalation, an assignment, a comment. */
export async function recordDecisionEvent(
  deps: ActivityDeps,
  input: { workflowId: string; seq: number; decision: Decision },
): Promise<void> {
  const { workflowId, seq, decision: d } = input;
  await appendAudit(deps.db, {
    workflowId,
    step: `decision-${seq}`,
    action: d.action,
    actor: d.actor,
    reason: d.reason ?? (d.assignee ? `assigned to ${d.assignee}` : ''),
    details: decisionDetails(d),
  });
  if (d.action === 'assign' && d.assignee) await cases.assignCase(deps.db, workflowId, d.assignee);
}

export async function closeCase(
  deps: ActivityDeps,
  input: { workflowId: string; resolution: string; closedBy: string; reason: string },
): Promise<void> {
  await cases.closeCase(deps.db, input.workflowId, input.resolution, input.closedBy, input.reason);
  await setAlertStatus(deps.db, input.workflowId, 'closed');
}
