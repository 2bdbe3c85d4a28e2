// The Temporal floor: a bare workflow that runs `activities` no-op activities one after the
// other, the same count an autosoc alert run executes. Nothing else: what remains is the cost
// of Temporal itself (history, task round trips), the baseline bench/e2e divides by.
import { proxyActivities } from '@temporalio/workflow';
import type * as floorActivities from './floor-activities';

const { noop } = proxyActivities<typeof floorActivities>({ startToCloseTimeout: '30s' });

export async function floorWorkflow(activities: number): Promise<number> {
  for (let i = 0; i < activities; i++) await noop(i);
  return activities;
}
