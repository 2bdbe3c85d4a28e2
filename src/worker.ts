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
import { RESPONSE_CONNECTORS } from './domain/policy-rules';
import { type RetryAlarm, retryAlarmInterceptor } from './activities/retry-alarm';
import { AnalyzerPool, type AnalyzerRunner, inProcessRunner } from './investigation/analyzer-pool';
import { mispFromEnv } from './connectors/misp';
import { createActivities } from './activities';
import { type Config, loadConfig, workflowUiLink } from './config';
import { slackNotifier, webhookNotifier } from './connectors/notifier';
import { slackBotNotifiers } from './connectors/slack/config';
import { pageOnFor, pagerFromEnv, ticketServiceIdentity, ticketSystemFor } from './connectors/tickets/config';
import { DecisionSigner } from './security/decision-signer';
import { reportChannelsFromConfig } from './connectors/delivery/report-channels';
import { listFailedRuns } from './temporal/failed-runs';
import { pagerDutyNotifier } from './connectors/tickets/pagerduty';
import { ticketNotifier } from './connectors/tickets/ticket-notifier';
import { onlineIntelFromEnv, type OnlineIntel } from './intel/online';
import { sandboxFromEnv } from './connectors/sandbox/config';
import { edrConnectorsFromConfig, parseEdrConfig } from './connectors/edr/config';
import { respondersFor } from './connectors/response/config';
import { siemWritebacksFromEnv } from './connectors/siem/config';
import { describePrivileges, openConfiguredDatabase } from './store/database';
import { ensureReportSchedules } from './temporal/report-schedules';
import { dataConverterFor, temporalClient } from './temporal/client';
import { workerVersioningOptions } from './temporal/worker-versioning';
import { activeTracing, installTracing, WORKFLOW_TRACING_MODULE } from './telemetry/tracing';
import { activityRetryAlarms } from './metrics/metrics';
import { startMetricsServer } from './metrics/server';
import type { Pool } from 'pg';

/**
 * A prebuilt workflow bundle: the one named (config.temporal.workflowBundle, AUTOSOC_WORKFLOW_BUNDLE:
 * jest's global setup builds one per test run, as each webpack run costs seconds of CPU), else
 * dist/workflow-bundle.js when built (production); else bundle from source (dev). A tracing worker takes the
 * bundle with Temporal's OpenTelemetry workflow interceptors (workflow-bundle-otel.js,
 * scripts/bundle-workflows.ts); others never load that code.
 */
export function workflowSource(
  tracing = false,
  prebuilt?: string,
): { workflowBundle: { codePath: string } } | { workflowsPath: string; workflowModules: string[] } {
  const built = join(__dirname, '..', tracing ? 'workflow-bundle-otel.js' : 'workflow-bundle.js');
  const bundle = (tracing ? undefined : prebuilt) ?? (existsSync(built) ? built : undefined);
  return bundle
    ? { workflowBundle: { codePath: bundle } }
    : { workflowsPath: require.resolve('./workflows'), workflowModules: tracing ? [WORKFLOW_TRACING_MODULE] : [] };
}

/** Online threat-intel providers, when any of their API keys is set (VT_API_KEY, ...). */
function onlineIntel(config: Config, db: Pool): OnlineIntel | undefined {
  const intel = onlineIntelFromEnv(config.connectors, { pool: db });
  return intel.providers.length ? intel : undefined;
}

/** The worker's analyzer threads, sized by configuration; in-process only when tests say so. */
function analyzerRunner(config: Config): AnalyzerRunner {
  if (config.analysis.isolation === 'in-process') return inProcessRunner;
  return new AnalyzerPool({ threads: config.analysis.threads, memoryLimitMb: config.analysis.memoryLimitMb });
}

/** The policy's ticket system and PagerDuty, as channels escalations are announced on. */
function ticketNotifiers(config: Config, db: Pool) {
  const system = ticketSystemFor(config.policy, config.connectors);
  const pager = pagerFromEnv(config.connectors);
  return [...(system ? [ticketNotifier(db, system)] : []), ...(pager ? [pagerDutyNotifier(pager, pageOnFor(config.policy))] : [])];
}

/**
 * The policy's ticket system for the activities: where comments and decisions made in autosoc
 * go, and (with the client and the decision key) how the ticket poller closes alerts.
 */
function ticketSync(config: Config, client: Client) {
  const system = ticketSystemFor(config.policy, config.connectors);
  if (!system) return undefined;
  return {
    system,
    service: ticketServiceIdentity(system, config.connectors),
    decide: { client, signer: new DecisionSigner(config.security.decisionKeys), pager: pagerFromEnv(config.connectors) },
  };
}

