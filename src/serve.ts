// The ingest tier on its own (HTTP API, CEF syslog, pollers), for deployments that run
// workers separately: TEMPORAL_ADDRESS=... DATABASE_URL=... node dist/src/serve.js
import { Connection } from '@temporalio/client';
import { loadConfig } from './config';
import { startIngestTier } from './ingest/ingest-tier';
import { describePrivileges, openConfiguredDatabase } from './store/database';
import { temporalClient } from './temporal/client';
import { installTracing } from './telemetry/tracing';

async function main(): Promise<void> {
  const config = loadConfig();
  const tracing = installTracing(config); // before the client: it takes the tracing interceptors
  const db = await openConfiguredDatabase(config);
  console.log(describePrivileges(db.privileges));
  const connection = await Connection.connect({ address: config.temporal.address });
  const tier = await startIngestTier(config, db.pool, temporalClient(config, connection));
  console.log(
    `autosoc ingest: API ${tier.apiUrl}, CEF syslog ${config.syslog.host}:${config.syslog.port}, pollers: ${tier.pollers.join(', ') || 'none'}`,
  );
  const stop = async () => {
    await tier.stop();
    await connection.close();
    await db.close();
    await tracing?.shutdown();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
