// `npm start`: the whole stack on embedded defaults, in one process tree. Temporal dev server
// with its Web UI (state in .data/temporal), embedded PostgreSQL (.data/pglite), the worker,
// the ingest tier (HTTP API, CEF syslog, pollers), then the bundled sample alerts.
// Ctrl-C stops everything; the next start resumes the same state.
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection } from '@temporalio/worker';
import { type Config, loadConfig } from './config';
import { startIngestTier } from './ingest/ingest-tier';
import { createApiToken } from './store/api-tokens';
import { removeLocalDatabaseUrl, writeLocalDatabaseUrl } from './store/local-database-url';
import { type Database, describePrivileges, openConfiguredDatabase } from './store/database';
import { renderSamplesTable, settleSamples, type SampleRow } from './samples-table';
import { codecUiEndpoint } from './api/codec-routes';
import { temporalClient } from './temporal/client';
import { installTracing } from './telemetry/tracing';
import { startDevServer, type DevServer } from './temporal/dev-server';
import { createWorker, installRuntime, startWorkerMetrics } from './worker';
import { ensureReportSchedules } from './temporal/report-schedules';

const SAMPLES_DIR = join(__dirname, '..', '..', 'samples', 'alerts');

/** A local admin token for the API, made on first start and kept (mode 0600) in the data folder. */
async function ensureLocalAdminToken(config: Config, db: Database): Promise<string> {
  const file = join(config.dataDir, 'admin-token');
  if (existsSync(file)) return file;
  const token = await createApiToken(db.pool, { name: `local-admin-${Date.now()}`, roles: ['admin'] });
  mkdirSync(config.dataDir, { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return file;
}

/**
 * Ctrl-C reaches the whole foreground group: with `npm start | tee log` the reader of our stdout
 * is gone by the time we finish stopping. Say it synchronously, on the terminal too when stdout
 * is piped elsewhere, and never let a closed pipe (EPIPE) turn the stop into a crash.
 */
function sayStopped(): void {
  const line = 'autosoc stopped.\n';
  for (const fd of !process.stdout.isTTY && process.stderr.isTTY ? [1, 2] : [1]) {
    try {
      writeSync(fd, line);
    } catch {
      // that reader is gone; the other stream may still have one
    }
  }
}
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);

/** The worker's log (Temporal SDK and core) goes to a file: the terminal keeps one line per step. */
function logWorkerTo(config: Config, file: string): void {
  const out = createWriteStream(file, { flags: 'a' });
  installRuntime(
    config,
    new DefaultLogger('INFO', ({ level, message, meta, timestampNanos }) => {
      const at = new Date(Number(timestampNanos / 1_000_000n)).toISOString();
      out.write(`${at} [${level}] ${message}${meta && Object.keys(meta).length ? ` ${JSON.stringify(meta)}` : ''}\n`);
    }),
  );
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logs = join(config.dataDir, 'logs');
  mkdirSync(logs, { recursive: true });
  logWorkerTo(config, join(logs, 'worker.log'));
  const tracing = installTracing(config); // before clients and the worker: they take its interceptors
  let devServer: DevServer | undefined;
  if (config.temporal.local) {
    console.log(`[start] Temporal dev server (state: ${join(config.dataDir, 'temporal')})`);
    devServer = await startDevServer({
      dataDir: join(config.dataDir, 'temporal'),
      port: config.temporal.port,
      uiPort: config.temporal.uiPort,
      namespace: config.temporal.namespace,
      sqlitePragmas: config.temporal.sqlitePragmas,
      // The Web UI decrypts payloads through the API's codec endpoint (src/api/codec-routes.ts).
      uiCodecEndpoint: codecUiEndpoint(`http://${config.api.host}:${config.api.port}`, config.security.payloadKeys[0].key),
    });
  }
  const db = await openConfiguredDatabase(config);
  console.log(
    `[start] database: ${db.embedded ? `embedded PGlite (${join(config.dataDir, 'pglite')})` : 'DATABASE_URL'}; ${describePrivileges(db.privileges)}`,
  );
  console.log(`[start] worker and ingest tier (worker log: ${join(logs, 'worker.log')})`);
  const nativeConnection = await NativeConnection.connect({ address: config.temporal.address });
  const connection = await Connection.connect({ address: config.temporal.address });
  const client = temporalClient(config, connection);
  const worker = await createWorker(config, db.pool, nativeConnection, client);
  const running = worker.run(); // resolves after SIGINT/SIGTERM and a graceful shutdown
  const schedules = await ensureReportSchedules(client, config.policy, config.temporal.taskQueue);
  if (schedules.upserted.length) console.log(`[start] scheduled SOC reports: ${schedules.upserted.join(', ')}`);
  const metrics = await startWorkerMetrics(config);
  const tier = await startIngestTier(config, db.pool, client);
  const tokenFile = await ensureLocalAdminToken(config, db);
  if (db.embedded) writeLocalDatabaseUrl(config.dataDir, db.url);

  const samples: SampleRow[] = [];
  for (const file of readdirSync(SAMPLES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const [r] = await tier.ingest.ingest({ body: readFileSync(join(SAMPLES_DIR, file)) });
    samples.push({ file, workflowId: r.workflowId, note: r.workflowId ? undefined : `${r.status}: ${r.error ?? ''}` });
  }
  const ui = config.temporal.uiUrl;
  const namespaceUrl = `${ui}/namespaces/${config.temporal.namespace}`;
  const q = (query: string) => `${namespaceUrl}/workflows?query=${encodeURIComponent(query)}`;
  console.log('[start] triaging the sample alerts');
  await settleSamples(client, samples);
  console.log(
    [
      '',
      renderSamplesTable(samples, (id) => `${namespaceUrl}/workflows/${encodeURIComponent(id)}`),
      'autosoc is running.',
      `  Temporal Web UI:       ${ui}`,
      `  awaiting an analyst:   ${q('AwaitingAnalyst=true')}`,
      `  incidents:             ${q('WorkflowType="incidentWorkflow"')}`,
      `  analyst console:       ${tier.apiUrl}/  (sign in with the API admin token or an analyst token)`,
      `  ingest API:            ${tier.apiUrl}/v1/alerts  (OpenAPI: ${tier.apiUrl}/openapi.json)`,
      `  API admin token:       ${tokenFile}  (curl -H "Authorization: Bearer $(cat ${tokenFile})" ...)`,
      `  metrics (Prometheus):  ${tier.apiUrl}/metrics (API), ${metrics?.url ?? 'off'} (worker), ${config.metrics.temporalPort ? `http://${config.metrics.host}:${config.metrics.temporalPort}/metrics (Temporal SDK)` : 'Temporal SDK: off'}`,
      `  CEF syslog:            tcp+udp ${config.syslog.host}:${config.syslog.port}`,
      `  Temporal gRPC:         ${config.temporal.address} (namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue})`,
      `  pollers:               ${tier.pollers.length ? tier.pollers.join(', ') : 'none (set AUTOSOC_POLLERS_FILE)'}`,
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );

  try {
    await running;
  } finally {
    await tier.stop();
    await metrics?.close();
    await connection.close();
    await nativeConnection.close();
    if (db.embedded) removeLocalDatabaseUrl(config.dataDir);
    await db.close();
    await devServer?.stop();
    await tracing?.shutdown();
    sayStopped();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
