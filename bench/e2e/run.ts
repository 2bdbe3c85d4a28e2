// bench/e2e: alerts per second through the whole of autosoc — real HTTP API, ingest, the real
// worker (collect, investigate, triage, report), the Temporal dev server and the database —
// from ingest ack to disposition (auto-closed: workflow complete; escalated: awaiting an
// analyst). Baseline in the same run: the Temporal floor, a bare workflow with as many no-op
// activities as an autosoc alert run executes, started directly through the client.
//   npm run build && node dist/bench/e2e/run.js [--alerts 200] [--workers 1|2] [--concurrency 16] [--json]
//     [--open-loop 0.25,0.5,0.75 --open-seconds 60 --files-every 4]
// Open loop: after the closed-loop run has measured capacity (alerts/s), offers alerts at each
// fraction of it at a fixed rate (a send every 1/rate s, never waiting for answers) for
// --open-seconds, and prints ack → disposition percentiles for alerts without files and with
// files (every --files-every-th alert is a reported phishing .eml with its attachments).
// Env: TEMPORAL_ADDRESS (else a fresh dev server on 7300/8300), DATABASE_URL (else embedded).
import { join } from 'node:path';
import type { Worker } from '@temporalio/worker';
import { createWorker } from '../../src/worker';
import { statusQuery } from '../../src/workflows/messages';
import { startApiSender, type Tracked } from '../lib/api-sender';
import { alertMix, emlMix } from '../lib/corpus-alerts';
import { activityTimes, historyCounts, runFloor, startStack, workerShares } from '../lib/stack';
import { countQueries } from '../lib/query-counter';
import { spawnWorkers, type WorkerProcesses } from '../lib/worker-processes';
import { argValue, cpuMeter, percentile, pidsNamed, round, rssMiB } from '../lib/stats';

const API_PORT = 8390;
const POLL_MS = 100;

