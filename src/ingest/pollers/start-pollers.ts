// Starts one durable poller workflow per configured source, and the ticket system's poller
// when the policy asks for one; an already running one is kept.
import type { Client } from '@temporalio/client';
import { pollerWorkflow, ticketPollerWorkflow } from '../../workflows';
import { ticketPollerId } from '../../workflows/ticket-poller-workflow';
import type { PollerConfig } from '../../domain/poller-config';

export const pollerWorkflowId = (name: string) => `poller:${name}`;

export async function startPollers(client: Client, taskQueue: string, pollers: PollerConfig[]): Promise<string[]> {
  const ids: string[] = [];
  for (const poller of pollers) {
    const handle = await client.workflow.start(pollerWorkflow, {
      workflowId: pollerWorkflowId(poller.name),
      taskQueue,
      args: [{ poller }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowTaskTimeout: '30s',
    });
    ids.push(handle.workflowId);
  }
  return ids;
}

/** The ticket poller (policy tickets.pollEverySeconds), one per ticket system. */
export async function startTicketPoller(client: Client, taskQueue: string, system: string, intervalMs: number): Promise<string> {
  const handle = await client.workflow.start(ticketPollerWorkflow, {
    workflowId: ticketPollerId(system),
    taskQueue,
    args: [{ system, intervalMs }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowTaskTimeout: '30s',
  });
  return handle.workflowId;
}
