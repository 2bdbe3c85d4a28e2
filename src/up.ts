// `npm start`: the whole stack on embedded defaults, in one process tree. Temporal dev server
// with its Web UI (state in .data/temporal), embedded PostgreSQL (.data/pglite), the worker,
// the ingest tier (HTTP API, CEF syslog, pollers), then the bundled sample alerts.
// Ctrl-C stops everything; the next start resumes the same state.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { type Config, loadConfig } from './config';
import { startIngestTier } from './ingest/ingest-tier';
import { createApiToken } from './store/api-tokens';
import { type Database, openConfiguredDatabase } from './store/database';
import { codecUiEndpoint } from './api/codec-routes';
import { temporalClient } from './temporal/client';
import { startDevServer, type DevServer } from './temporal/dev-server';
import { createWorker } from './worker';

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

async function main(): Promise<void> {
  const config = loadConfig();
  let devServer: DevServer | undefined;
  if (config.temporal.local) {
    console.log(`starting Temporal dev server (state: ${join(config.dataDir, 'temporal')})`);
    devServer = await startDevServer({
      dataDir: join(config.dataDir, 'temporal'), port: config.temporal.port, uiPort: config.temporal.uiPort, namespace: config.temporal.namespace,
      sqlitePragmas: config.temporal.sqlitePragmas,
      // The Web UI decrypts payloads through the API's codec endpoint (src/api/codec-routes.ts).
      uiCodecEndpoint: codecUiEndpoint(`http://${config.api.host}:${config.api.port}`, config.security.payloadKeys[0].key),
    });
  }
  const db = await openConfiguredDatabase(config);
  console.log(`database: ${db.embedded ? `embedded PGlite (${join(config.dataDir, 'pglite')})` : 'DATABASE_URL'}`);
  const nativeConnection = await NativeConnection.connect({ address: config.temporal.address });
  const connection = await Connection.connect({ address: config.temporal.address });
  const client = temporalClient(config, connection);
  const worker = await createWorker(config, db.pool, nativeConnection, client);
  const running = worker.run(); // resolves after SIGINT/SIGTERM and a graceful shutdown
  const tier = await startIngestTier(config, db.pool, client);
  const tokenFile = await ensureLocalAdminToken(config, db);

  for (const file of readdirSync(SAMPLES_DIR).filter((f) => f.endsWith('.json')).sort()) {
    const [r] = await tier.ingest.ingest({ body: readFileSync(join(SAMPLES_DIR, file)) });
    console.log(`  ${file}: ${r.status} ${r.workflowId ?? r.error}`);
  }
  const ui = config.temporal.uiUrl;
  const q = (query: string) => `${ui}/namespaces/${config.temporal.namespace}/workflows?query=${encodeURIComponent(query)}`;
  console.log([
    '',
    'autosoc is running.',
    `  Temporal Web UI:       ${ui}`,
    `  awaiting an analyst:   ${q('AwaitingAnalyst=true')}`,
    `  incidents:             ${q('WorkflowType="incidentWorkflow"')}`,
    `  ingest API:            ${tier.apiUrl}/v1/alerts  (OpenAPI: ${tier.apiUrl}/openapi.json)`,
    `  API admin token:       ${tokenFile}  (curl -H "Authorization: Bearer $(cat ${tokenFile})" ...)`,
    `  CEF syslog:            tcp+udp ${config.syslog.host}:${config.syslog.port}`,
    `  Temporal gRPC:         ${config.temporal.address} (namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue})`,
    `  pollers:               ${tier.pollers.length ? tier.pollers.join(', ') : 'none (set AUTOSOC_POLLERS_FILE)'}`,
    'Press Ctrl-C to stop.',
  ].join('\n'));

  try {
    await running;
  } finally {
    await tier.stop();
    await connection.close();
    await nativeConnection.close();
    await db.close();
    await devServer?.stop();
    console.log('autosoc stopped.');
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
