// Version 2: an enrichment activity first, a changed report step. Incompatible with runs of
// version 1 (its first command schedules another activity type), deliberately without patched().
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { VersionedActivities } from '../activities';

export const proceed = defineSignal('proceed');
const { step, enrich } = proxyActivities<VersionedActivities>({ startToCloseTimeout: '30s', retry: { maximumAttempts: 3 } });

export async function versionedPlaybook(): Promise<string[]> {
  let decided = false;
  setHandler(proceed, () => {
    decided = true;
  });
  const done = [await enrich(), await step('collect')];
  await condition(() => decided);
  done.push(await step('v2-report'));
  return done;
}
