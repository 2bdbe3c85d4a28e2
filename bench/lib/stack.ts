// The real stack a benchmark runs on: a fresh Temporal dev server (temp data dir, its own
// ports) unless TEMPORAL_ADDRESS is given, a database (DATABASE_URL or a fresh embedded
// PGlite), and the connections to both. stop() tears down only what it started.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Client, Connection } from '@temporalio/client';
import { Pool } from 'pg';
import { DefaultLogger, makeTelemetryFilterString, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { type Config, loadConfig } from '../../src/config';
import { type Database, openConfiguredDatabase } from '../../src/store/database';
import { dataConverterFor, temporalClient } from '../../src/temporal/client';
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
    TEMPORAL_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.ui),
    AUTOSOC_DATA_DIR: dataDir,
    AUTOSOC_PGLITE_PORT: String(ports.pglite),
    LOG_LEVEL: 'warn',
    ...env,
  });
  const devServer = config.temporal.local
    ? await startDevServer({
        dataDir: join(dataDir, 'temporal'),
        port: config.temporal.port,
        uiPort: config.temporal.uiPort,
        namespace: config.temporal.namespace,
        sqlitePragmas: config.temporal.sqlitePragmas,
      })
    : undefined;
  // A fresh database per run on DATABASE_URL's server: alerts left by an earlier run would
  // count as look-alikes and turn this run's alerts into a storm.
  const fresh = config.databaseUrl ? await createFreshDatabase(config.databaseUrl) : undefined;
  const db = await openConfiguredDatabase({ ...config, databaseUrl: fresh?.url });
  const nativeConnection = await NativeConnection.connect({ address: config.temporal.address });
  const connection = await Connection.connect({ address: config.temporal.address });
  const client = temporalClient(config, connection);
  return {
    config,
    db,
    client,
    nativeConnection,
    devServer,
    dataDir,
    async stop() {
      await connection.close();
      await nativeConnection.close();
      await db.close();
      await fresh?.drop();
      await devServer?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates `<database>_bench_<time>` beside DATABASE_URL's database; drop() removes it. */
async function createFreshDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const target = new URL(url);
  const name = `${target.pathname.slice(1) || 'autosoc'}_bench_${Date.now().toString(36)}`;
  const admin = new Pool({ connectionString: url, max: 1 });
  await admin.query(`CREATE DATABASE "${name}"`);
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

/**
 * Events in a workflow's history (its latest run, or `runId`), how many activities it ran (remote ones scheduled, plus
 * local ones, recorded as markers), and which workers ran the remote ones.
 */
export interface HistoryCounts {
  events: number;
  activities: number;
  localActivities: number;
  activityWorkers: Record<string, number>;
  /** Per remote activity type: ms from scheduled to started (queueing) and started to completed (running). */
  activityMs: Record<string, { queued: number[]; running: number[] }>;
}

const eventMs = (e: { eventTime?: { seconds?: unknown; nanos?: number | null } | null }) =>
  Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;

export async function historyCounts(client: Client, workflowId: string, runId?: string): Promise<HistoryCounts> {
  const events = (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
  const activityWorkers: Record<string, number> = {};
  const activityMs: HistoryCounts['activityMs'] = {};
  const byId = new Map(events.map((e) => [Number(e.eventId), e]));
  for (const e of events) {
    const identity = e.activityTaskStartedEventAttributes?.identity;
    if (identity) activityWorkers[identity] = (activityWorkers[identity] ?? 0) + 1;
    const done = e.activityTaskCompletedEventAttributes;
    if (!done) continue;
    const scheduled = byId.get(Number(done.scheduledEventId));
    const started = byId.get(Number(done.startedEventId));
    const type = scheduled?.activityTaskScheduledEventAttributes?.activityType?.name;
    if (!scheduled || !started || !type) continue;
    const t = (activityMs[type] ??= { queued: [], running: [] });
    t.queued.push(eventMs(started) - eventMs(scheduled));
    t.running.push(eventMs(e) - eventMs(started));
  }
  return {
    events: events.length,
    activities: events.filter((e) => e.activityTaskScheduledEventAttributes).length,
    localActivities: events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity').length,
    activityWorkers,
    activityMs,
  };
}

/** Mean queueing and running ms per remote activity type over some histories. */
export function activityTimes(histories: HistoryCounts[]): Record<string, { count: number; queuedMs: number; runningMs: number }> {
  const all: HistoryCounts['activityMs'] = {};
  for (const h of histories) {
    for (const [type, t] of Object.entries(h.activityMs)) {
      const a = (all[type] ??= { queued: [], running: [] });
      a.queued.push(...t.queued);
      a.running.push(...t.running);
    }
  }
  const mean = (xs: number[]) => Math.round(xs.reduce((s, x) => s + x, 0) / xs.length);
  return Object.fromEntries(
    Object.entries(all).map(([type, t]) => [type, { count: t.running.length, queuedMs: mean(t.queued), runningMs: mean(t.running) }]),
  );
}

/** Each worker's share of the activity tasks in some histories, largest first, e.g. [0.52, 0.48]. */
export function workerShares(histories: { activityWorkers: Record<string, number> }[]): number[] {
  const totals: Record<string, number> = {};
  for (const h of histories) for (const [id, n] of Object.entries(h.activityWorkers)) totals[id] = (totals[id] ?? 0) + n;
  const sum = Object.values(totals).reduce((a, b) => a + b, 0);
  return Object.values(totals)
    .map((n) => Number((n / sum).toFixed(2)))
    .sort((a, b) => b - a);
}

export interface FloorResult {
  seconds: number;
  eventsPerRun: number;
  workerShares: number[];
  workerPeakRssMiB?: number;
}

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
      connection: stack.nativeConnection,
      namespace: stack.config.temporal.namespace,
      taskQueue,
      workflowsPath: require.resolve('./floor-workflow'),
      activities: floorActivities,
      dataConverter: dataConverterFor(stack.config),
    });
    const running = worker.run();
    stopWorkers = async () => {
      worker.shutdown();
      await running;
    };
  } else {
    processes = await spawnWorkers(join(__dirname, 'floor-worker.js'), workers, {
      TEMPORAL_ADDRESS: stack.config.temporal.address,
      TEMPORAL_NAMESPACE: stack.config.temporal.namespace,
      TEMPORAL_TASK_QUEUE: taskQueue,
    });
    stopWorkers = () => processes!.stop();
  }
  let peakRss = 0;
  const rssTimer =
    processes &&
    setInterval(() => {
      peakRss = Math.max(peakRss, processes!.rssMiB() || 0);
    }, 500);
  const t0 = process.hrtime.bigint();
  const ids: string[] = [];
  const results: Promise<unknown>[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) {
        const i = next++;
        const handle = await stack.client.workflow.start(floorWorkflow, { workflowId: `${taskQueue}-${i}`, taskQueue, args: [activities] });
        ids.push(handle.workflowId);
        results.push(handle.result());
      }
    }),
  );
  await Promise.all(results);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (rssTimer) clearInterval(rssTimer);
  const sampled = await Promise.all(ids.slice(0, 40).map((id) => historyCounts(stack.client, id)));
  await stopWorkers();
  return {
    seconds,
    eventsPerRun: sampled[0].events,
    workerShares: workerShares(sampled),
    workerPeakRssMiB: processes ? peakRss : undefined,
  };
}
