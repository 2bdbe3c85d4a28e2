// One time-skipping Temporal environment, a real database and a worker with the real
// activities: what every workflow and playbook test file starts from. A playbook test starts
// its playbook (startPlaybook), sends analysts' decisions (decide) and moves time (advance).
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { workflowSource } from '../../src/worker';
import { Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../src/activities';
import { manualResponseConnector } from '../../src/connectors/response-connector';
import { type AlertInput, alertWorkflowId, parseAlert } from '../../src/domain/alert';
import { DEFAULT_CORRELATION } from '../../src/domain/correlation';
import { DEFAULT_POLICY, type TriagePolicy } from '../../src/domain/policy';
import { IngestService } from '../../src/ingest/ingest-service';
import { defaultPlan } from '../../src/investigation/default-plan';
import { alertWorkflow } from '../../src/workflows';
import { decideUpdate, statusQuery } from '../../src/workflows/messages';
import type { AlertStatus, Stage } from '../../src/domain/alert-status';
import { openTestDatabase, type TestDatabase } from './database';
import { signedDecision, testDataConverter, withDecisionKeys } from './security';
import { timeSkippingEnv, uniqueSuffix } from './temporal';

export interface WorkflowHarness {
  env: TestWorkflowEnvironment;
  db: TestDatabase;
  taskQueue: string;
  start(alert: AlertInput, policy?: TriagePolicy): ReturnType<typeof startAlertWorkflow>;
  /** Starts any playbook the bundle registers (its workflow type, e.g. 'reportedPhishing') for an alert. */
  startPlaybook(playbook: string, alert: AlertInput, policy?: TriagePolicy): ReturnType<typeof startAlertWorkflow>;
  untilStage(handle: Awaited<ReturnType<typeof startAlertWorkflow>>, stage: Stage): Promise<void>;
  /** An analyst's decision through the decide Update, signed as the API signs it, at the server's time. */
  decide(handle: Awaited<ReturnType<typeof startAlertWorkflow>>, decision: Parameters<typeof signedDecision>[1]): Promise<AlertStatus>;
  /** Moves the server's clock (SLA tiers of hours pass in milliseconds). */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

let harnessEnv: TestWorkflowEnvironment;
const startAlertWorkflow = (taskQueue: string, alert: AlertInput, policy: TriagePolicy, playbook: string = alertWorkflow.name) => {
  const parsed = parseAlert(alert);
  return harnessEnv.client.workflow.start<typeof alertWorkflow>(playbook, {
    workflowId: alertWorkflowId(parsed),
    taskQueue,
    args: [{ alert: parsed, policy: withDecisionKeys(policy) }],
    workflowTaskTimeout: '30s',
  });
};

export async function workflowHarness(overrides: Partial<ActivityDeps> = {}): Promise<WorkflowHarness> {
  const [env, db] = await Promise.all([timeSkippingEnv(), openTestDatabase()]);
  harnessEnv = env;
  const taskQueue = `wf-test-${uniqueSuffix()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    ...workflowSource(false, process.env.AUTOSOC_WORKFLOW_BUNDLE),
    dataConverter: testDataConverter,
    activities: createActivities({
      db: db.pool,
      responders: [manualResponseConnector],
      ingest: new IngestService({ db: db.pool, client: env.client, taskQueue, policy: DEFAULT_POLICY, correlation: DEFAULT_CORRELATION }),
      investigation: defaultPlan(db.pool),
      notifiers: [],
      ...overrides,
    }),
  });
  const running = worker.run();
  return {
    env,
    db,
    taskQueue,
    start: (alert, policy = DEFAULT_POLICY) => startAlertWorkflow(taskQueue, alert, policy),
    startPlaybook: (playbook, alert, policy = DEFAULT_POLICY) => startAlertWorkflow(taskQueue, alert, policy, playbook),
    decide: async (handle, decision) =>
      handle.executeUpdate(decideUpdate, { args: [signedDecision(handle.workflowId, decision, await env.currentTimeMs())] }),
    advance: (ms) => env.sleep(ms),
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
