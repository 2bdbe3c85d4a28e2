// The real stack a benchmark runs on: a fresh Temporal dev server (temp data dir, its own
// ports) unless TEMPORAL_ADDRESS is given, a database (DATABASE_URL or a fresh embedded
// PGlite), and the connections to both. stop() tears down only what it started.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, makeTelemetryFilterString, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { type Config, loadConfig } from '../../src/config';
import { type Database, openDatabase } from '../../src/store/database';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import * as floorActivities from './floor-activities';
import { floorWorkflow } from './floor-workflow';

export interface Stack {
  config: Config;
  db: Database;
  client: Client;
  nativeConnection: NativeConnection;
  devServer?: DevServer;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startStack(env: Record<string, string>, ports = { temporal: 7300, ui: 8300, pglite: 5499 }): Promise<Stack> {
  // Worker INFO lines would drown the figures, and core's transient "Task not found" warnings
  // land on stdout (breaking --json): the SDK logs warnings, core logs errors, to stderr.
  Runtime.install({
    logger: new DefaultLogger('WARN', (e) => console.error(`[${e.level}] ${e.message}`, e.meta ?? '')),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }), forward: {} } },
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'autosoc-bench-'));
  const config = loadConfig({
    ...process.env,
    TEMPORAL_PORT: String(ports.temporal), TEMPORAL_UI_PORT: String(ports.ui),
    AUTOSOC_DATA_DIR: dataDir, AUTOSOC_PGLITE_PORT: String(ports.pglite), LOG_LEVEL: 'warn',
    ...env,
  });
  const devServer = config.temporal.local
    ? await startDevServer({ dataDir: join(dataDir, 'temporal'), port: config.temporal.port, uiPort: config.temporal.uiPort, namespace: config.temporal.namespace })
    : undefined;
  const db = await openDatabase({ databaseUrl: config.databaseUrl, embeddedDataDir: join(dataDir, 'pglite'), embeddedPort: config.pglitePort });
  const nativeConnection = await NativeConnection.connect({ address: config.temporal.address });
  const connection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  return {
    config, db, client, nativeConnection, devServer, dataDir,
    async stop() {
      await connection.close();
      await nativeConnection.close();
      await db.close();
      await devServer?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Events in a workflow's history, and how many activities it scheduled. */
export async function historyCounts(client: Client, workflowId: string): Promise<{ events: number; activities: number }> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  return { events: events.length, activities: events.filter((e) => e.activityTaskScheduledEventAttributes).length };
}

/**
 * The Temporal floor: `n` bare workflows of `activities` no-op activities each, started
 * directly through the client (at most `concurrency` starts in flight) on their own task queue
 * and worker. Returns the wall seconds from the first start to the last completion.
 */
export async function runFloor(stack: Stack, n: number, activities: number, concurrency: number): Promise<{ seconds: number; eventsPerRun: number }> {
  const taskQueue = `bench-floor-${Date.now()}`;
  const worker = await Worker.create({
    connection: stack.nativeConnection, namespace: stack.config.temporal.namespace, taskQueue,
    workflowsPath: require.resolve('./floor-workflow'), activities: floorActivities,
  });
  const running = worker.run();
  const t0 = process.hrtime.bigint();
  const ids: string[] = [];
  const results: Promise<unknown>[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, async () => {
    while (next < n) {
      const i = next++;
      const handle = await stack.client.workflow.start(floorWorkflow, { workflowId: `${taskQueue}-${i}`, taskQueue, args: [activities] });
      ids.push(handle.workflowId);
      results.push(handle.result());
    }
  }));
  await Promise.all(results);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const eventsPerRun = (await historyCounts(stack.client, ids[0])).events;
  worker.shutdown();
  await running;
  return { seconds, eventsPerRun };
}
