// bench/storm: an alert storm — 10,000 alerts over 50 correlation keys (10 rules × 5 hosts,
// rule+host) with default correlation and storm threshold — through the ingest service in
// NDJSON batches. Figures: incidents created, wall time until every alert is recorded on its
// incident, incident history events per alert. Baseline in the same run: 50 alerts with 50
// distinct keys (one incident each), the cost of correlation when nothing correlates.
//   npm run build && node dist/bench/storm/run.js [--alerts 10000] [--batch 25] [--concurrency 32] [--workers 1|2] [--api] [--json]
// Env: TEMPORAL_ADDRESS (else a fresh dev server on 7310/8310), DATABASE_URL (else embedded).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApiServer } from '../../src/api/server';
import { IngestService } from '../../src/ingest/ingest-service';
import type { IngestItemResult } from '../../src/ingest/intake';
import { createApiToken } from '../../src/store/api-tokens';
import { createWorker } from '../../src/worker';
import { historyCounts, type HistoryCounts, type Stack, startStack, workerShares } from '../lib/stack';
import { spawnWorkers } from '../lib/worker-processes';
import { argValue, round } from '../lib/stats';

const API_PORT = 8391;
const RULES = 10;
const HOSTS = 5;
const BASE_ALERT = JSON.parse(
  readFileSync(join(__dirname, '..', '..', '..', 'samples', 'alerts', '04-admin-login.json'), 'utf8'),
) as Record<string, unknown>;

/** NDJSON lines: alert i has rule i % rules and host ⌊i / rules⌋ % hosts (so keys interleave). */
function stormAlerts(n: number, source: string, rules: number, hosts: number): string[] {
  const time = new Date().toISOString();
  return Array.from({ length: n }, (_, i) => {
    const rule = i % rules;
    const host = Math.floor(i / rules) % hosts;
    return JSON.stringify({
      ...BASE_ALERT,
      source,
      sourceId: `${source}-${i}`,
      time,
      title: `bench storm rule ${rule}`,
      rule: { id: `bench-rule-${rule}`, name: `bench storm rule ${rule}` },
      observables: { hosts: [{ hostname: `storm-host-${host}` }], users: [{ name: `user-${i % 97}` }] },
    });
  });
}

type Send = (ndjson: string) => Promise<IngestItemResult[]>;

interface Phase {
  alerts: number;
  keys: number;
  ingestSeconds: number;
  settledSeconds: number;
  incidents: number;
  stormIncidents: number;
  statuses: Record<string, number>;
  incidentRuns: number;
  incidentEvents: number;
  incidentEventsPerAlert: number;
  alertsPerSecond: number;
  activityShareByWorker: number[];
}

