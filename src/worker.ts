// The autosoc worker: runs alert workflows (from the prebuilt bundle) and their activities.
// Stops gracefully on SIGTERM/SIGINT: in-flight activities get time to finish.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Client, Connection } from '@temporalio/client';
import { DefaultLogger, type Logger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { IngestService } from './ingest/ingest-service';
import { BUILT_IN_ANALYZERS, defaultPlan } from './investigation/default-plan';
import { loadPlugins } from './plugins/load-plugins';
import { pluginAnalyzers } from './plugins/plugin-analyzers';
import { pluginConnector } from './plugins/plugin-connectors';
import { RESPONSE_CONNECTORS } from './domain/policy';
import { type RetryAlarm, retryAlarmInterceptor } from './activities/retry-alarm';
import { AnalyzerPool, type AnalyzerRunner, defaultAnalyzerRunner } from './investigation/analyzer-pool';
import { mispFromEnv } from './connectors/misp';
import { createActivities } from './activities';
import { type Config, loadConfig, workflowUiLink } from './config';
import { slackNotifier, webhookNotifier } from './connectors/notifier';
import { slackBotNotifiers } from './connectors/slack/config';
import { reportChannelsFromConfig } from './connectors/delivery/report-channels';
import { listFailedRuns } from './temporal/failed-runs';
import { pageOnFor, pagerFromEnv, ticketSystemFor } from './connectors/tickets/config';
import { pagerDutyNotifier } from './connectors/tickets/pagerduty';
import { ticketNotifier } from './connectors/tickets/ticket-notifier';
import { onlineIntelFromEnv, type OnlineIntel } from './connectors/threat-intel';
import { sandboxFromEnv } from './connectors/sandbox/config';
import { edrConnectorsFromConfig, parseEdrConfig } from './connectors/edr/config';
import { respondersFor } from './connectors/response/config';
import { siemWritebacksFromEnv } from './connectors/siem/config';
import { describePrivileges, openConfiguredDatabase } from './store/database';
import { ensureReportSchedules } from './temporal/report-schedules';
import { dataConverterFor, temporalClient } from './temporal/client';
import { activityRetryAlarms } from './metrics/metrics';
import { startMetricsServer } from './metrics/server';
import type { Pool } from 'pg';

/** dist/workflow-bundle.js when built (production); else bundle from source (tests, dev). */
export function workflowSource(): { workflowBundle: { codePath: string } } | { workflowsPath: string } {
  const bundle = join(__dirname, '..', 'workflow-bundle.js');
  return existsSync(bundle) ? { workflowBundle: { codePath: bundle } } : { workflowsPath: require.resolve('./workflows') };
}

/** Online threat-intel providers, when any of their API keys is set (VT_API_KEY, ...). */
function onlineIntel(db: Pool): OnlineIntel | undefined {
  const intel = onlineIntelFromEnv(process.env, { pool: db });
  return intel.providers.length ? intel : undefined;
}

/** The worker's analyzer threads, sized by configuration; in-process only when tests say so. */
function analyzerRunner(config: Config): AnalyzerRunner {
  if (process.env.AUTOSOC_ANALYZER_ISOLATION === 'in-process') return defaultAnalyzerRunner();
  return new AnalyzerPool({ threads: config.analysis.threads, memoryLimitMb: config.analysis.memoryLimitMb });
}

/** The policy's ticket system and PagerDuty, as channels escalations are announced on. */
function ticketNotifiers(config: Config, db: Pool) {
  const system = ticketSystemFor(config.policy, process.env);
  const pager = pagerFromEnv(process.env);
  return [...(system ? [ticketNotifier(db, system)] : []), ...(pager ? [pagerDutyNotifier(pager, pageOnFor(config.policy))] : [])];
}

/** The accepted-rules folder, created so the scanner finds it before the first rule is accepted. */
function acceptedRulesFolder(config: Config): string {
  mkdirSync(config.acceptedYaraDir, { recursive: true });
  return config.acceptedYaraDir;
}

const definedOnly = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/**
 * The configured analyzer and connector plugins, loaded and checked (a broken one throws a
 * PluginError naming it: the worker does not start). Analyzers run like the built-in ones: on
 * killable threads, unless tests ask for in-process.
 */
export function workerPlugins(config: Config) {
  const loaded = loadPlugins(config.plugins, { analyzers: BUILT_IN_ANALYZERS, connectors: Object.keys(RESPONSE_CONNECTORS) });
  const isolation = process.env.AUTOSOC_ANALYZER_ISOLATION === 'in-process' ? 'in-process' : 'threads';
  return { analyzers: pluginAnalyzers(loaded.analyzers, isolation), connectors: loaded.connectors.map(pluginConnector), loaded };
}

/** The worker for alert, incident and poller workflows; `client` is what pollers ingest through. */
export async function createWorker(config: Config, db: Pool, connection: NativeConnection, client: Client, observeRetryAlarm?: (alarm: RetryAlarm) => void): Promise<Worker> {
  const plugins = workerPlugins(config);
  const ingest = new IngestService({ db, client, taskQueue: config.temporal.taskQueue, policy: config.policy, correlation: config.correlation });
  const responders = respondersFor(config.policy.responseConnectors, process.env, undefined, plugins.connectors, db);
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    ...workflowSource(),
    dataConverter: dataConverterFor(config),
    activities: createActivities({ db, responders, responseRouting: config.policy.responseConnectors, siems: siemWritebacksFromEnv(process.env), ingest, investigation: defaultPlan(db, { yaraDirs: [...config.yaraDirs, acceptedRulesFolder(config)], onlineIntel: onlineIntel(db), runner: analyzerRunner(config),
      maxStoredBytesPerAlert: config.analysis.maxStoredBytesPerAlert, sourceQuotaBytesPerDay: config.analysis.sourceQuotaBytesPerDay, plugins: plugins.analyzers }), llm: config.llm,
      notifiers: [
        ...(config.notify.webhookUrl ? [webhookNotifier(config.notify.webhookUrl)] : []),
        ...(config.notify.slackWebhookUrl ? [slackNotifier(config.notify.slackWebhookUrl)] : []),
        ...slackBotNotifiers(config, db),
        ...ticketNotifiers(config, db),
      ],
      workflowLink: (id) => workflowUiLink(config, id),
      sandbox: sandboxFromEnv(process.env),
      edr: edrConnectorsFromConfig(parseEdrConfig(process.env)),
      edrAllow: config.policy.edrCollection?.allow,
      misp: mispFromEnv(process.env),
      sharing: config.policy.sharing,
      reportChannels: reportChannelsFromConfig(config),
      listFailedRuns: () => listFailedRuns(client, { link: (id) => workflowUiLink(config, id) }),
    }),
    interceptors: { activity: [retryAlarmInterceptor((alarm) => {
      activityRetryAlarms.inc({ activity: alarm.activityType });
      observeRetryAlarm?.(alarm);
    })] },
    shutdownGraceTime: '20s',
    ...definedOnly(config.worker),
  });
}

