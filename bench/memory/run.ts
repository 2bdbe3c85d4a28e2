// bench/memory: the worker's resident memory (one worker process, dist/src/worker.js, so the
// figure is the worker alone, not the API or this bench).
//   npm run build && node dist/bench/memory/run.js --waiting 1000 [--concurrency 16] [--json]
//     N alerts that all escalate (auto-close threshold 0) and then wait for an analyst: RSS idle
//     (worker polling, nothing sent), once every run waits, and again after --settle seconds.
//   node dist/bench/memory/run.js --soak 30 [--rate 0.5] [--json]
//     steady load (the e2e mix, a send every 1/rate s, default policy: some auto-close, the rest
//     wait for an analyst) for N minutes, printing the worker's RSS every minute.
// Env: TEMPORAL_ADDRESS (else a fresh dev server on 7320/8320), DATABASE_URL (else embedded),
// AUTOSOC_WORKER_MAX_CACHED_WORKFLOWS passes through to the worker.
import { join } from 'node:path';
import { startApiSender, type Tracked } from '../lib/api-sender';
import { alertMix } from '../lib/corpus-alerts';
import { startStack } from '../lib/stack';
import { argValue, round } from '../lib/stats';
import { spawnWorkers } from '../lib/worker-processes';

const API_PORT = 8392;
const has = (flag: string) => process.argv.includes(flag);

async function main() {
  const json = has('--json');
  const log = (msg: string) => {
    if (!json) console.error(msg);
  };
  const waiting = has('--waiting') ? argValue('--waiting', 1000) : undefined;
  const soakMinutes = has('--soak') ? argValue('--soak', 30) : undefined;
  if (!waiting === !soakMinutes) throw new Error('give one of --waiting N or --soak MINUTES');
  const runId = Date.now().toString(36);
  const taskQueue = `bench-memory-${runId}`;
  // Threshold 0: nothing auto-closes, every alert of the waiting mode ends at an analyst.
  const env = { AUTOSOC_CORRELATION_KEYS: 'none', TEMPORAL_TASK_QUEUE: taskQueue, ...(waiting ? { AUTOSOC_AUTO_CLOSE_BELOW: '0' } : {}) };
  const stack = await startStack(env, { temporal: 7320, ui: 8320, pglite: 5519 });
  const { config, client } = stack;
  const pool = stack.db.pool;
  const worker = await spawnWorkers(join(__dirname, '..', '..', 'src', 'worker.js'), 1, {
    TEMPORAL_ADDRESS: config.temporal.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    DATABASE_URL: stack.db.url,
    AUTOSOC_CORRELATION_KEYS: 'none',
    // The payload key the bench's client encrypts with lives in the stack's data dir.
    AUTOSOC_DATA_DIR: stack.dataDir,
  });
  const rss = () => round(worker.rssMiB());
  // A failed start must not leave the worker child running (it would outlive this process).
  const api = await startApiSender({
    pool,
    client,
    taskQueue,
    policy: config.policy,
    correlation: config.correlation,
    maxBodyBytes: config.api.maxBodyBytes,
    port: API_PORT,
    name: `bench-${runId}`,
  }).catch(async (err: Error) => {
    await worker.stop();
    await stack.stop();
    throw err;
  });
  const idleRss = rss();
  log(`worker polling; idle RSS ${idleRss} MiB`);
  const tracked = new Map<string, Tracked>();
  /** Runs settled so far: auto-closed (complete) or waiting for an analyst (their case is open). */
  const settled = async () => {
    const ids = [...tracked.keys()];
    const { rows } = await pool.query<{ waiting: string; closed: string }>(
      `SELECT count(*) FILTER (WHERE c.status = 'open') AS waiting, count(*) FILTER (WHERE a.disposition = 'auto_close' AND EXISTS (SELECT 1 FROM reports r WHERE r.workflow_id = a.workflow_id)) AS closed
         FROM alerts a LEFT JOIN cases c ON c.workflow_id = a.workflow_id WHERE a.workflow_id = ANY($1)`,
      [ids],
    );
    return { waiting: Number(rows[0].waiting), closed: Number(rows[0].closed) };
  };

  let result: Record<string, unknown>;
  if (waiting) {
    const bodies = alertMix(waiting, runId);
    const concurrency = argValue('--concurrency', 16);
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < bodies.length) await api.send(bodies[next++], tracked);
      }),
    );
    log(`sent ${waiting}: ${JSON.stringify(api.statusCounts)}`);
    const deadline = Date.now() + argValue('--timeout', 3600) * 1000;
    let peak = rss();
    for (let s = await settled(); s.waiting < tracked.size; s = await settled()) {
      if (Date.now() > deadline) throw new Error(`timed out: ${s.waiting} of ${tracked.size} waiting`);
      peak = Math.max(peak, rss());
      log(`  ${s.waiting} of ${tracked.size} waiting for an analyst; worker RSS ${rss()} MiB`);
      await new Promise((r) => setTimeout(r, 10_000));
    }
    const allWaitingRss = rss();
    await new Promise((r) => setTimeout(r, argValue('--settle', 60) * 1000));
    const settledRss = rss();
    result = {
      mode: 'waiting',
      alerts: waiting,
      accepted: tracked.size,
      waitingForAnalyst: (await settled()).waiting,
      ingest: api.statusCounts,
      workerRssMiB: { idle: idleRss, allWaiting: allWaitingRss, settled: settledRss, peak: Math.max(peak, allWaitingRss, settledRss) },
      kibPerWaitingRun: round(((settledRss - idleRss) * 1024) / tracked.size),
      goalMiB: 512,
    };
  } else {
    const rate = argValue('--rate', 0.5);
    const minutes: { minute: number; rssMiB: number; sent: number; waiting: number; closed: number }[] = [];
    const bodies = alertMix(Math.ceil(rate * soakMinutes! * 60), runId);
    const start = Date.now();
    const sends: Promise<void>[] = [];
    let minute = 1;
    for (let i = 0; i < bodies.length; i++) {
      const due = start + (i * 1000) / rate;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      sends.push(api.send(bodies[i], tracked));
      if (Date.now() >= start + minute * 60_000) {
        minutes.push({ minute, rssMiB: rss(), sent: i + 1, ...(await settled()) });
        log(`  minute ${minute}: worker RSS ${minutes[minutes.length - 1].rssMiB} MiB, ${JSON.stringify(minutes[minutes.length - 1])}`);
        minute += 1;
      }
    }
    await Promise.all(sends);
    const half = minutes.slice(Math.floor(minutes.length / 2));
    const slope =
      half.length > 1 ? (half[half.length - 1].rssMiB - half[0].rssMiB) / (half[half.length - 1].minute - half[0].minute) : Number.NaN;
    result = {
      mode: 'soak',
      minutes: soakMinutes,
      offeredPerSecond: rate,
      accepted: tracked.size,
      ingest: api.statusCounts,
      idleRssMiB: idleRss,
      perMinute: minutes,
      maxRssMiB: Math.max(...minutes.map((m) => m.rssMiB)),
      secondHalfMiBPerMinute: round(slope, 2),
    };
  }
  await api.close();
  await worker.stop();
  await stack.stop();
  console.log(json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
}

main()
  .then(() => process.exit(0))
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
