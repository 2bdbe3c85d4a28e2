// Worker Deployments: a worker that names its deployment version (deployment name + build id)
// only receives tasks of runs pinned to that version, and of new runs while it is the
// deployment's current version. Every autosoc workflow is PINNED by default: a playbook run
// waiting days for an analyst finishes on the code it started on, however many deploys
// happen meanwhile; the old workers are retired once their runs have closed
// (DEVELOPERS.md, Safe deploys).
import type { WorkerOptions } from '@temporalio/worker';

export interface WorkerDeploymentVersion {
  deploymentName: string;
  buildId: string;
}

/** Worker options for a versioned worker; none (an unversioned worker) without a version. */
export function workerVersioningOptions(version?: WorkerDeploymentVersion): Pick<WorkerOptions, 'workerDeploymentOptions'> {
  if (!version) return {};
  return { workerDeploymentOptions: { useWorkerVersioning: true, version, defaultVersioningBehavior: 'PINNED' } };
}
