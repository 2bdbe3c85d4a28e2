// sandboxDetonate across a worker restart on the Temporal dev server: the first worker
// submits and polls, then shuts down mid-analysis; a second worker gets the retried
// activity with the last heartbeat's details and finishes polling the same CAPE task.
import { readFileSync } from 'node:fs';
import { activityInfo } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { sandboxDetonate, type SandboxDetonateInput, type SandboxProgress } from '../../../src/activities/sandbox';
import { sandboxFromConfig } from '../../../src/connectors/sandbox/config';
import { storeEvidence } from '../../../src/store/evidence';
import { openTestDatabase, type TestDatabase } from '../../helpers/database';
import { testDataConverter as dataConverter } from '../../helpers/security';
import { devServerEnv, uniqueSuffix } from '../../helpers/temporal';
import { waitFor } from '../../helpers/wait';
import { CapeServer } from '../../servers/cape-server';
import { capeReport } from './cape-report-fixture';
import { detonateWorkflow } from './detonate-workflow';

const cape = new CapeServer({ report: (s) => capeReport(s.taskId, s.sha256, s.filename ?? 'sample') });
let env: TestWorkflowEnvironment;
let db: TestDatabase;
let baseUrl: string;

beforeAll(async () => {
  [env, db, baseUrl] = await Promise.all([devServerEnv(), openTestDatabase(), cape.start()]);
});
afterAll(async () => {
  await cape.stop();
  await env?.teardown();
  await db?.close();
});

test('a worker restart mid-analysis resumes the same CAPE task from heartbeat details', async () => {
  const taskQueue = `sandbox-restart-${uniqueSuffix()}`;
  const sample = readFileSync('/usr/bin/printf');
  const { sha256 } = await storeEvidence(db.pool, { kind: 'file', mediaType: 'application/x-executable', content: sample });
  cape.statusSequence = ['pending', 'running']; // stays running until the test moves it on
  const sandbox = sandboxFromConfig({
    cape: { baseUrl, timeoutMs: 30_000, transferTimeoutMs: 30_000, maxReportBytes: 1024 * 1024 },
    submit: {},
    polling: { pollIntervalMs: 20, maxPollIntervalMs: 50, maxWaitMs: 60_000 },
  });
  // The real activity; the wrapper only notes which attempt saw which heartbeat details.
  const attempts: { attempt: number; details: SandboxProgress | undefined }[] = [];
  const activities = {
    sandboxDetonate: (input: SandboxDetonateInput) => {
      attempts.push({ attempt: activityInfo().attempt, details: activityInfo().heartbeatDetails });
      return sandboxDetonate({ db: db.pool, sandbox }, input);
    },
  };
  const workflowsPath = require.resolve('./detonate-workflow');
  const first = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath,
    activities,
    dataConverter,
    shutdownGraceTime: '100ms',
  });
  const firstRun = first.run();
  const handle = await env.client.workflow.start(detonateWorkflow, {
    taskQueue,
    workflowId: `detonate-${uniqueSuffix()}`,
    args: [{ workflowId: `wf-${uniqueSuffix()}`, sha256, name: 'printf.exe' }],
  });
  const statusCalls = () => cape.requests.filter((r) => r.path.includes('/tasks/status/')).length;
  await waitFor(
    async () => statusCalls(),
    (n) => n >= 3,
    'the first worker polling CAPE',
  );
  first.shutdown();
  await firstRun;

  const taskId = cape.submissions[0].taskId;
  cape.advance(taskId, 'completed', 'reported');
  const second = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath, activities, dataConverter });
  const finding = await second.runUntil(handle.result());

  expect(finding).toMatchObject({ analyzer: 'sandbox', verdict: 'malicious', summary: expect.stringContaining(`CAPE task ${taskId}`) });
  expect(cape.submissions).toHaveLength(1);
  expect(attempts[0]).toEqual({ attempt: 1, details: undefined });
  expect(attempts[attempts.length - 1].attempt).toBeGreaterThan(1);
  expect(attempts[attempts.length - 1].details).toMatchObject({ taskId, state: 'running' });
});
