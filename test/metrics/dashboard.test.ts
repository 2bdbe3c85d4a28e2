// The worker process as operators run it (node dist/src/worker.js) with both metrics endpoints:
// autosoc's own (AUTOSOC_WORKER_METRICS_PORT) and the Temporal SDK's (AUTOSOC_TEMPORAL_METRICS_PORT,
// Runtime.install's Prometheus exporter; a child process because jest's own process has its
// Runtime installed already). One alert runs through it; then every metric the Grafana dashboard
// (deploy/grafana/autosoc.json) queries must exist in the live output of the worker or the API.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { buildApiServer } from '../../src/api/server';
import { loadConfig } from '../../src/config';
import { alertWorkflowId } from '../../src/domain/alert';
import { DEFAULT_CORRELATION } from '../../src/domain/correlation';
import { IngestService } from '../../src/ingest/ingest-service';
import { freshlyCompiled } from '../helpers/compiled';
import { openTestDatabase, type TestDatabase } from '../helpers/database';
import { parsePrometheus, sumOf } from '../helpers/prometheus';
import { devServerEnv, uniqueSuffix } from '../helpers/temporal';
import { waitFor } from '../helpers/wait';
import { sample } from '../api/harness';

const ROOT = join(__dirname, '..', '..');
const DASHBOARD = join(ROOT, 'deploy', 'grafana', 'autosoc.json');

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

let env: TestWorkflowEnvironment;
let db: TestDatabase;
let worker: ChildProcess;
let workerLog = '';
const ports = { autosoc: 0, temporal: 0 };
const taskQueue = `dashboard-${uniqueSuffix()}`;

beforeAll(async () => {
  const script = freshlyCompiled('src/worker.js');
  [env, db] = await Promise.all([devServerEnv(), openTestDatabase()]);
  ports.autosoc = await freePort();
  ports.temporal = await freePort();
  worker = spawn(process.execPath, [script], {
    cwd: ROOT, // the same data folder, hence the same payload keys, as this test's client
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATABASE_URL: db.url,
      AUTOSOC_WORKER_METRICS_PORT: String(ports.autosoc),
      AUTOSOC_TEMPORAL_METRICS_PORT: String(ports.temporal),
      AUTOSOC_ANALYZER_ISOLATION: 'in-process',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  worker.stdout!.on('data', (d: Buffer) => {
    workerLog += d.toString();
  });
  worker.stderr!.on('data', (d: Buffer) => {
    workerLog += d.toString();
  });
  await waitFor(
    async () => workerLog,
    (log) => log.includes('autosoc worker polling'),
    'the worker process to poll',
  );
});

afterAll(async () => {
  if (worker && worker.exitCode === null) {
    const exited = new Promise((r) => worker.once('exit', r));
    worker.kill('SIGTERM');
    await exited;
  }
  await env?.teardown();
  await db?.close();
});

const scrape = async (port: number) => {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(res.status).toBe(200);
  return parsePrometheus(await res.text());
};

/** Metric names a PromQL expression reads: identifiers that are neither functions, keywords nor labels. */
export function metricNames(expr: string): string[] {
  const withoutLabels = expr
    .replace(/\{[^}]*\}/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\[[^\]]*\]/g, '');
  return [...withoutLabels.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)]
    .map((m) => m[1])
    .filter(
      (n) =>
        !/^(sum|rate|increase|histogram_quantile|avg|max|min|count|topk|bool|and|or|unless|offset|le)$/.test(n) &&
        !/^\d/.test(n) &&
        n.includes('_'),
    );
}

test('one alert through the worker process: its /metrics counts it, the Temporal SDK exporter reports the workflow', async () => {
  const client = env.client;
  const ingest = new IngestService({
    db: db.pool,
    client,
    taskQueue,
    policy: loadConfig({}).policy,
    correlation: { ...DEFAULT_CORRELATION, keys: [] },
  });
  const sourceId = `dash-${uniqueSuffix()}`;
  const alert = sample('05-port-scan.json', { sourceId });
  const [r] = await ingest.ingest({ body: Buffer.from(JSON.stringify(alert)) });
  expect(r.status).toBe('accepted');
  const workflowId = alertWorkflowId({ source: alert.source as string, sourceId });
  await waitFor(
    async () => sumOf((await scrape(ports.autosoc)).samples, 'autosoc_dispositions_total'),
    (n) => n === 1,
    'the worker to triage the alert',
  );
  // The worker's registry counts what the worker did: the ingest happened here, in the test process.
  const own = (await scrape(ports.autosoc)).samples;
  expect(sumOf(own, 'autosoc_ingested_alerts_total')).toBe(0);
  expect(sumOf(own, 'autosoc_dispositions_total')).toBe(1);
  const desc = await client.workflow.getHandle(workflowId).describe();
  expect(desc.taskQueue).toBe(taskQueue);
  const temporal = await waitFor(
    () => scrape(ports.temporal),
    (m) => sumOf(m.samples, 'temporal_activity_execution_latency_count') > 0,
    'Temporal SDK activity metrics',
  );
  expect(sumOf(temporal.samples, 'temporal_worker_start', { task_queue: taskQueue })).toBeGreaterThan(0);
});

test('every metric the Grafana dashboard queries exists in a live /metrics output', async () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: { title: string; targets?: { expr: string }[] }[] };
  const queried = new Set(dashboard.panels.flatMap((p) => (p.targets ?? []).flatMap((t) => metricNames(t.expr))));
  expect(queried.size).toBeGreaterThan(10);

  // The API's registry adds what only the API serves (alerts awaiting an analyst).
  const api = buildApiServer({
    db: db.pool,
    ingest: new IngestService({
      db: db.pool,
      client: env.client,
      taskQueue,
      policy: loadConfig({}).policy,
      correlation: DEFAULT_CORRELATION,
    }),
    maxBodyBytes: 1024,
  });
  const apiRes = await api.inject({ method: 'GET', url: '/metrics' });
  await api.close();
  const live = new Set<string>();
  for (const { samples, declared } of [parsePrometheus(apiRes.body), await scrape(ports.autosoc), await scrape(ports.temporal)]) {
    for (const s of samples) live.add(s.name);
    // A declared metric with no samples yet is still served (a histogram as its three series).
    for (const d of declared) for (const suffix of ['', '_bucket', '_sum', '_count']) live.add(d + suffix);
  }
  const missing = [...queried].filter((n) => !live.has(n));
  expect(missing).toEqual([]);
});

test('metricNames reads names out of PromQL, not functions, labels or ranges', () => {
  expect(
    metricNames('histogram_quantile(0.95, sum by (le, analyzer) (rate(autosoc_analyzer_duration_seconds_bucket{job="w"}[5m])))'),
  ).toEqual(['autosoc_analyzer_duration_seconds_bucket']);
  expect(metricNames('sum(rate(a_total[5m])) / sum(rate(b_total{x="y_z"}[5m]))')).toEqual(['a_total', 'b_total']);
});
