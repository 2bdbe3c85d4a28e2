// Sharing a confirmed incident with a MISP instance, on demand (API or CLI): one activity,
// pushToMisp, under the outside-world option set (2-minute attempts, spaced retries, bad input
// and refusals never retried). The starter derives the workflow id from the alert's
// (src/temporal/share-intel.ts), so a second request while one runs joins it, and a request
// after it finished runs again: the activity's intent makes an unchanged event a no-op and a
// changed one an edit of the same MISP event.
import type { PushToMispInput, PushToMispResult } from '../activities/share';
import { outsideWorldSteps } from './sdk/activity-options';

export async function shareIntelWorkflow(input: PushToMispInput): Promise<PushToMispResult> {
  return outsideWorldSteps.pushToMisp(input);
}
