// Starting a MISP push of a confirmed alert (shareIntelWorkflow). The workflow id is derived
// from the alert's, so starting is idempotent: a request while a push runs returns that run
// (USE_EXISTING); one after it finished starts a new run, which edits the same MISP event.
import type { Client } from '@temporalio/client';
import { shareIntelWorkflow } from '../workflows';

export const mispShareWorkflowId = (alertWorkflowId: string) => `share-misp:${alertWorkflowId}`;

export interface StartedShare {
  workflowId: string;
  runId: string;
}

export async function startMispShare(client: Client, taskQueue: string, alertWorkflowId: string): Promise<StartedShare> {
  const handle = await client.workflow.start(shareIntelWorkflow, {
    workflowId: mispShareWorkflowId(alertWorkflowId),
    taskQueue,
    args: [{ workflowId: alertWorkflowId }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowTaskTimeout: '30s',
  });
  return { workflowId: handle.workflowId, runId: handle.firstExecutionRunId };
}