/** The accepted-rules folder, created so the scanner finds it before the first rule is accepted. */
function acceptedRulesFolder(config: Config): string {
  mkdirSync(config.acceptedYaraDir, { recursive: true });
  return config.acceptedYaraDir;
}

const definedOnly = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/**
 * The configured analyzer and connector plugins, loaded and checked (a broken one throws a
 * PluginError naming it: the worker does not start). Analyzers run like the built-in ones: on
 * killable threads, unless tests ask for in-process.
 */
export function workerPlugins(config: Config) {
  const loaded = loadPlugins(config.plugins, { analyzers: BUILT_IN_ANALYZERS, connectors: Object.keys(RESPONSE_CONNECTORS) });
  return {
    analyzers: pluginAnalyzers(loaded.analyzers, config.analysis.isolation),
    connectors: loaded.connectors.map(pluginConnector),
    loaded,
  };
}

/** The worker for alert, incident and poller workflows; `client` is what pollers ingest through. */
export async function createWorker(
  config: Config,
  db: Pool,
  connection: NativeConnection,
  client: Client,
  observeRetryAlarm?: (alarm: RetryAlarm) => void,
): Promise<Worker> {
  const plugins = workerPlugins(config);
  const ingest = new IngestService({
    db,
    client,
    taskQueue: config.temporal.taskQueue,
    policy: config.policy,
    correlation: config.correlation,
  });
  const responders = respondersFor(config.policy.responseConnectors, config.connectors, undefined, plugins.connectors, db);
  const traced = activeTracing()?.worker;
  const { workflowModules, ...workflows } = {
    workflowModules: [] as string[],
    ...workflowSource(!!traced, config.temporal.workflowBundle),
  };
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    ...workflows,
    dataConverter: dataConverterFor(config),
    activities: createActivities({
      db,
      responders,
      responseRouting: config.policy.responseConnectors,
      siems: siemWritebacksFromEnv(config.connectors),
      ingest,
      pollerSecrets: config.connectors,
      investigation: defaultPlan(db, {
        yaraDirs: [...config.yaraDirs, acceptedRulesFolder(config)],
        onlineIntel: onlineIntel(config, db),
        runner: analyzerRunner(config),
        maxStoredBytesPerAlert: config.analysis.maxStoredBytesPerAlert,
        sourceQuotaBytesPerDay: config.analysis.sourceQuotaBytesPerDay,
        plugins: plugins.analyzers,
      }),
      llm: config.llm,
      notifiers: [
        ...(config.notify.webhookUrl ? [webhookNotifier(config.notify.webhookUrl)] : []),
        ...(config.notify.slackWebhookUrl ? [slackNotifier(config.notify.slackWebhookUrl)] : []),
        ...slackBotNotifiers(config, db),
        ...ticketNotifiers(config, db),
      ],
      workflowLink: (id) => workflowUiLink(config, id),
      sandbox: sandboxFromEnv(config.connectors),
      edr: edrConnectorsFromConfig(parseEdrConfig(config.connectors)),
      edrAllow: config.policy.edrCollection?.allow,
      misp: mispFromEnv(config.connectors),
      sharing: config.policy.sharing,
      tickets: ticketSync(config, client),
      reportChannels: reportChannelsFromConfig(config),
      listFailedRuns: () => listFailedRuns(client, { link: (id) => workflowUiLink(config, id) }),
    }),
    interceptors: {
      workflowModules,
      activity: [
        retryAlarmInterceptor((alarm) => {
          activityRetryAlarms.inc({ activity: alarm.activityType });
          observeRetryAlarm?.(alarm);
        }),
        ...(traced?.activity ?? []),
      ],
    },
    ...(traced ? { sinks: traced.sinks } : {}),
    shutdownGraceTime: '20s',
    ...definedOnly(config.worker),
    ...workerVersioningOptions(config.workerDeployment),
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
  config.metrics.workerPort ? startMetricsServer(config.metrics.host, config.metrics.workerPort) : Promise.resolve(undefined);

async function main(): Promise<void> {
  const config = loadConfig();
  installRuntime(config);
  const tracing = installTracing(config);
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
  if (schedules.upserted.length || schedules.deleted.length)
    console.log(`autosoc report schedules: ${[...schedules.upserted, ...schedules.deleted.map((d) => `${d} (deleted)`)].join(', ')}`);

  // Worker.run() installs SIGINT/SIGTERM handlers that call shutdown() and then resolves.
  console.log(`autosoc worker polling ${config.temporal.taskQueue} on ${config.temporal.address}`);
  try {
    await worker.run();
  } finally {
    await connection.close();
    await clientConnection.close();
    await db.close();
    await metrics?.close();
    await tracing?.shutdown();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
