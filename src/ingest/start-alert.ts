// The one way an alert enters autosoc: derive its workflow id, choose its playbook (the
// policy's routing), start the run. The alert comes validated: parseAlert runs once, at the
// boundary (normalize.ts for every channel, starter.ts for a file), and its typed value is
// what travels from there on. A redelivered alert (same source and source id)
// reaches the existing run, never a second one.
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { type Alert, alertWorkflowId } from '../domain/alert';
import { extractObservables } from '../domain/observables';
import { choosePlaybook, type PlaybookChoice, type PlaybookRouting, routedPlaybooks } from '../domain/playbook-routing';
import type { TriagePolicy } from '../domain/policy';
import type { alertWorkflow } from '../workflows';
import * as workflows from '../workflows';
import * as SA from '../workflows/search-attributes';
import { alertUiMetadata } from '../workflows/ui-metadata';

export interface StartedAlert {
  workflowId: string;
  duplicate: boolean;
}

/** The workflow types the worker's bundle registers (src/workflows/index.ts exports them). */
export const registeredWorkflows = (): string[] =>
  Object.entries(workflows)
    .filter(([, v]) => typeof v === 'function')
    .map(([k]) => k);

/** Refuses, at start, a routing that names a playbook the worker does not register. */
export function checkRoutedPlaybooks(routing: PlaybookRouting | undefined, registered = registeredWorkflows()): void {
  const unknown = routedPlaybooks(routing).filter((p) => !registered.includes(p));
  if (unknown.length) {
    throw new Error(
      `policy playbooks: ${unknown.map((p) => `"${p}"`).join(', ')} is not a registered workflow (registered: ${registered.join(', ')}); export it from src/workflows/index.ts`,
    );
  }
}

/** The input a routed playbook starts with: the route rides along only when a rule chose it. */
export const playbookInput = (alert: Alert, policy: TriagePolicy, choice: PlaybookChoice, incidentId?: string) => ({
  alert,
  policy,
  ...(incidentId ? { incidentId } : {}),
  ...(choice.route ? { route: { playbook: choice.playbook, reason: choice.reason } } : {}),
});

export async function startAlert(
  client: Client,
  opts: { taskQueue: string; policy: TriagePolicy; choice?: PlaybookChoice },
  alert: Alert,
): Promise<StartedAlert> {
  const workflowId = alertWorkflowId(alert);
  const choice = opts.choice ?? choosePlaybook(opts.policy.playbooks, { alert, observables: extractObservables(alert) });
  try {
    // The workflow type is the playbook's name: what the Web UI shows in its Type column.
    await client.workflow.start<typeof alertWorkflow>(choice.playbook, {
      workflowId,
      taskQueue: opts.taskQueue,
      args: [playbookInput(alert, opts.policy, choice)],
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
