// One time-skipping Temporal environment, a real database and a worker with the real
// activities: what every workflow test file starts from.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../src/activities';
import { manualResponseConnector } from '../../src/connectors/response-connector';
import { type AlertInput, alertWorkflowId, parseAlert } from '../../src/domain/alert';
import { DEFAULT_CORRELATION } from '../../src/domain/correlation';
import { DEFAULT_POLICY, type TriagePolicy } from '../../src/domain/policy';
import { IngestService } from '../../src/ingest/ingest-service';
import { defaultPlan } from '../../src/investigation/default-plan';
import { alertWorkflow } from '../../src/workflows';
import { statusQuery } from '../../src/workflows/messages';
import type { Stage } from '../../src/workflows/status';
import { openTestDatabase, type TestDatabase } from './database';
import { testDataConverter, withDecisionKeys } from './security';
import { timeSkippingEnv, uniqueSuffix } from './temporal';

export interface WorkflowHarness {
  env: TestWorkflowEnvironment;
  db: TestDatabase;
  taskQueue: string;
  start(alert: AlertInput, policy?: TriagePolicy): ReturnType<typeof startAlertWorkflow>;
  untilStage(handle: Awaited<ReturnType<typeof startAlertWorkflow>>, stage: Stage): Promise<void>;
  close(): Promise<void>;
}

let harnessEnv: TestWorkflowEnvironment;
const startAlertWorkflow = (taskQueue: string, alert: AlertInput, policy: TriagePolicy) => {
  const parsed = parseAlert(alert);
  return harnessEnv.client.workflow.start(alertWorkflow, {
    workflowId: alertWorkflowId(parsed), taskQueue, args: [{ alert: parsed, policy: withDecisionKeys(policy) }], workflowTaskTimeout: '30s',
  });
};

export async function workflowHarness(overrides: Partial<ActivityDeps> = {}): Promise<WorkflowHarness> {
  const [env, db] = await Promise.all([timeSkippingEnv(), openTestDatabase()]);
  harnessEnv = env;
  const taskQueue = `wf-test-${uniqueSuffix()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('../../src/workflows'),
    dataConverter: testDataConverter,
    activities: createActivities({
      db: db.pool, responders: [manualResponseConnector],
      ingest: new IngestService({ db: db.pool, client: env.client, taskQueue, policy: DEFAULT_POLICY, correlation: DEFAULT_CORRELATION }),
      investigation: defaultPlan(db.pool),
      notifiers: [],
      ...overrides,
    }),
  });
  const running = worker.run();
  return {
    env, db, taskQueue,
    start: (alert, policy = DEFAULT_POLICY) => startAlertWorkflow(taskQueue, alert, policy),
    async untilStage(handle, stage) {
      // Queries answer from the latest state; env.sleep(1) lets server time move, no wall-clock wait.
      for (let i = 0; i < 500 && (await handle.query(statusQuery)).stage !== stage; i++) await env.sleep(1);
      if ((await handle.query(statusQuery)).stage !== stage) throw new Error(`${handle.workflowId} never reached ${stage}`);
    },
    async close() {
      worker.shutdown();
      await running;
      await env.teardown();
      await db.close();
    },
  };
}
