// The one way an alert enters autosoc: validate, derive its workflow id, start the run.
// A redelivered alert (same source and source id) reaches the existing run, never a second one.
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { type Alert, alertWorkflowId, parseAlert } from '../domain/alert';
import type { TriagePolicy } from '../domain/policy';
import { alertWorkflow } from '../workflows';
import * as SA from '../workflows/search-attributes';
import { alertUiMetadata } from '../workflows/ui-metadata';

export interface StartedAlert { workflowId: string; duplicate: boolean }

export async function startAlert(
  client: Client, opts: { taskQueue: string; policy: TriagePolicy }, input: unknown,
): Promise<StartedAlert> {
  const alert: Alert = parseAlert(input); // throws AlertValidationError before anything starts
  const workflowId = alertWorkflowId(alert);
  try {
    await client.workflow.start(alertWorkflow, {
      workflowId,
      taskQueue: opts.taskQueue,
      args: [{ alert, policy: opts.policy }],
      // A second start for the same id is refused whether the first run is still going
      // (FAIL) or finished (REJECT_DUPLICATE): the refusal is how we know it is a duplicate.
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      // A busy two-core machine can exceed the default 10 s task timeout.
      workflowTaskTimeout: '30s',
      typedSearchAttributes: SA.alertStartAttributes(alert),
      ...alertUiMetadata(alert),
    });
    return { workflowId, duplicate: false };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, duplicate: true };
    throw err;
  }
}
