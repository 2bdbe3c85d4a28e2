// The real stack a benchmark runs on: a fresh Temporal dev server (temp data dir, its own
// ports) unless TEMPORAL_ADDRESS is given, a database (DATABASE_URL or a fresh embedded
// PGlite), and the connections to both. stop() tears down only what it started.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, makeTelemetryFilterString, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { type Config, loadConfig } from '../../src/config';
import { type Database, openConfiguredDatabase } from '../../src/store/database';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import * as floorActivities from './floor-activities';
import { spawnWorkers, type WorkerProcesses } from './worker-processes';
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
    ? await startDevServer({ dataDir: join(dataDir, 'temporal'), port: config.temporal.port, uiPort: config.temporal.uiPort, namespace: config.temporal.namespace, sqlitePragmas: config.temporal.sqlitePragmas })
    : undefined;
  const db = await openConfiguredDatabase(config);
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

/**
 * Events in a workflow's history, how many activities it ran (remote ones scheduled, plus
 * local ones, recorded as markers), and which workers ran the remote ones.
 */
export async function historyCounts(client: Client, workflowId: string): Promise<{ events: number; activities: number; localActivities: number; activityWorkers: Record<string, number> }> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const activityWorkers: Record<string, number> = {};
  for (const e of events) {
    const identity = e.activityTaskStartedEventAttributes?.identity;
    if (identity) activityWorkers[identity] = (activityWorkers[identity] ?? 0) + 1;
  }
  return {
    events: events.length,
    activities: events.filter((e) => e.activityTaskScheduledEventAttributes).length,
    localActivities: events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity').length,
    activityWorkers,
  };
}

/** Each worker's share of the activity tasks in some histories, largest first, e.g. [0.52, 0.48]. */
export function workerShares(histories: { activityWorkers: Record<string, number> }[]): number[] {
  const totals: Record<string, number> = {};
  for (const h of histories) for (const [id, n] of Object.entries(h.activityWorkers)) totals[id] = (totals[id] ?? 0) + n;
  const sum = Object.values(totals).reduce((a, b) => a + b, 0);
  return Object.values(totals).map((n) => Number((n / sum).toFixed(2))).sort((a, b) => b - a);
}

export interface FloorResult { seconds: number; eventsPerRun: number; workerShares: number[]; workerPeakRssMiB?: number }

/**
 * The Temporal floor: `n` bare workflows of `activities` no-op activities each, started
 * directly through the client (at most `concurrency` starts in flight) on their own task queue,
 * served by one in-process worker or by `workers` child processes (as autosoc's run was).
 * Returns the wall seconds from the first start to the last completion.
 */
export async function runFloor(stack: Stack, n: number, activities: number, concurrency: number, workers = 1): Promise<FloorResult> {
  const taskQueue = `bench-floor-${Date.now()}`;
  let stopWorkers: () => Promise<void>;
  let processes: WorkerProcesses | undefined;
  if (workers === 1) {
    const worker = await Worker.create({
      connection: stack.nativeConnection, namespace: stack.config.temporal.namespace, taskQueue,
      workflowsPath: require.resolve('./floor-workflow'), activities: floorActivities,
    });
    const running = worker.run();
    stopWorkers = async () => { worker.shutdown(); await running; };
  } else {
    processes = await spawnWorkers(join(__dirname, 'floor-worker.js'), workers, {
      TEMPORAL_ADDRESS: stack.config.temporal.address, TEMPORAL_NAMESPACE: stack.config.temporal.namespace, TEMPORAL_TASK_QUEUE: taskQueue,
    });
    stopWorkers = () => processes!.stop();
  }
  let peakRss = 0;
  const rssTimer = processes && setInterval(() => { peakRss = Math.max(peakRss, processes!.rssMiB() || 0); }, 500);
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
  if (rssTimer) clearInterval(rssTimer);
  const sampled = await Promise.all(ids.slice(0, 40).map((id) => historyCounts(stack.client, id)));
  await stopWorkers();
  return { seconds, eventsPerRun: sampled[0].events, workerShares: workerShares(sampled), workerPeakRssMiB: processes ? peakRss : undefined };
}
