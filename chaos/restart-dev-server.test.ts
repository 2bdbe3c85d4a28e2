// The Temporal dev server (SQLite file) stopped and started again on the same file with 200
// alerts in flight: the worker and the client reconnect, every alert reaches its final state,
// and no side effect is lost or doubled.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { loadConfig } from '../src/config';
import { temporalClient } from '../src/temporal/client';
import { type DevServer, type DevServerOptions, startDevServer } from '../src/temporal/dev-server';
import { openTestDatabase, type TestDatabase } from '../test/helpers/database';
import { uniqueSuffix } from '../test/helpers/temporal';
import { waitFor } from '../test/helpers/wait';
import { freePort } from './free-port';
import { approveAll, expectExactlyOnce, killHard, spawnWorker, startBatch, untilSettled } from './harness';

const run = uniqueSuffix();
const workerEnv = { TEMPORAL_TASK_QUEUE: `chaos-devserver-${run}`, AUTOSOC_CORRELATION_KEYS: 'none' };
const config = loadConfig(workerEnv);
const dataDir = mkdtempSync(join(tmpdir(), 'autosoc-chaos-temporal-'));
let server: DevServer | undefined;
let connection: Connection | undefined;
let db: TestDatabase;
let child: ChildProcess | undefined;

afterAll(async () => {
  await killHard(child);
  await connection?.close();
  await server?.stop();
  await db?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('dev server restarted mid-run on its database file: every alert final, exactly once', async () => {
  const opts: DevServerOptions = { dataDir, port: await freePort(), uiPort: await freePort(), namespace: 'default' };
  [server, db] = await Promise.all([startDevServer(opts), openTestDatabase()]);
  connection = await Connection.connect({ address: server.address });
  const client = temporalClient(config, connection);
  child = spawnWorker({ ...workerEnv, TEMPORAL_ADDRESS: server.address, DATABASE_URL: db.url });

  const batch = await startBatch(client, config, run, 200);
  const ids = batch.map((b) => b.workflowId);
  const storedCount = async () =>
    Number((await db.pool.query('SELECT count(*) FROM alerts WHERE workflow_id = ANY($1)', [ids])).rows[0].count);
  await waitFor(storedCount, (n) => n >= 20, 'the worker to be busy', 120_000);
  const stored = await storedCount();

  const stoppedAt = Date.now();
  await server.stop();
  server = await startDevServer(opts);
  const downMs = Date.now() - stoppedAt;
  const escalated = await untilSettled(client, batch, 300_000);
  const recoveryMs = Date.now() - stoppedAt;
  await approveAll(client, escalated);
  await expectExactlyOnce(client, db.pool, batch, escalated);
  console.log(
    `[chaos] dev server restart: ${stored}/200 alerts stored at the stop; server down ${downMs} ms; all settled ${recoveryMs} ms after the stop; ${escalated.length} escalated and approved`,
  );
  expect(stored).toBeLessThan(200);
  expect(escalated.length).toBeGreaterThan(0);
});
