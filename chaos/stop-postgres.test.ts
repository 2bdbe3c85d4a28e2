// PostgreSQL stopped for 20 s with 200 alerts in flight (a server of this test's own): the
// activities fail and retry, the worker survives, every alert reaches its final state, and
// no side effect is lost or doubled.
import type { ChildProcess } from 'node:child_process';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Pool } from 'pg';
import { loadConfig } from '../src/config';
import { migrate } from '../src/store/migrate';
import { devServerEnv, uniqueSuffix } from '../test/helpers/temporal';
import { waitFor } from '../test/helpers/wait';
import { approveAll, expectExactlyOnce, killHard, spawnWorker, startBatch, untilSettled } from './harness';
import { ownPostgres, type OwnPostgres } from './own-postgres';

const OUTAGE_MS = 20_000;
const run = uniqueSuffix();
const workerEnv = { TEMPORAL_TASK_QUEUE: `chaos-pg-${run}`, AUTOSOC_CORRELATION_KEYS: 'none' };
const config = loadConfig(workerEnv);
let tenv: TestWorkflowEnvironment;
let pg: OwnPostgres | undefined;
let pool: Pool | undefined;
let child: ChildProcess | undefined;

afterAll(async () => {
  await killHard(child);
  await tenv?.teardown();
  await pool?.end();
  pg?.destroy();
});

test('PostgreSQL down for 20 s mid-run: every alert final, exactly once, the worker survives', async () => {
  [tenv, pg] = await Promise.all([devServerEnv(), ownPostgres()]);
  pool = new Pool({ connectionString: pg.url, max: 4 });
  pool.on('error', () => undefined); // idle clients lose the server on purpose here
  await migrate(pool);
  child = spawnWorker({ ...workerEnv, TEMPORAL_ADDRESS: tenv.address, DATABASE_URL: pg.url });
  let workerExit: string | undefined;
  child.once('exit', (code, signal) => {
    workerExit = `${signal ?? code}`;
  });

  const batch = await startBatch(tenv.client, config, run, 200);
  const ids = batch.map((b) => b.workflowId);
  const storedCount = async () =>
    Number((await pool!.query('SELECT count(*) FROM alerts WHERE workflow_id = ANY($1)', [ids])).rows[0].count);
  await waitFor(storedCount, (n) => n >= 20, 'the worker to be busy', 120_000);
  const stored = await storedCount();

  const stoppedAt = Date.now();
  pg.stop();
  // The outage itself: a fixed span of time is what this test is about, not a wait for a condition.
  await new Promise((r) => setTimeout(r, OUTAGE_MS));
  pg.start();
  const restartedAt = Date.now();
  const escalated = await untilSettled(tenv.client, batch, 400_000);
  const settledAt = Date.now();
  expect(workerExit).toBeUndefined();
  await approveAll(tenv.client, escalated);
  await expectExactlyOnce(tenv.client, pool, batch, escalated);
  console.log(
    `[chaos] PostgreSQL stop: ${stored}/200 alerts stored at the stop; down ${restartedAt - stoppedAt} ms; all settled ${settledAt - restartedAt} ms after it came back; ${escalated.length} escalated and approved`,
  );
  expect(stored).toBeLessThan(200);
  expect(escalated.length).toBeGreaterThan(0);
});