async function phase(
  stack: Stack,
  send: Send,
  lines: string[],
  keys: number,
  batch: number,
  concurrency: number,
  timeoutMs: number,
): Promise<Phase> {
  const t0 = Date.now();
  const results: IngestItemResult[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < lines.length) {
        const start = next;
        next += batch;
        results.push(...(await send(lines.slice(start, start + batch).join('\n'))));
      }
    }),
  );
  const ingestSeconds = (Date.now() - t0) / 1000;
  const statuses: Record<string, number> = {};
  for (const r of results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  const incidentIds = [...new Set(results.map((r) => r.incidentId).filter((id): id is string => !!id))];
  const recorded = results.filter((r) => r.incidentId && (r.status === 'accepted' || r.status === 'correlated')).length;

  // Settled: every alert the ingest acknowledged is counted on its incident's row.
  for (;;) {
    const { rows } = await stack.db.pool.query<{ n: string | null }>('SELECT sum(alert_count) AS n FROM incidents WHERE id = ANY($1)', [
      incidentIds,
    ]);
    if (Number(rows[0].n ?? 0) >= recorded) break;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out: ${rows[0].n} of ${recorded} alerts recorded on incidents`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const settledSeconds = (Date.now() - t0) / 1000;

  // Incident histories, every run (an incident continues-as-new when its history grows long).
  const histories: HistoryCounts[] = [];
  for (const id of incidentIds) {
    for await (const run of stack.client.workflow.list({ query: `WorkflowId = "${id}"` }))
      histories.push(await historyCounts(stack.client, id, run.runId));
  }
  const incidentRuns = histories.length;
  const incidentEvents = histories.reduce((n, h) => n + h.events, 0);
  const stormIncidents = new Set(results.filter((r) => r.storm).map((r) => r.incidentId)).size;
  return {
    alerts: lines.length,
    keys,
    ingestSeconds: round(ingestSeconds, 2),
    settledSeconds: round(settledSeconds, 2),
    incidents: incidentIds.length,
    stormIncidents,
    statuses,
    incidentRuns,
    incidentEvents,
    incidentEventsPerAlert: round(incidentEvents / lines.length, 2),
    alertsPerSecond: round(lines.length / settledSeconds, 1),
    activityShareByWorker: workerShares(histories),
  };
}

async function main() {
  const n = argValue('--alerts', 10_000);
  const batch = argValue('--batch', 25);
  const concurrency = argValue('--concurrency', 32);
  const timeoutMs = argValue('--timeout', 900) * 1000;
  const workers = argValue('--workers', 1);
  const viaApi = process.argv.includes('--api');
  const json = process.argv.includes('--json');
  const log = (msg: string) => {
    if (!json) console.error(msg);
  };
  const runId = Date.now().toString(36);
  const taskQueue = `bench-storm-${runId}`;

  const stack = await startStack({ TEMPORAL_TASK_QUEUE: taskQueue }, { temporal: 7310, ui: 8310, pglite: 5498 });
  const { config, client } = stack;
  const pool = stack.db.pool;
  log(
    `temporal ${config.temporal.address}${stack.devServer ? ' (fresh dev server)' : ''}; database ${stack.db.embedded ? 'embedded PGlite' : 'DATABASE_URL'}; ` +
      `correlation ${config.correlation.keys.join(',')}, storm threshold ${config.correlation.stormThreshold}`,
  );
  // The real worker: in this process, or child processes running dist/src/worker.js.
  const worker = workers === 1 ? await createWorker(config, pool, stack.nativeConnection, client) : undefined;
  const workerRunning = worker?.run();
  const processes =
    workers === 1
      ? undefined
      : await spawnWorkers(join(__dirname, '..', '..', 'src', 'worker.js'), workers, {
          TEMPORAL_ADDRESS: config.temporal.address,
          TEMPORAL_TASK_QUEUE: taskQueue,
          DATABASE_URL: stack.db.url,
        });

  const ingest = new IngestService({ db: pool, client, taskQueue, policy: config.policy, correlation: config.correlation });
  let send: Send = (body) => ingest.ingest({ body: Buffer.from(body), format: 'autosoc' });
  const api = viaApi
    ? buildApiServer({ db: pool, ingest, client, policy: config.policy, maxBodyBytes: config.api.maxBodyBytes })
    : undefined;
  if (api) {
    await api.listen({ host: '127.0.0.1', port: API_PORT });
    const token = await createApiToken(pool, { name: `bench-${runId}`, roles: ['admin'] });
    send = async (body) => {
      const res = await fetch(`http://127.0.0.1:${API_PORT}/v1/alerts/autosoc`, {
        method: 'POST',
        body,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
      });
      return ((await res.json()) as { results: IngestItemResult[] }).results;
    };
  }

  log('baseline: 50 alerts, 50 distinct keys');
  const baseline = await phase(stack, send, stormAlerts(50, `bench-base-${runId}`, 50, 1), 50, batch, concurrency, timeoutMs);
  log(`storm: ${n} alerts over ${RULES * HOSTS} keys`);
  const storm = await phase(
    stack,
    send,
    stormAlerts(n, `bench-storm-${runId}`, RULES, HOSTS),
    RULES * HOSTS,
    batch,
    concurrency,
    timeoutMs,
  );

  await api?.close();
  worker?.shutdown();
  await workerRunning;
  await processes?.stop();
  await stack.stop();

  const result = {
    via: viaApi ? 'HTTP API (NDJSON batches)' : 'IngestService in-process (NDJSON batches)',
    batch,
    concurrency,
    workers,
    temporal: stack.devServer ? 'dev server (SQLite)' : config.temporal.address,
    database: stack.db.embedded ? 'embedded PGlite' : 'PostgreSQL (DATABASE_URL)',
    stormThreshold: config.correlation.stormThreshold,
    baseline,
    storm,
    ratioEventsPerAlert: round(storm.incidentEventsPerAlert / baseline.incidentEventsPerAlert, 3),
  };
  if (json) console.log(JSON.stringify(result));
  else {
    console.log(`alert storm via ${result.via}, ${result.temporal}, ${result.database}, storm threshold ${result.stormThreshold}`);
    for (const [name, p] of [
      ['baseline', baseline],
      ['storm', storm],
    ] as const) {
      console.log(
        `  ${name.padEnd(9)} ${String(p.alerts).padStart(6)} alerts / ${p.keys} keys: ${p.incidents} incidents (${p.stormIncidents} storm, ${p.incidentRuns} runs), ` +
          `ingest ${p.ingestSeconds} s, settled ${p.settledSeconds} s (${p.alertsPerSecond} alerts/s), ${p.incidentEventsPerAlert} incident history events / alert`,
      );
      console.log(
        `            ${JSON.stringify(p.statuses)}; incident activity share by worker ${JSON.stringify(p.activityShareByWorker)}`,
      );
    }
    console.log(`  incident history events per alert, storm / baseline: ${result.ratioEventsPerAlert}`);
  }
}

main()
  .then(() => process.exit(0))
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
