// The ingest tier: the HTTP API, the syslog listeners and the pollers, all feeding one
// IngestService. `npm start` runs it beside the worker; `serve.ts` runs it alone.
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { buildApiServer } from '../api/server';
import { slackApiFromConfig } from '../connectors/slack/config';
import { pagerFromEnv, ticketServiceIdentity, ticketSystemFor } from '../connectors/tickets/config';
import { sealPlaintextHmacSecrets } from '../store/api-tokens';
import { loadSecretBox } from '../store/secret-box';
import { DecisionSigner } from '../security/decision-signer';
import { dataConverterFor } from '../temporal/client';
import { type Config, workflowUiLink } from '../config';
import { SyslogListener } from './channels/syslog-listener';
import { IngestService } from './ingest-service';
import { loadPollers } from './pollers/load-pollers';
import { startPollers, startTicketPoller } from './pollers/start-pollers';

export interface IngestTier {
  ingest: IngestService;
  apiUrl: string;
  syslog: SyslogListener;
  pollers: string[];
  stop(): Promise<void>;
}

function ticketCallbacks(config: Config) {
  const system = ticketSystemFor(config.policy, config.connectors);
  return system && { system, service: ticketServiceIdentity(system, config.connectors) };
}

export async function startIngestTier(config: Config, db: Pool, client: Client): Promise<IngestTier> {
  const ingest = new IngestService({
    db,
    client,
    taskQueue: config.temporal.taskQueue,
    policy: config.policy,
    correlation: config.correlation,
  });
  const secrets = loadSecretBox({ keyBase64: config.secretKey, dataDir: config.dataDir });
  await sealPlaintextHmacSecrets(db, secrets);
  const api = buildApiServer({
    db,
    ingest,
    client,
    policy: config.policy,
    maxBodyBytes: config.api.maxBodyBytes,
    adminToken: config.api.adminToken,
    secrets,
    ingestLimits: config.api.ingestLimits,
    acceptedYaraDir: config.acceptedYaraDir,
    taskQueue: config.temporal.taskQueue,
    console: { idleMinutes: config.api.consoleIdleMinutes, temporalUiLink: (id) => workflowUiLink(config, id) },
    signer: new DecisionSigner(config.security.decisionKeys),
    workflowLink: (id) => workflowUiLink(config, id),
    codec: {
      codec: dataConverterFor(config).payloadCodecs![0],
      uiOrigin: config.security.codecUiOrigin,
      uiSecret: config.security.payloadKeys[0].key,
    },
    slack: slackApiFromConfig(config),
    tickets: ticketCallbacks(config),
    pager: pagerFromEnv(config.connectors),
  });
  await api.listen({ host: config.api.host, port: config.api.port });
  const syslog = new SyslogListener({
    host: config.syslog.host,
    port: config.syslog.port,
    spoolDir: config.syslog.spoolDir,
    spoolMaxBytes: config.syslog.spoolMaxBytes,
    itemsPerSecond: config.api.ingestLimits.itemsPerSecond,
    ingest: (body) => ingest.ingest({ body, format: 'cef' }),
    log: (msg, detail) => console.warn(`[syslog] ${msg}`, detail ?? ''),
  });
  await syslog.start();
  const pollers = await startPollers(client, config.temporal.taskQueue, loadPollers(config.pollersFile));
  const tickets = config.policy.tickets;
  if (tickets?.system && tickets.pollEverySeconds)
    pollers.push(await startTicketPoller(client, config.temporal.taskQueue, tickets.system, tickets.pollEverySeconds * 1000));
  return {
    ingest,
    syslog,
    pollers,
    apiUrl: `http://${config.api.host}:${config.api.port}`,
    async stop() {
      await api.close();
      await syslog.stop();
    },
  };
}
