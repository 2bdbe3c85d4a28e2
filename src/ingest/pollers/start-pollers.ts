// Starts one durable poller workflow per configured source; an already running one is kept.
import type { Client } from '@temporalio/client';
import { pollerWorkflow } from '../../workflows';
import type { PollerConfig } from '../../domain/poller-config';

export const pollerWorkflowId = (name: string) => `poller:${name}`;

export async function startPollers(client: Client, taskQueue: string, pollers: PollerConfig[]): Promise<string[]> {
  const ids: string[] = [];
  for (const poller of pollers) {
    const handle = await client.workflow.start(pollerWorkflow, {
      workflowId: pollerWorkflowId(poller.name), taskQueue, args: [{ poller }],
      workflowIdConflictPolicy: 'USE_EXISTING', workflowTaskTimeout: '30s',
    });
    ids.push(handle.workflowId);
  }
  return ids;
}
