// Safe deploys with Worker Deployments (SDK 1.24 workerDeploymentOptions, on the dev server from
// .tools): a run started on version v1 (bundle A) finishes on v1's workers and code after v2
// (bundle B, an incompatible change) became the deployment's current version; a run started
// after the switch runs v2. The worker options come from src/temporal/worker-versioning.ts, the
// function autosoc's own worker uses for AUTOSOC_WORKER_DEPLOYMENT_NAME / AUTOSOC_WORKER_BUILD_ID.
import type { Client } from '@temporalio/client';
import { DeterminismViolationError } from '@temporalio/workflow';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { loadConfig } from '../../src/config';
import { workerVersioningOptions } from '../../src/temporal/worker-versioning';
import { testDataConverter } from '../helpers/security';
import { devServerEnv, uniqueSuffix } from '../helpers/temporal';
import { waitFor } from '../helpers/wait';
import { versionedActivities } from './versioning/activities';

const run = uniqueSuffix();
const deploymentName = `autosoc-versioning-${run}`;
const taskQueue = `versioning-${run}`;
const bundles = { v1: require.resolve('./versioning/v1/workflows'), v2: require.resolve('./versioning/v2/workflows') };
let env: TestWorkflowEnvironment;
let client: Client;
const workers: { worker: Worker; running: Promise<void> }[] = [];

async function startWorker(buildId: 'v1' | 'v2'): Promise<void> {
  // The same path as the worker's configuration: AUTOSOC_WORKER_DEPLOYMENT_NAME / _BUILD_ID.
  const { workerDeployment } = loadConfig({ AUTOSOC_WORKER_DEPLOYMENT_NAME: deploymentName, AUTOSOC_WORKER_BUILD_ID: buildId });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: bundles[buildId],
    activities: versionedActivities(buildId),
    dataConverter: testDataConverter,
    ...workerVersioningOptions(workerDeployment),
  });
  workers.push({ worker, running: worker.run() });
}

/** What `temporal worker deployment set-current-version` does; retried until the version's pollers have reached the server. */
async function setCurrentVersion(buildId: string): Promise<void> {
  await waitFor(
    async () => {
      await client.workflowService.setWorkerDeploymentCurrentVersion({
        namespace: 'default',
        deploymentName,
        buildId,
        identity: 'versioning-test',
      });
      const described = await client.workflowService.describeWorkerDeployment({ namespace: 'default', deploymentName });
      return described.workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId;
    },
    (current) => current === buildId,
    `${buildId} to become the current version`,
  );
}

const start = (id: string) =>
  client.workflow.start('versionedPlaybook', { taskQueue, workflowId: `${id}-${run}`, workflowTaskTimeout: '30s' });
const versioningOf = async (workflowId: string) =>
  (await client.workflow.getHandle(workflowId).describe()).raw.workflowExecutionInfo?.versioningInfo;

beforeAll(async () => {
  env = await devServerEnv();
  client = env.client;
}, 120_000);
afterAll(async () => {
  for (const w of workers) w.worker.shutdown();
  await Promise.all(workers.map((w) => w.running));
  await env?.teardown();
});

describe('worker versioning', () => {
  it('config takes both deployment name and build id, or neither', () => {
    expect(loadConfig({}).workerDeployment).toBeUndefined();
    expect(() => loadConfig({ AUTOSOC_WORKER_BUILD_ID: 'v1' })).toThrow(/set both/);
    expect(() => loadConfig({ AUTOSOC_WORKER_DEPLOYMENT_NAME: 'autosoc.worker', AUTOSOC_WORKER_BUILD_ID: 'v1' })).toThrow(
      /AUTOSOC_WORKER_DEPLOYMENT_NAME/,
    );
    expect(workerVersioningOptions({ deploymentName: 'autosoc', buildId: '2026-12-08.1' })).toEqual({
      workerDeploymentOptions: {
        useWorkerVersioning: true,
        version: { deploymentName: 'autosoc', buildId: '2026-12-08.1' },
        defaultVersioningBehavior: 'PINNED',
      },
    });
    expect(workerVersioningOptions(undefined)).toEqual({});
  });

  it('an old run finishes on the old code after a new version becomes current; new runs get the new code', async () => {
    await startWorker('v1');
    await setCurrentVersion('v1');
    const old = await start('old');
    // The old run is past its first step and waits for the analyst, pinned to v1.
    await waitFor(
      async () => (await old.fetchHistory()).events!.filter((e) => e.activityTaskCompletedEventAttributes).length,
      (n) => n === 1,
      'the old run to finish its first step',
    );
    expect(await versioningOf(old.workflowId)).toMatchObject({
      behavior: expect.anything(),
      deploymentVersion: { deploymentName, buildId: 'v1' },
    });
    // What an operator asks before retiring v1's workers (DEVELOPERS.md): its open pinned runs.
    await waitFor(
      async () => {
        const ids: string[] = [];
        for await (const w of client.workflow.list({
          query: `TemporalWorkerDeploymentVersion="${deploymentName}:v1" AND ExecutionStatus="Running"`,
        }))
          ids.push(w.workflowId);
        return ids;
      },
      (ids) => ids.length === 1 && ids[0] === old.workflowId,
      'visibility to list the run pinned to v1',
      20_000,
    );

    // v2 is incompatible with the old run: replaying its history on bundle B is a non-determinism error (and on A it is not).
    const history = await old.fetchHistory();
    await expect(
      Worker.runReplayHistory({ workflowsPath: bundles.v2, dataConverter: testDataConverter }, history, old.workflowId),
    ).rejects.toBeInstanceOf(DeterminismViolationError);
    await Worker.runReplayHistory({ workflowsPath: bundles.v1, dataConverter: testDataConverter }, history, old.workflowId);

    // Deploy: v2 workers start, v2 becomes current, v1's workers keep polling for their pinned runs.
    await startWorker('v2');
    await setCurrentVersion('v2');
    const next = await start('new');
    await waitFor(
      async () => (await next.fetchHistory()).events!.filter((e) => e.activityTaskCompletedEventAttributes).length,
      (n) => n === 2,
      'the new run to finish its two first steps',
    );
    expect(await versioningOf(next.workflowId)).toMatchObject({ deploymentVersion: { deploymentName, buildId: 'v2' } });

    await old.signal('proceed');
    await next.signal('proceed');
    expect(await old.result()).toEqual(['collect@v1', 'v1-report@v1']);
    expect(await next.result()).toEqual(['enrich@v2', 'collect@v2', 'v2-report@v2']);
    // Pinned throughout: the old run never moved to v2.
    expect(await versioningOf(old.workflowId)).toMatchObject({ deploymentVersion: { deploymentName, buildId: 'v1' } });
    const behaviors = (await old.fetchHistory()).events!.flatMap((e) =>
      e.workflowTaskCompletedEventAttributes ? [e.workflowTaskCompletedEventAttributes] : [],
    );
    expect(behaviors.every((t) => t.deploymentVersion?.buildId === 'v1')).toBe(true);
  }, 240_000);
});
