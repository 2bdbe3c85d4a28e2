// A related alert that reaches the primary while it writes its report (after its triage) is
// still triaged (issue 10, item 4: every accepted alert is triaged). The incident counts an
// alert as heard once its relatedAlerts signal is delivered, so a run that finished without
// folding it in left that alert with no triage at all. The worker's real writeReport is held
// at its start until the signal is in: the gap, made certain instead of hoped for.
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities } from '../../src/activities';
import { manualResponseConnector } from '../../src/connectors/response-connector';
import { alertWorkflowId } from '../../src/domain/alert';
import { DEFAULT_CORRELATION } from '../../src/domain/correlation';
import { DEFAULT_POLICY } from '../../src/domain/policy';
import { IngestService } from '../../src/ingest/ingest-service';
import { defaultPlan } from '../../src/investigation/default-plan';
import { getReport } from '../../src/store/reports';
import { relatedAlertsSignal, statusQuery } from '../../src/workflows/messages';
import { sampleAlert } from '../helpers/alerts';
import { openTestDatabase, type TestDatabase } from '../helpers/database';
import { testDataConverter, withDecisionKeys } from '../helpers/security';
import { timeSkippingEnv, uniqueSuffix } from '../helpers/temporal';

let env: TestWorkflowEnvironment;
let db: TestDatabase;
beforeAll(async () => {
  [env, db] = await Promise.all([timeSkippingEnv(), openTestDatabase()]);
});
afterAll(async () => {
  await env?.teardown();
  await db?.close();
});

const ENCODED_POWERSHELL =
  'powershell.exe -NoP -W Hidden -Exec Bypass -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA';
const EMPTY = { hosts: [], users: [], hashes: [], domains: [], ips: [], urls: [], emails: [], commandLines: [] };

test('a related alert signalled while the primary writes its report is folded in and re-triaged', async () => {
  const taskQueue = `related-report-${uniqueSuffix()}`;
  const real = createActivities({
    db: db.pool,
    responders: [manualResponseConnector],
    notifiers: [],
    investigation: defaultPlan(db.pool),
    ingest: new IngestService({ db: db.pool, client: env.client, taskQueue, policy: DEFAULT_POLICY, correlation: DEFAULT_CORRELATION }),
  });
  let reportsWritten = 0;
  let reporting!: () => void;
  const reportStarted = new Promise<void>((resolve) => {
    reporting = resolve;
  });
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('../../src/workflows'),
    dataConverter: testDataConverter,
    activities: {
      ...real,
      writeReport: async (input: Parameters<typeof real.writeReport>[0]) => {
        reportsWritten += 1;
        reporting();
        await released; // the first report waits for the signal; later ones pass straight through
        return real.writeReport(input);
      },
    },
  });
  await worker.runUntil(async () => {
    const alert = sampleAlert('04-admin-login.json', `related-report-${uniqueSuffix()}`); // benign: auto-closes
    const handle = await env.client.workflow.start('alertWorkflow', {
      workflowId: alertWorkflowId(alert),
      taskQueue,
      workflowTaskTimeout: '30s',
      args: [{ alert, policy: withDecisionKeys(DEFAULT_POLICY), incidentId: `incident-${uniqueSuffix()}` }],
    });
    await reportStarted;
    expect((await handle.query(statusQuery)).stage).toBe('reporting');
    await handle.signal(relatedAlertsSignal, {
      incidentId: 'incident',
      alertCount: 2,
      observables: [{ ...EMPTY, hosts: ['ws-related'], commandLines: [ENCODED_POWERSHELL] }],
    });
    release();
    const done = await handle.result();

    // The joined alert was heard and triaged: its observables were investigated and scored.
    expect(done).toMatchObject({ stage: 'done', outcome: 'auto_closed', relatedAlerts: 1, retriages: 1 });
    expect(done.observables?.commandLines).toContain(ENCODED_POWERSHELL);
    // The stored report was written again, with the related alert's observables in it.
    expect(reportsWritten).toBeGreaterThanOrEqual(2);
    expect((await getReport(db.pool, handle.workflowId))?.body).toContain('ws-related');
  });
}, 180_000);
