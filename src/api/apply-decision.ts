// The one path a decision takes into an alert workflow, whoever asks (the API's decide route,
// Slack buttons, a ticket closed in Jira, TheHive or ServiceNow): autosoc signs it as the caller
// it has identified, the workflow's `decide` Update checks roles, four eyes and quorum, and the
// refusal comes back classified the same way for every caller.
import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowExecutionDescription } from '@temporalio/client';
import { pageKeyFor, type PagerDutyEvents } from '../connectors/tickets/pagerduty';
import type { Decision } from '../domain/decision';
import type { DecisionSigner } from '../security/decision-signer';
import { decideUpdate } from '../workflows/messages';
import type { AlertStatus } from '../domain/alert-status';

export type DecisionOutcome =
  | { ok: true; status: AlertStatus }
  /** httpStatus: how the API answers it; reason: a fixed word for the audit log. */
  | { ok: false; httpStatus: 404 | 409 | 422; reason: string; error: string };

// Workflow refusals that depend on the alert's state (409), as opposed to this caller's decision (422).
const STATE_CONFLICT = /^alert (is not awaiting an analyst|was already decided|is contained)/;

/** The alert workflow's execution, or undefined when Temporal knows no alert workflow by that id. */
export async function describeAlert(client: Client, workflowId: string): Promise<WorkflowExecutionDescription | undefined> {
  try {
    const desc = await client.workflow.getHandle(workflowId).describe();
    return desc.type === 'alertWorkflow' ? desc : undefined;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/**
 * A decided alert no longer needs on-call: its page, if one was triggered, is resolved (a resolve
 * for a dedup key with no open incident does nothing). Best effort: a failure is logged, the
 * decision stands, and the page is left for on-call to resolve.
 */
async function resolvePage(pager: PagerDutyEvents, workflowId: string): Promise<void> {
  try {
    await pager.resolve(pageKeyFor(workflowId));
  } catch (err) {
    console.warn(`pagerduty resolve for ${workflowId} failed: ${(err as Error).message}`);
  }
}

/** Sends a decision (actor and roles already set by whoever identified the caller) to the workflow. */
export async function applyDecision(
  client: Client,
  signer: DecisionSigner,
  workflowId: string,
  decision: Decision,
  pager?: PagerDutyEvents,
): Promise<DecisionOutcome> {
  const desc = await describeAlert(client, workflowId);
  if (!desc) return { ok: false, httpStatus: 404, reason: 'unknown_alert', error: `no alert ${workflowId}` };
  if (desc.status.name !== 'RUNNING') {
    return {
      ok: false,
      httpStatus: 409,
      reason: 'alert_finished',
      error: `alert ${workflowId} is finished (${desc.status.name}); it takes no more decisions`,
    };
  }
  try {
    const status = await client.workflow.getHandle(workflowId).executeUpdate(decideUpdate, { args: [signer.sign(workflowId, decision)] });
    if (pager && status.stage !== 'awaiting_analyst') await resolvePage(pager, workflowId);
    return { ok: true, status };
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      const message = (err.cause as Error | undefined)?.message ?? err.message;
      return STATE_CONFLICT.test(message)
        ? { ok: false, httpStatus: 409, reason: 'decision_conflict', error: message }
        : { ok: false, httpStatus: 422, reason: 'decision_rejected', error: message };
    }
    // Finished between describe and the Update.
    if (err instanceof WorkflowNotFoundError)
      return { ok: false, httpStatus: 409, reason: 'alert_finished', error: `alert ${workflowId} is finished; it takes no more decisions` };
    throw err;
  }
}
