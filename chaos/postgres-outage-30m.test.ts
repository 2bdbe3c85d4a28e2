// PostgreSQL down for 30 minutes (server time, on the time-skipping test server) with alerts in
// flight, against a PostgreSQL of the test's own and the real activities. Store steps used to
// give up after 50 attempts (~23 minutes) and fail the alert; now they retry until the database
// is back, waiting on durable timers once a backoff passes 10 s (so the skipped 30 minutes are
// real retries, not one long wait), and the worker logs an error per failure from attempt
// ALARM_AFTER_ATTEMPTS on. Proves: after the outage nothing failed, the alarm was raised with
// the attempt count, and every alert reaches its final state once the database is back.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { Pool } from 'pg';
import { ALARM_AFTER_ATTEMPTS, type RetryAlarm } from '../src/activities/retry-alarm';
import { loadConfig } from '../src/config';
import { alertWorkflowId, parseAlert } from '../src/domain/alert';
import { migrate } from '../src/store/migrate';
import { createWorker } from '../src/worker';
import { alertWorkflow } from '../src/workflows';
import { statusQuery } from '../src/workflows/messages';
import { sampleAlert } from '../test/helpers/alerts';
import { timeSkippingEnv, uniqueSuffix } from '../test/helpers/temporal';
import { ownPostgres, type OwnPostgres } from './own-postgres';

const OUTAGE_MS = 30 * 60_000;
const run = uniqueSuffix();
const config = loadConfig({ TEMPORAL_TASK_QUEUE: `chaos-pg30-${run}`, AUTOSOC_CORRELATION_KEYS: 'none' });
let env: TestWorkflowEnvironment;
let pg: OwnPostgres | undefined;
let pool: Pool | undefined;
let worker: Worker | undefined;
let running: Promise<void> | undefined;

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
  await pool?.end();
  pg?.destroy();
});

test('PostgreSQL down for 30 minutes: no alert fails, the operator is alarmed, all finish once it is back', async () => {
  [env, pg] = await Promise.all([timeSkippingEnv(), ownPostgres()]);
  pool = new Pool({ connectionString: pg.url, max: 4, connectionTimeoutMillis: 2000 });
  pool.on('error', () => undefined); // idle clients lose the server on purpose here
  await migrate(pool);
  const alarms: RetryAlarm[] = [];
  worker = await createWorker(config, pool, env.nativeConnection, env.client, (a) => alarms.push(a));
  running = worker.run();

  pg.stop();
  const outageStart = await env.currentTimeMs();
  // Two the policy closes on its own, one that escalates to an analyst.
  const handles = await Promise.all(
    ['04-admin-login.json', '05-port-scan.json', '02-lsass-dump.json'].map((sample) => {
      const alert = parseAlert({ ...sampleAlert(sample), sourceId: `pg30-${run}-${sample}` });
      return env.client.workflow.start(alertWorkflow, {
        workflowId: alertWorkflowId(alert),
        taskQueue: config.temporal.taskQueue,
        args: [{ alert, policy: config.policy }],
        workflowTaskTimeout: '30s',
      });
    }),
  );
  await env.sleep(OUTAGE_MS); // server time: the retry timers of the whole outage fire meanwhile
  expect((await env.currentTimeMs()) - outageStart).toBeGreaterThanOrEqual(OUTAGE_MS);
  for (const h of handles) expect((await h.describe()).status.name).toBe('RUNNING');
  const collectAlarms = alarms.filter((a) => a.activityType === 'collectEvidence');
  expect(collectAlarms.length).toBeGreaterThan(0);
  expect(Math.min(...collectAlarms.map((a) => a.attempt))).toBe(ALARM_AFTER_ATTEMPTS);
  const maxAttempt = Math.max(...collectAlarms.map((a) => a.attempt));

  pg.start();
  const [closedA, closedB] = await Promise.all([handles[0].result(), handles[1].result()]);
  expect([closedA.outcome, closedB.outcome]).toEqual(['auto_closed', 'auto_closed']);
  let escalated = await handles[2].query(statusQuery);
  for (let i = 0; i < 200 && escalated.stage !== 'awaiting_analyst'; i++) {
    await env.sleep(1_000);
    escalated = await handles[2].query(statusQuery);
  }
  expect(escalated.stage).toBe('awaiting_analyst');
  const stored = Number(
    (await pool.query('SELECT count(*) FROM alerts WHERE workflow_id = ANY($1)', [handles.map((h) => h.workflowId)])).rows[0].count,
  );
  expect(stored).toBe(3);
  console.log(
    `[chaos] PostgreSQL down 30 min (server time): ${alarms.length} retry alarms, collectEvidence reached attempt ${maxAttempt}; all 3 alerts final after it came back`,
  );
});
