// The ingest tier: the HTTP API, the syslog listeners and the pollers, all feeding one
// IngestService. `npm start` runs it beside the worker; `serve.ts` runs it alone.
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { buildApiServer } from '../api/server';
import type { Config } from '../config';
import { SyslogListener } from './channels/syslog-listener';
import { IngestService } from './ingest-service';
import { loadPollers } from './pollers/poller-config';
import { startPollers } from './pollers/start-pollers';

export interface IngestTier {
  ingest: IngestService;
  apiUrl: string;
  syslog: SyslogListener;
  pollers: string[];
  stop(): Promise<void>;
}

export async function startIngestTier(config: Config, db: Pool, client: Client): Promise<IngestTier> {
  const ingest = new IngestService({ db, client, taskQueue: config.temporal.taskQueue, policy: config.policy, correlation: config.correlation });
  const api = buildApiServer({ db, ingest, client, policy: config.policy, maxBodyBytes: config.api.maxBodyBytes, adminToken: config.api.adminToken, ingestLimits: config.api.ingestLimits });
  await api.listen({ host: config.api.host, port: config.api.port });
  const syslog = new SyslogListener({
    host: config.syslog.host, port: config.syslog.port,
    ingest: (body) => ingest.ingest({ body, format: 'cef' }),
    log: (msg, detail) => console.warn(`[syslog] ${msg}`, detail ?? ''),
  });
  await syslog.start();
  const pollers = await startPollers(client, config.temporal.taskQueue, loadPollers(config.pollersFile));
  return {
    ingest, syslog, pollers,
    apiUrl: `http://${config.api.host}:${config.api.port}`,
    async stop() {
      await api.close();
      await syslog.stop();
    },
  };
}