async function main() {
  const n = argValue('--alerts', 200);
  const workers = argValue('--workers', 1);
  const concurrency = argValue('--concurrency', 16);
  const timeoutMs = argValue('--timeout', 900) * 1000;
  const json = process.argv.includes('--json');
  const log = (msg: string) => {
    if (!json) console.error(msg);
  };
  const runId = Date.now().toString(36);
  const taskQueue = `bench-e2e-${runId}`;

  const stack = await startStack({ AUTOSOC_CORRELATION_KEYS: 'none', TEMPORAL_TASK_QUEUE: taskQueue });
  const { config, client } = stack;
  const pool = stack.db.pool;
  log(
    `temporal ${config.temporal.address}${stack.devServer ? ' (fresh dev server)' : ''}; database ${stack.db.embedded ? 'embedded PGlite' : 'DATABASE_URL'}`,
  );
  // Measured 2026-11-27: under this load PGlite's socket server interleaves connections and
  // activities fail ('portal "" does not exist'); the figures in bench/README.md use PostgreSQL.
  if (stack.db.embedded) log('warning: embedded PGlite fails under concurrent load; set DATABASE_URL (bash scripts/test-postgres.sh)');

  // The real worker: in this process, or child processes running dist/src/worker.js (timing
  // starts once each one polls).
  let worker: Worker | undefined;
  let workerRunning: Promise<void> | undefined;
  let processes: WorkerProcesses | undefined;
  if (workers === 1) {
    worker = await createWorker(config, pool, stack.nativeConnection, client);
    workerRunning = worker.run();
  } else {
    processes = await spawnWorkers(join(__dirname, '..', '..', 'src', 'worker.js'), workers, {
      TEMPORAL_ADDRESS: config.temporal.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATABASE_URL: stack.db.url,
      AUTOSOC_CORRELATION_KEYS: 'none',
      // The payload key the bench's client encrypts with lives in the stack's data dir.
      AUTOSOC_DATA_DIR: stack.dataDir,
    });
  }

  const api = await startApiSender({
    pool,
    client,
    taskQueue,
    policy: config.policy,
    correlation: config.correlation,
    maxBodyBytes: config.api.maxBodyBytes,
    port: API_PORT,
    name: `bench-${runId}`,
  });
  const { send, statusCounts } = api;

  let peakRss = 0;
  const sampleRss = () => {
    const rss = processes ? processes.rssMiB() : rssMiB();
    if (Number.isFinite(rss)) peakRss = Math.max(peakRss, rss);
  };
  const rssTimer = setInterval(sampleRss, 500);

  // Send every alert through POST /v1/alerts/<format>, `concurrency` requests in flight.
  const bodies = alertMix(n, runId);
  const tracked = new Map<string, Tracked>();
  // Disposition: the alerts row gets it at triage; auto-closed runs then finish (result()),
  // escalated ones are done once their status Query says awaiting_analyst.
  const awaitDispositions = async (alerts: Map<string, Tracked>, deadline: number) => {
    const watchers: Promise<void>[] = [];
    const awaitingAnalyst = async (id: string, t: Tracked) => {
      const handle = client.workflow.getHandle(id);
      for (;;) {
        // A worker busy past the query deadline answers the next poll; the run's deadline still holds.
        const s = await handle.query(statusQuery).catch((err: Error) => {
          if (/DEADLINE_EXCEEDED|timed out/i.test(`${err.message} ${String(err.cause)}`)) return undefined;
          throw err;
        });
        if (s && (s.stage === 'awaiting_analyst' || s.stage === 'done')) {
          t.doneAt = Date.now();
          return;
        }
        await new Promise((r) => setTimeout(r, POLL_MS * 2));
      }
    };
    while ([...alerts.values()].some((t) => !t.disposition)) {
      if (Date.now() > deadline)
        throw new Error(`timed out: ${[...alerts.values()].filter((t) => !t.disposition).length} alerts without a disposition`);
      const pending = [...alerts.entries()].filter(([, t]) => !t.disposition).map(([id]) => id);
      const { rows } = await pool.query<{ workflow_id: string; disposition: string }>(
        'SELECT workflow_id, disposition FROM alerts WHERE disposition IS NOT NULL AND workflow_id = ANY($1)',
        [pending],
      );
      for (const row of rows) {
        const t = alerts.get(row.workflow_id)!;
        t.disposition = row.disposition;
        watchers.push(
          row.disposition === 'escalate'
            ? awaitingAnalyst(row.workflow_id, t)
            : client.workflow
                .getHandle(row.workflow_id)
                .result()
                .then(() => {
                  t.doneAt = Date.now();
                }),
        );
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    await Promise.race([
      Promise.all(watchers),
      new Promise((_, rej) => setTimeout(() => rej(new Error('timed out awaiting final stages')), Math.max(1, deadline - Date.now()))),
    ]);
  };
  const cpu = cpuMeter({
    bench: () => [process.pid],
    ...(processes ? { workers: () => processes!.children.map((c) => c.pid!).filter(Boolean) } : {}),
    temporal: () => (stack.devServer?.process.pid ? [stack.devServer.process.pid] : pidsNamed('temporal-server')),
    postgres: () => pidsNamed('postgres'),
  });
  // The bench's own disposition poll is not autosoc's work; an out-of-process worker's queries are not seen here.
  const queries = countQueries(/^SELECT workflow_id, disposition FROM alerts/);
  const t0 = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) await send(bodies[next++], tracked);
    }),
  );
  const sentSeconds = (Date.now() - t0) / 1000;
  log(`sent ${n} alerts in ${sentSeconds.toFixed(1)} s: ${JSON.stringify(statusCounts)}`);

  const deadline = Date.now() + timeoutMs;
  await awaitDispositions(tracked, deadline);
  const wallSeconds = (Math.max(...[...tracked.values()].map((t) => t.doneAt!)) - t0) / 1000;
  const cpuSecondsByProcess = cpu.stop();
  const queryCounts = queries.stop();
  const closedLoopPerSecond = tracked.size / wallSeconds;

  // Open loop: a fixed offered rate per fraction of the capacity just measured.
  const openLoop = [];
  const fractions = (process.argv.includes('--open-loop') ? String(process.argv[process.argv.indexOf('--open-loop') + 1]) : '')
    .split(',')
    .filter(Boolean)
    .map(Number);
  const openSeconds = argValue('--open-seconds', 60);
  const filesEvery = argValue('--files-every', 4);
  for (const [phase, fraction] of fractions.entries()) {
    const rate = fraction * closedLoopPerSecond;
    const count = Math.max(1, Math.round(rate * openSeconds));
    const plain = alertMix(count, `${runId}-open${phase}`);
    const withFiles = emlMix(count, `${runId}-open${phase}`);
    const offered = new Map<string, Tracked>();
    const start = Date.now();
    const sends: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const due = start + (i * 1000) / rate;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      const files = i % filesEvery === filesEvery - 1;
      sends.push(send(files ? withFiles[i] : plain[i], offered, files));
    }
    await Promise.all(sends);
    const offeredSeconds = (Date.now() - start) / 1000;
    await awaitDispositions(offered, Date.now() + timeoutMs);
    const group = (files: boolean) => {
      const l = [...offered.values()].filter((t) => t.files === files).map((t) => (t.doneAt! - t.ackAt) / 1000);
      return { alerts: l.length, p50: round(percentile(l, 50), 2), p95: round(percentile(l, 95), 2), p99: round(percentile(l, 99), 2) };
    };
    openLoop.push({
      fractionOfCapacity: fraction,
      offeredPerSecond: round(rate, 2),
      achievedSendPerSecond: round(count / offeredSeconds, 2),
      accepted: offered.size,
      noFiles: group(false),
      withFiles: group(true),
    });
    log(`open loop at ${fraction} of capacity (${rate.toFixed(2)} alerts/s): ${JSON.stringify(openLoop[openLoop.length - 1])}`);
  }
  clearInterval(rssTimer);
  sampleRss();

  // Histories: a sample of each disposition.
  const byDisposition: Record<string, string[]> = {};
  for (const [id, t] of tracked) (byDisposition[t.disposition!] ??= []).push(id);
  const sampleIds = Object.values(byDisposition).flatMap((ids) => ids.slice(0, 20));
  const histories = await Promise.all(sampleIds.map((id) => historyCounts(client, id)));
  const eventsPerAlert = histories.reduce((s, h) => s + h.events, 0) / histories.length;
  // The floor runs as many remote no-op activities as an alert runs activities, local or not:
  // turning a step into a local activity shows up as autosoc gaining on the same floor.
  const remoteActivitiesPerAlert = histories.reduce((s, h) => s + h.activities, 0) / histories.length;
  const localActivitiesPerAlert = histories.reduce((s, h) => s + h.localActivities, 0) / histories.length;
  const activitiesPerAlert = Math.round(remoteActivitiesPerAlert + localActivitiesPerAlert);

  await api.close();
  if (worker) {
    worker.shutdown();
    await workerRunning;
  }
  await processes?.stop();

  log(`floor: ${tracked.size} bare workflows of ${activitiesPerAlert} no-op activities, ${workers} worker(s)`);
  const floor = await runFloor(stack, tracked.size, activitiesPerAlert, concurrency, workers);
  await stack.stop();

  const latencies = [...tracked.values()].map((t) => (t.doneAt! - t.ackAt) / 1000);
  const alertsPerSecond = tracked.size / wallSeconds;
  const floorPerSecond = tracked.size / floor.seconds;
  const result = {
    alerts: n,
    accepted: tracked.size,
    ingest: statusCounts,
    workers,
    concurrency,
    temporal: stack.devServer ? 'dev server (SQLite)' : config.temporal.address,
    database: stack.db.embedded ? 'embedded PGlite' : 'PostgreSQL (DATABASE_URL)',
    dispositions: Object.fromEntries(Object.entries(byDisposition).map(([k, v]) => [k, v.length])),
    wallSeconds: round(wallSeconds, 2),
    alertsPerSecond: round(alertsPerSecond, 2),
    latencySeconds: {
      p50: round(percentile(latencies, 50), 2),
      p95: round(percentile(latencies, 95), 2),
      p99: round(percentile(latencies, 99), 2),
    },
    historyEventsPerAlert: round(eventsPerAlert),
    activitiesPerAlert,
    remoteActivitiesPerAlert: round(remoteActivitiesPerAlert),
    localActivitiesPerAlert: round(localActivitiesPerAlert),
    historiesSampled: histories.length,
    activityShareByWorker: workerShares(histories),
    activityTimes: activityTimes(histories),
    ...(workers === 1
      ? {
          queriesPerAlert: round(queryCounts.total / tracked.size),
          topQueriesPerAlert: queryCounts.byStatement.slice(0, 12).map((q) => ({ ...q, count: round(q.count / tracked.size, 2) })),
        }
      : {}),
    cpuMsPerAlert: Object.fromEntries(Object.entries(cpuSecondsByProcess).map(([k, v]) => [k, round((v * 1000) / tracked.size)])),
    workerPeakRssMiB: round(peakRss),
    workerRssNote: workers === 1 ? 'whole bench process (worker + API + client)' : `sum of ${workers} worker processes`,
    floor: {
      workflows: tracked.size,
      workers,
      activitiesPerRun: activitiesPerAlert,
      eventsPerRun: floor.eventsPerRun,
      seconds: round(floor.seconds, 2),
      workflowsPerSecond: round(floorPerSecond, 2),
      activityShareByWorker: floor.workerShares,
    },
    ratioToFloor: round(alertsPerSecond / floorPerSecond, 3),
    ...(openLoop.length > 0 ? { openLoop, openLoopSeconds: openSeconds, filesEvery } : {}),
  };
  if (json) console.log(JSON.stringify(result));
  else {
    console.log(`autosoc end to end: ${result.accepted} alerts over HTTP, ${workers} worker(s), ${result.temporal}, ${result.database}`);
    console.log(`  dispositions             ${JSON.stringify(result.dispositions)}`);
    console.log(
      `  autosoc                  ${result.alertsPerSecond.toString().padStart(8)} alerts/s   (${result.wallSeconds} s wall, first send to last disposition)`,
    );
    console.log(
      `  Temporal floor           ${result.floor.workflowsPerSecond.toString().padStart(8)} runs/s     (${activitiesPerAlert} no-op activities each, same run)   ratio to floor: ${result.ratioToFloor}`,
    );
    console.log(
      `  ack → disposition        p50 ${result.latencySeconds.p50} s   p95 ${result.latencySeconds.p95} s   p99 ${result.latencySeconds.p99} s`,
    );
    console.log(
      `  history events / alert   ${result.historyEventsPerAlert}   (floor run: ${floor.eventsPerRun}; ${histories.length} histories sampled)`,
    );
    console.log(`  activities / alert       ${result.remoteActivitiesPerAlert} remote + ${result.localActivitiesPerAlert} local`);
    for (const [type, t] of Object.entries(result.activityTimes)) {
      console.log(
        `    ${type.padEnd(22)} ${String(t.count).padStart(4)} runs   queued ${String(t.queuedMs).padStart(6)} ms   running ${String(t.runningMs).padStart(6)} ms (means)`,
      );
    }
    if (result.queriesPerAlert !== undefined) {
      console.log(`  PostgreSQL queries / alert ${result.queriesPerAlert}   (API + ingest + worker; the bench's own poll excluded)`);
      for (const q of result.topQueriesPerAlert ?? []) console.log(`    ${String(q.count).padStart(6)}  ${q.statement}`);
    }
    console.log(
      `  CPU ms / alert           ${Object.entries(result.cpuMsPerAlert)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}   (bench = API + ingest + client${workers === 1 ? ' + worker' : ''})`,
    );
    console.log(`  worker peak RSS          ${result.workerPeakRssMiB} MiB   (${result.workerRssNote})`);
    for (const o of openLoop) {
      console.log(
        `  open loop ${String(o.fractionOfCapacity).padEnd(4)} of capacity  ${o.offeredPerSecond} alerts/s offered: ack → disposition p50 / p95 / p99 s  without files ${o.noFiles.p50} / ${o.noFiles.p95} / ${o.noFiles.p99} (${o.noFiles.alerts})   with files ${o.withFiles.p50} / ${o.withFiles.p95} / ${o.withFiles.p99} (${o.withFiles.alerts})`,
      );
    }
    console.log(
      `  activity share by worker autosoc ${JSON.stringify(result.activityShareByWorker)}   floor ${JSON.stringify(result.floor.activityShareByWorker)}`,
    );
  }
}

main()
  .then(() => process.exit(0))
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
