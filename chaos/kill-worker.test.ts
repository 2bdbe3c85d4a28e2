// kill -9 of the worker process with 200 alerts in flight, then a new worker: every alert
// reaches its final state and no side effect is lost or doubled.
import type { ChildProcess } from 'node:child_process';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig } from '../src/config';
import { openTestDatabase, type TestDatabase } from '../test/helpers/database';
import { devServerEnv, uniqueSuffix } from '../test/helpers/temporal';
import { waitFor } from '../test/helpers/wait';
import { approveAll, expectExactlyOnce, killHard, spawnWorker, startBatch, untilSettled } from './harness';

const run = uniqueSuffix();
const workerEnv = { TEMPORAL_TASK_QUEUE: `chaos-kill-${run}`, AUTOSOC_CORRELATION_KEYS: 'none' };
const config = loadConfig(workerEnv);
let tenv: TestWorkflowEnvironment;
let db: TestDatabase;
let child: ChildProcess | undefined;

beforeAll(async () => {
  [tenv, db] = await Promise.all([devServerEnv(), openTestDatabase()]);
});

afterAll(async () => {
  await killHard(child);
  await tenv?.teardown();
  await db?.close();
});

test('worker killed with -9 mid-run: every alert final, exactly once', async () => {
  const env = { ...workerEnv, TEMPORAL_ADDRESS: tenv.address, DATABASE_URL: db.url };
  child = spawnWorker(env);
  const batch = await startBatch(tenv.client, config, run, 200);
  const ids = batch.map((b) => b.workflowId);
  // Kill once some, not all, alerts are stored: work is genuinely in flight.
  await waitFor(
    async () => Number((await db.pool.query('SELECT count(*) FROM alerts WHERE workflow_id = ANY($1)', [ids])).rows[0].count),
    (n) => n >= 20,
    'the worker to be busy',
    120_000,
  );
  const stored = Number((await db.pool.query('SELECT count(*) FROM alerts WHERE workflow_id = ANY($1)', [ids])).rows[0].count);
  await killHard(child);
  const killedAt = Date.now();
  child = spawnWorker(env);
  const escalated = await untilSettled(tenv.client, batch, 300_000);
  const recoveryMs = Date.now() - killedAt;
  await approveAll(tenv.client, escalated);
  await expectExactlyOnce(tenv.client, db.pool, batch, escalated);
  console.log(
    `[chaos] kill -9 worker: ${stored}/200 alerts stored at the kill; all settled ${recoveryMs} ms after it; ${escalated.length} escalated and approved`,
  );
  expect(stored).toBeLessThan(200);
  expect(escalated.length).toBeGreaterThan(0);
  expect(escalated.length).toBeLessThan(200);
});
