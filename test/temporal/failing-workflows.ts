// Workflows that go wrong the two ways operators must see: one fails, one's activity keeps retrying.
import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';

const { flakyUpstream } = proxyActivities<{ flakyUpstream(): Promise<void> }>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '50ms', maximumInterval: '100ms', backoffCoefficient: 1 },
});

export async function failsWorkflow(): Promise<void> {
  throw ApplicationFailure.nonRetryable('mapper refused the input <script>x</script>', 'BadInput');
}

export async function retriesWorkflow(): Promise<void> {
  await flakyUpstream();
}

export async function fineWorkflow(): Promise<string> {
  return 'ok';
}
