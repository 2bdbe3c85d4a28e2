// A one-activity workflow for the worker-restart test: detonate, return the finding.
import { proxyActivities } from '@temporalio/workflow';
import type { SandboxDetonateInput } from '../../../src/activities/sandbox';
import type { Finding } from '../../../src/domain/finding';

const { sandboxDetonate } = proxyActivities<{ sandboxDetonate(input: SandboxDetonateInput): Promise<Finding> }>({
  startToCloseTimeout: '2m',
  heartbeatTimeout: '5s',
  retry: { initialInterval: '200ms', maximumInterval: '1s', maximumAttempts: 5 },
});

export async function detonateWorkflow(input: SandboxDetonateInput): Promise<Finding> {
  return sandboxDetonate(input);
}
