// `npm start`: the whole stack on embedded defaults, in one process tree. Temporal dev server
// with its Web UI (state in .data/temporal), embedded PostgreSQL (.data/pglite), the worker,
// then the bundled sample alerts. Ctrl-C stops everything; the next start resumes the state.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig, workflowUiLink } from './config';
import { startAlert } from './ingest/start-alert';
import { openDatabase } from './store/database';
import { startDevServer, type DevServer } from './temporal/dev-server';
import { createWorker } from './worker';

const SAMPLES_DIR = join(__dirname, '..', '..', 'samples', 'alerts');

async function main(): Promise<void> {
  const config = loadConfig();
  let devServer: DevServer | undefined;
  if (config.temporal.local) {
    console.log(`starting Temporal dev server (state: ${join(config.dataDir, 'temporal')})`);
    devServer = await startDevServer({
      dataDir: join(config.dataDir, 'temporal'), port: config.temporal.port, uiPort: config.temporal.uiPort, namespace: config.temporal.namespace,
    });
  }
  const db = await openDatabase({ databaseUrl: config.databaseUrl, embeddedDataDir: join(config.dataDir, 'pglite'), embeddedPort: config.pglitePort });
  console.log(`database: ${db.embedded ? `embedded PGlite (${join(config.dataDir, 'pglite')}) at ${db.url}` : 'DATABASE_URL'}`);
  const nativeConnection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await createWorker(config, db.pool, nativeConnection);
  const running = worker.run(); // resolves after SIGINT/SIGTERM and a graceful shutdown

  const connection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  for (const file of readdirSync(SAMPLES_DIR).filter((f) => f.endsWith('.json')).sort()) {
    const started = await startAlert(client, { taskQueue: config.temporal.taskQueue, policy: config.policy },
      JSON.parse(readFileSync(join(SAMPLES_DIR, file), 'utf8')));
    console.log(`  ${file}: ${started.duplicate ? 'already ingested' : 'started'} ${started.workflowId}`);
  }
  const awaiting = `${config.temporal.uiUrl}/namespaces/${config.temporal.namespace}/workflows?query=${encodeURIComponent('AwaitingAnalyst=true')}`;
  console.log([
    '',
    'autosoc is running.',
    `  Temporal Web UI:       ${config.temporal.uiUrl}`,
    `  awaiting an analyst:   ${awaiting}`,
    `  Temporal gRPC:         ${config.temporal.address} (namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue})`,
    `  PostgreSQL:            ${db.url.replace(/\/\/[^@]*@/, '//')}`,
    `  example run:           ${workflowUiLink(config, 'alert:edr-sample:ps-enc-0001')}`,
    'Press Ctrl-C to stop.',
  ].join('\n'));

  try {
    await running;
  } finally {
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