const hostPort = (host: string, port: number) => `${host.includes(':') ? `[${host}]` : host}:${port}`;

/**
 * The process's one Temporal Runtime (Runtime.install refuses a second call): its logger, and
 * the SDK's own metrics (task latencies, slots, polls) served for Prometheus when configured.
 */
export function installRuntime(config: Config, logger: Logger = new DefaultLogger('INFO')): void {
  const { host, temporalPort } = config.metrics;
  Runtime.install({
    logger,
    ...(temporalPort ? { telemetryOptions: { metrics: { prometheus: { bindAddress: hostPort(host, temporalPort) } } } } : {}),
  });
}

/** The worker's /metrics (autosoc's own metrics), when a port is configured. */
export const startWorkerMetrics = (config: Config) =>
  (config.metrics.workerPort ? startMetricsServer(config.metrics.host, config.metrics.workerPort) : Promise.resolve(undefined));

async function main(): Promise<void> {
  const config = loadConfig();
  installRuntime(config);
  const metrics = await startWorkerMetrics(config);
  if (metrics) console.log(`autosoc worker metrics on ${metrics.url}`);
  const db = await openConfiguredDatabase(config);
  console.log(describePrivileges(db.privileges));
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const clientConnection = await Connection.connect({ address: config.temporal.address });
  const client = temporalClient(config, clientConnection);
  const worker = await createWorker(config, db.pool, connection, client);
  // The policy's scheduled SOC reports, created or updated to match it (idempotent).
  const schedules = await ensureReportSchedules(client, config.policy, config.temporal.taskQueue);
  if (schedules.upserted.length || schedules.deleted.length) console.log(`autosoc report schedules: ${[...schedules.upserted, ...schedules.deleted.map((d) => `${d} (deleted)`)].join(', ')}`);

  // Worker.run() installs SIGINT/SIGTERM handlers that call shutdown() and then resolves.
  console.log(`autosoc worker polling ${config.temporal.taskQueue} on ${config.temporal.address}`);
  try {
    await worker.run();
  } finally {
    await connection.close();
    await clientConnection.close();
    await db.close();
    await metrics?.close();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
