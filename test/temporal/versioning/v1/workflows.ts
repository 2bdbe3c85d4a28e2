// Version 1 of a small playbook for the worker-versioning test: collect, wait for an analyst,
// report. Version 2 (../v2) starts with another activity: a run started here, when
// replayed on version 2, fails with a non-determinism error.
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { VersionedActivities } from '../activities';

export const proceed = defineSignal('proceed');
const { step } = proxyActivities<VersionedActivities>({ startToCloseTimeout: '30s', retry: { maximumAttempts: 3 } });

export async function versionedPlaybook(): Promise<string[]> {
  let decided = false;
  setHandler(proceed, () => {
    decided = true;
  });
  const done = [await step('collect')];
  await condition(() => decided);
  done.push(await step('v1-report'));
  return done;
}
