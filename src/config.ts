// autosoc's settings, read from the environment and validated at start: a wrong or
// missing setting stops the process with a message that names it. This is the one module that
// reads process.env (test/architecture/env-reads.test.ts): everything else takes its part of
// Config, and connector families parse their variables from config.connectors, a plain object.
import { trimEndChars } from './domain/text-scan';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { parseDuration } from './domain/duration';
import { DEFAULT_POLICY, type SlaTier, TriagePolicy } from './domain/policy';
import { CORRELATION_KEY_KINDS, CorrelationPolicy, DEFAULT_CORRELATION } from './domain/correlation';
import { loadPolicy, PolicyError } from './policy/load-policy';
import { DecisionSigner } from './security/decision-signer';
import { type NamedKey, resolveKeyList } from './security/keys';
import { DEFAULT_BUDGET } from './investigation/budget';
import { DEFAULT_SOURCE_QUOTA_BYTES_PER_DAY } from './investigation/investigate';
import { DEFAULT_POOL_OPTIONS } from './investigation/pool-options';
import { DEFAULT_INGEST_LIMITS, type IngestLimits } from './api/ingest-limits';

const port = z.coerce.number().int().min(0).max(65535);

/**
 * One SQLite connection serves the whole dev server: WAL lets readers proceed beside the
 * writer; synchronous=NORMAL skips an fsync per commit but keeps the file consistent.
 */
export const DEFAULT_SQLITE_PRAGMAS = 'journal_mode=WAL,synchronous=NORMAL';

/** "tier1=15m,tier2=1h,tier3=4h" → SLA tiers in order. */
export function parseSlaTiers(value: string): SlaTier[] {
  return value.split(',').map((part) => {
    const [name, within, ...rest] = part.split('=').map((s) => s.trim());
    if (!name || !within || rest.length) throw new Error(`"${part}" should look like tier1=15m`);
    return { name, respondWithinMs: parseDuration(within) };
  });
}

const MIB = 1024 * 1024;

const Env = z.object({
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[\w.-]+:\d+$/, 'must be host:port')
    .optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('autosoc-alerts'),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_UI_URL: z.url().optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  AUTOSOC_MIGRATION_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  AUTOSOC_DATA_DIR: z.string().min(1).default('.data'),
  AUTOSOC_DB_POOL_MAX: z.coerce.number().int().positive().optional(),
  AUTOSOC_PGLITE_PORT: port.default(5433),
  AUTOSOC_SLA_TIERS: z.string().default('tier1=15m,tier2=1h,tier3=4h'),
  AUTOSOC_AUTO_CLOSE_BELOW: z.coerce.number().min(0).max(100).default(DEFAULT_POLICY.autoCloseBelow),
  AUTOSOC_CORRELATION_KEYS: z.string().default(DEFAULT_CORRELATION.keys.join(',')),
  AUTOSOC_CORRELATION_WINDOW: z.string().default('30m'),
  AUTOSOC_STORM_THRESHOLD: z.coerce.number().int().positive().default(DEFAULT_CORRELATION.stormThreshold),
  AUTOSOC_STORM_WINDOW: z.string().default('10m'),
  AUTOSOC_API_HOST: z.string().min(1).default('127.0.0.1'),
  AUTOSOC_API_PORT: port.default(8080),
  AUTOSOC_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  /** Console sessions end after this many minutes without a request. */
  AUTOSOC_CONSOLE_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  AUTOSOC_MAX_ITEMS_PER_REQUEST: z.coerce.number().int().positive().default(DEFAULT_INGEST_LIMITS.maxItemsPerRequest),
  AUTOSOC_INGEST_ITEMS_PER_SECOND: z.coerce.number().int().positive().default(DEFAULT_INGEST_LIMITS.itemsPerSecond),
  AUTOSOC_SYSLOG_HOST: z.string().min(1).default('127.0.0.1'),
  AUTOSOC_SYSLOG_PORT: port.default(5514),
  /** Bound of the on-disk syslog spool (<data dir>/syslog-spool): undelivered messages wait there. */
  AUTOSOC_SYSLOG_SPOOL_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(256 * 1024 * 1024),
  AUTOSOC_POLLERS_FILE: z.string().min(1).optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.url().optional(),
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  /** Unset: none sent (reasoning models such as o3 or gpt-5 refuse any but their default). */
  OPENAI_TEMPERATURE: z.coerce.number().min(0).max(2).optional(),
  AUTOSOC_LLM_TIMEOUT: z.string().default('60s'),
  AUTOSOC_NOTIFY_WEBHOOK_URL: z.url().optional(),
  AUTOSOC_SLACK_WEBHOOK_URL: z.url().optional(),
  /** Slack app (approvals from Slack): bot token, channel, signing secret; the API URL for a local server. */
  AUTOSOC_SLACK_BOT_TOKEN: z.string().min(1).optional(),
  AUTOSOC_SLACK_CHANNEL: z.string().min(1).optional(),
  AUTOSOC_SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  AUTOSOC_SLACK_API_URL: z.url().optional(),
  AUTOSOC_SLACK_RESPONSE_URL_PREFIX: z.url().optional(),
  /**
   * Reports by e-mail (policy reports.schedules[].email): the relay as smtp://host:port
   * (STARTTLS, required unless AUTOSOC_SMTP_TLS=none) or smtps://host:port (TLS from the first
   * byte); credentials apart so the URL can be shown; the From address.
   */
  AUTOSOC_SMTP_URL: z
    .url()
    .refine(
      (u) => /^smtps?:\/\/[^/@]+(:\d+)?\/?$/.test(u),
      'smtp://host:port or smtps://host:port, credentials in AUTOSOC_SMTP_USER / AUTOSOC_SMTP_PASSWORD',
    )
    .optional(),
  AUTOSOC_SMTP_USER: z.string().min(1).optional(),
  AUTOSOC_SMTP_PASSWORD: z.string().min(1).optional(),
  AUTOSOC_SMTP_FROM: z.email().optional(),
  /** none: a relay on loopback that offers no TLS (tests, a local MTA); never over a network. */
  AUTOSOC_SMTP_TLS: z.enum(['starttls', 'none']).default('starttls'),
  AUTOSOC_POLICY_FILE: z.string().min(1).optional(),
  AUTOSOC_YARA_DIRS: z.string().optional(),
  /** Folders of analyzer/connector plugins (.js/.cjs, ":"-separated) and npm packages (","-separated): src/plugins. */
  AUTOSOC_PLUGIN_DIRS: z.string().optional(),
  AUTOSOC_PLUGIN_PACKAGES: z.string().optional(),
  AUTOSOC_SECRET_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be base64 of 32 bytes (openssl rand -base64 32)')
    .optional(),
  // Analysis bounds (issue 10): CPU-bound analyzers run on killable threads; archive members
  // are charged to one budget per alert and to a daily quota per source (0: no quota).
  AUTOSOC_ANALYZER_THREADS: z.coerce.number().int().min(1).max(64).default(DEFAULT_POOL_OPTIONS.threads),
  AUTOSOC_ANALYZER_MEMORY_MB: z.coerce.number().int().min(64).default(DEFAULT_POOL_OPTIONS.memoryLimitMb),
  /** in-process: analyzers run on the worker's own thread (tests: threads need compiled JavaScript). */
  AUTOSOC_ANALYZER_ISOLATION: z.enum(['threads', 'in-process']).default('threads'),
  AUTOSOC_ANALYSIS_MB_PER_ALERT: z.coerce
    .number()
    .int()
    .positive()
    .default(DEFAULT_BUDGET.maxStoredBytesPerAlert / MIB),
  AUTOSOC_SOURCE_EVIDENCE_MB_PER_DAY: z.coerce
    .number()
    .int()
    .min(0)
    .default(DEFAULT_SOURCE_QUOTA_BYTES_PER_DAY / MIB),
  AUTOSOC_ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  /** AES-256 payload codec keys, id:base64,...; the first encrypts. Unset: .data/payload-keys. */
  AUTOSOC_PAYLOAD_KEYS: z.string().optional(),
  /** Ed25519 decision-signing seeds, id:base64,...; all sign. Unset: .data/decision-keys. */
  AUTOSOC_DECISION_KEYS: z.string().optional(),
  /** The Temporal Web UI's origin allowed to call the codec endpoint (CORS). */
  AUTOSOC_CODEC_UI_ORIGIN: z.url().optional(),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
  // Worker tuning (bench/README.md has the measurements behind the defaults); unset = SDK default.
  AUTOSOC_WORKER_MAX_ACTIVITIES: z.coerce.number().int().positive().optional(),
  AUTOSOC_WORKER_MAX_WORKFLOW_TASKS: z.coerce.number().int().min(2).optional(),
  // 0 (no sticky cache) breaks local activities in SDK 1.24: core reports an eviction bug.
  // Runs kept in memory between tasks. The SDK's default follows the heap limit (~2,300 on a
  // 4 GB heap), so runs waiting days for an analyst stayed cached: ~1.8 MiB each, 1,966 MiB RSS
  // with 960 waiting (bench/README.md, Memory). Beyond the cap the oldest is evicted and replays
  // from its history at its next task (an analyst's decision, an SLA timer).
  AUTOSOC_WORKER_MAX_CACHED_WORKFLOWS: z.coerce
    .number()
    .int()
    .min(2, 'must be at least 2: the alert workflow runs local activities, which need the workflow cache')
    .default(200),
  AUTOSOC_WORKER_REUSE_V8_CONTEXT: z.enum(['true', 'false']).optional(),
  // Worker Deployments (DEVELOPERS.md, Safe deploys): both set = a versioned worker, runs pinned to it.
  AUTOSOC_WORKER_DEPLOYMENT_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,200}$/, 'letters, digits, _ and - only (Temporal joins it to the build id with a dot)')
    .optional(),
  AUTOSOC_WORKER_BUILD_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.+-]{1,200}$/, 'letters, digits and _ . + - only')
    .optional(),
  // Prometheus: the worker's autosoc metrics, and the Temporal SDK's own (0 turns either off).
  AUTOSOC_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  AUTOSOC_WORKER_METRICS_PORT: port.default(9464),
  // OpenTelemetry traces (src/telemetry): exported over OTLP/HTTP only when an endpoint is set.
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
  OTEL_SERVICE_NAME: z.string().min(1).max(200).default('autosoc'),
  AUTOSOC_TEMPORAL_METRICS_PORT: port.default(9465),
  /** The dev server's SQLite pragmas, comma-separated name=value. */
  /** A prebuilt workflow bundle for workers (tests build one per run; production uses dist/workflow-bundle.js). */
  AUTOSOC_WORKFLOW_BUNDLE: z.string().min(1).optional(),
  AUTOSOC_TEMPORAL_SQLITE_PRAGMAS: z
    .string()
    .regex(/^(\w+=\w+)(,\w+=\w+)*$/, 'must look like journal_mode=WAL,synchronous=NORMAL')
    .default(DEFAULT_SQLITE_PRAGMAS),
});

export interface Config {
  temporal: {
    address: string;
    local: boolean;
    namespace: string;
    taskQueue: string;
    port: number;
    uiPort: number;
    uiUrl: string;
    sqlitePragmas: string[];
    workflowBundle?: string;
  };
  /** Worker options left undefined take the Temporal SDK's defaults. */
  worker: {
    maxConcurrentActivityTaskExecutions?: number;
    maxConcurrentWorkflowTaskExecutions?: number;
    maxCachedWorkflows?: number;
    reuseV8Context?: boolean;
  };
  /** The Worker Deployment version this worker runs (src/temporal/worker-versioning.ts); unset: unversioned. */
  workerDeployment?: { deploymentName: string; buildId: string };
  /** OTLP/HTTP traces: the full traces URL (…/v1/traces), or none (tracing off). */
  tracing: { tracesUrl?: string; serviceName: string };
  /** Where the worker serves /metrics and the Temporal SDK its metrics; a port of 0 turns one off. */
  metrics: { host: string; workerPort: number; temporalPort: number };
  databaseUrl?: string;
  /** The schema owner migrations run as; DATABASE_URL's role then may only append to the audit trail. */
  migrationDatabaseUrl?: string;
  /** Connections per process to DATABASE_URL's server (the embedded database always uses one). */
  dbPoolMax?: number;
  dataDir: string;
  pglitePort: number;
  policy: TriagePolicy;
  correlation: CorrelationPolicy;
  api: { host: string; port: number; maxBodyBytes: number; adminToken?: string; ingestLimits: IngestLimits; consoleIdleMinutes: number };
  /** Seals HMAC keys of signed tokens; unset: generated into <dataDir>/secret.key. */
  secretKey?: string;
  /** Payload encryption keys (first encrypts) and decision-signing keys (all sign). */
  security: { payloadKeys: NamedKey[]; decisionKeys: NamedKey[]; codecUiOrigin: string };
  syslog: { host: string; port: number; spoolDir: string; spoolMaxBytes: number };
  pollersFile?: string;
  /** Present when OPENAI_API_KEY is set: assessments are written by that model. */
  notify: { webhookUrl?: string; slackWebhookUrl?: string };
  /** The Slack app: the worker posts with botToken to channel; the API verifies clicks with signingSecret. */
  slack: { botToken?: string; channel?: string; signingSecret?: string; apiUrl?: string; responseUrlPrefix?: string };
  /** The SMTP relay reports are mailed through (absent: no e-mail delivery). */
  smtp?: SmtpSettings;
  /** User YARA rule folders, beside the bundled rules/yara. */
  yaraDirs: string[];
  /** Rules accepted through the API (`POST /v1/content/yara-rules`): <dataDir>/yara-accepted, loaded by the worker too. */
  acceptedYaraDir: string;
  /** Where the worker loads analyzer and connector plugins from at start. */
  plugins: { dirs: string[]; packages: string[] };
  analysis: {
    threads: number;
    memoryLimitMb: number;
    maxStoredBytesPerAlert: number;
    sourceQuotaBytesPerDay: number;
    isolation: 'threads' | 'in-process';
  };
  /**
   * The variables the connector families parse themselves, each with its own schema and error
   * naming the variable: EDR (connectors/edr/config.ts), sandbox (connectors/sandbox/config.ts),
   * online intel (intel/online/config.ts), ticket systems and PagerDuty
   * (connectors/tickets/config.ts), SIEM write-back (connectors/siem/config.ts), MISP
   * (connectors/misp.ts), response connectors (connectors/response/config.ts), and the
   * secrets pollers name (apiKeyEnv, basicAuthEnv). A snapshot taken here, never process.env.
   */
  connectors: ConnectorSettings;
  llm?: { apiKey: string; baseURL?: string; model: string; timeoutMs: number; temperature?: number };
  logLevel: z.infer<typeof Env>['LOG_LEVEL'];
}

/** Environment variables as a plain object, empty values dropped (see Config.connectors). */
export type ConnectorSettings = Readonly<Record<string, string | undefined>>;

/** OpenTelemetry's rule: the signal's own endpoint as given, else the base endpoint + /v1/traces. */
function otlpTracesUrl(tracesEndpoint?: string, endpoint?: string): string | undefined {
  if (tracesEndpoint) return tracesEndpoint;
  return endpoint ? `${trimEndChars(endpoint, '/')}/v1/traces` : undefined;
}
export interface SmtpSettings {
  url: string;
  from: string;
  tls: 'starttls' | 'none';
  user?: string;
  password?: string;
}

export class ConfigError extends Error {
  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // A variable set to the empty string counts as unset (shells and compose files do that).
  const settings: ConnectorSettings = Object.freeze(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '' && v !== undefined)));
  const parsed = Env.safeParse(settings);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const e = parsed.data;
  let policy: TriagePolicy;
  try {
    // Environment settings form the base; policy files (AUTOSOC_POLICY_FILE) layer on top.
    const base = TriagePolicy.parse({
      ...DEFAULT_POLICY,
      autoCloseBelow: e.AUTOSOC_AUTO_CLOSE_BELOW,
      slaTiers: parseSlaTiers(e.AUTOSOC_SLA_TIERS),
    });
    policy = loadPolicy((e.AUTOSOC_POLICY_FILE ?? '').split(':').filter(Boolean), base);
  } catch (err) {
    const detail = err instanceof z.ZodError ? err.issues.map((i) => i.message).join('; ') : (err as Error).message;
    throw new ConfigError([
      err instanceof PolicyError ? `AUTOSOC_POLICY_FILE: ${detail}` : `AUTOSOC_SLA_TIERS / AUTOSOC_AUTO_CLOSE_BELOW: ${detail}`,
    ]);
  }
  if (policy.decisionKeys)
    throw new ConfigError(['AUTOSOC_POLICY_FILE: decisionKeys cannot be set in a policy file (they come from AUTOSOC_DECISION_KEYS)']);
  const dataDir = resolve(e.AUTOSOC_DATA_DIR);
  let security: Config['security'];
  try {
    const decisionKeys = resolveKeyList(e.AUTOSOC_DECISION_KEYS, dataDir, 'decision-keys', 'AUTOSOC_DECISION_KEYS');
    const uiUrl = e.TEMPORAL_UI_URL ?? `http://127.0.0.1:${e.TEMPORAL_UI_PORT}`;
    security = {
      payloadKeys: resolveKeyList(e.AUTOSOC_PAYLOAD_KEYS, dataDir, 'payload-keys', 'AUTOSOC_PAYLOAD_KEYS'),
      decisionKeys,
      codecUiOrigin: new URL(e.AUTOSOC_CODEC_UI_ORIGIN ?? uiUrl).origin,
    };
    // Every workflow this process starts verifies decisions against these public keys.
    policy = { ...policy, decisionKeys: new DecisionSigner(decisionKeys).publicKeys() };
  } catch (err) {
    throw new ConfigError([(err as Error).message]);
  }
  let correlation: CorrelationPolicy;
  try {
    const keys = e.AUTOSOC_CORRELATION_KEYS.trim() === 'none' ? [] : e.AUTOSOC_CORRELATION_KEYS.split(',').map((k) => k.trim());
    correlation = CorrelationPolicy.parse({
      keys,
      windowMs: parseDuration(e.AUTOSOC_CORRELATION_WINDOW),
      stormThreshold: e.AUTOSOC_STORM_THRESHOLD,
      stormWindowMs: parseDuration(e.AUTOSOC_STORM_WINDOW),
    });
  } catch (err) {
    const detail = err instanceof z.ZodError ? `keys are ${CORRELATION_KEY_KINDS.join(', ')} or none` : (err as Error).message;
    throw new ConfigError([`AUTOSOC_CORRELATION_KEYS / AUTOSOC_CORRELATION_WINDOW / AUTOSOC_STORM_WINDOW: ${detail}`]);
  }
  if (!e.AUTOSOC_WORKER_DEPLOYMENT_NAME !== !e.AUTOSOC_WORKER_BUILD_ID) {
    throw new ConfigError(['AUTOSOC_WORKER_DEPLOYMENT_NAME / AUTOSOC_WORKER_BUILD_ID: set both (a versioned worker) or neither']);
  }
  return {
    workerDeployment: e.AUTOSOC_WORKER_DEPLOYMENT_NAME
      ? { deploymentName: e.AUTOSOC_WORKER_DEPLOYMENT_NAME, buildId: e.AUTOSOC_WORKER_BUILD_ID! }
      : undefined,
    temporal: {
      address: e.TEMPORAL_ADDRESS ?? `127.0.0.1:${e.TEMPORAL_PORT}`,
      local: !e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      port: e.TEMPORAL_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      uiUrl: (e.TEMPORAL_UI_URL ?? `http://127.0.0.1:${e.TEMPORAL_UI_PORT}`).replace(/\/$/, ''),
      sqlitePragmas: e.AUTOSOC_TEMPORAL_SQLITE_PRAGMAS.split(','),
      workflowBundle: e.AUTOSOC_WORKFLOW_BUNDLE,
    },
    worker: {
      maxConcurrentActivityTaskExecutions: e.AUTOSOC_WORKER_MAX_ACTIVITIES,
      maxConcurrentWorkflowTaskExecutions: e.AUTOSOC_WORKER_MAX_WORKFLOW_TASKS,
      maxCachedWorkflows: e.AUTOSOC_WORKER_MAX_CACHED_WORKFLOWS,
      reuseV8Context: e.AUTOSOC_WORKER_REUSE_V8_CONTEXT === undefined ? undefined : e.AUTOSOC_WORKER_REUSE_V8_CONTEXT === 'true',
    },
    metrics: { host: e.AUTOSOC_METRICS_HOST, workerPort: e.AUTOSOC_WORKER_METRICS_PORT, temporalPort: e.AUTOSOC_TEMPORAL_METRICS_PORT },
    tracing: {
      tracesUrl: otlpTracesUrl(e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, e.OTEL_EXPORTER_OTLP_ENDPOINT),
      serviceName: e.OTEL_SERVICE_NAME,
    },
    databaseUrl: e.DATABASE_URL,
    migrationDatabaseUrl: e.AUTOSOC_MIGRATION_DATABASE_URL,
    dbPoolMax: e.AUTOSOC_DB_POOL_MAX,
    dataDir,
    pglitePort: e.AUTOSOC_PGLITE_PORT,
    policy,
    correlation,
    api: {
      host: e.AUTOSOC_API_HOST,
      port: e.AUTOSOC_API_PORT,
      maxBodyBytes: e.AUTOSOC_MAX_BODY_BYTES,
      adminToken: e.AUTOSOC_ADMIN_TOKEN,
      ingestLimits: { maxItemsPerRequest: e.AUTOSOC_MAX_ITEMS_PER_REQUEST, itemsPerSecond: e.AUTOSOC_INGEST_ITEMS_PER_SECOND },
      consoleIdleMinutes: e.AUTOSOC_CONSOLE_IDLE_MINUTES,
    },
    secretKey: e.AUTOSOC_SECRET_KEY,
    security,
    syslog: {
      host: e.AUTOSOC_SYSLOG_HOST,
      port: e.AUTOSOC_SYSLOG_PORT,
      spoolDir: join(resolve(e.AUTOSOC_DATA_DIR), 'syslog-spool'),
      spoolMaxBytes: e.AUTOSOC_SYSLOG_SPOOL_MAX_BYTES,
    },
    pollersFile: e.AUTOSOC_POLLERS_FILE,
    yaraDirs: (e.AUTOSOC_YARA_DIRS ?? '').split(':').filter(Boolean),
    acceptedYaraDir: join(dataDir, 'yara-accepted'),
    plugins: {
      dirs: (e.AUTOSOC_PLUGIN_DIRS ?? '').split(':').filter(Boolean),
      packages: (e.AUTOSOC_PLUGIN_PACKAGES ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    },
    analysis: {
      threads: e.AUTOSOC_ANALYZER_THREADS,
      memoryLimitMb: e.AUTOSOC_ANALYZER_MEMORY_MB,
      maxStoredBytesPerAlert: e.AUTOSOC_ANALYSIS_MB_PER_ALERT * MIB,
      sourceQuotaBytesPerDay: e.AUTOSOC_SOURCE_EVIDENCE_MB_PER_DAY * MIB,
      isolation: e.AUTOSOC_ANALYZER_ISOLATION,
    },
    connectors: settings,
    notify: { webhookUrl: e.AUTOSOC_NOTIFY_WEBHOOK_URL, slackWebhookUrl: e.AUTOSOC_SLACK_WEBHOOK_URL },
    slack: {
      botToken: e.AUTOSOC_SLACK_BOT_TOKEN,
      channel: e.AUTOSOC_SLACK_CHANNEL,
      signingSecret: e.AUTOSOC_SLACK_SIGNING_SECRET,
      apiUrl: e.AUTOSOC_SLACK_API_URL,
      responseUrlPrefix: e.AUTOSOC_SLACK_RESPONSE_URL_PREFIX,
    },
    smtp: smtpSettings(e),
    llm: e.OPENAI_API_KEY
      ? {
          apiKey: e.OPENAI_API_KEY,
          baseURL: e.OPENAI_BASE_URL,
          model: e.OPENAI_MODEL,
          timeoutMs: parseDuration(e.AUTOSOC_LLM_TIMEOUT),
          temperature: e.OPENAI_TEMPERATURE,
        }
      : undefined,
    logLevel: e.LOG_LEVEL,
  };
}

/** AUTOSOC_ANALYZER_ISOLATION alone, for commands that run analyzers without a whole Config (backtest). */
export const analyzerIsolation = (env: NodeJS.ProcessEnv): Config['analysis']['isolation'] =>
  Env.shape.AUTOSOC_ANALYZER_ISOLATION.parse(env.AUTOSOC_ANALYZER_ISOLATION || undefined);
function smtpSettings(e: z.infer<typeof Env>): SmtpSettings | undefined {
  if (!e.AUTOSOC_SMTP_URL) return undefined;
  if (!e.AUTOSOC_SMTP_FROM)
    throw new ConfigError(['AUTOSOC_SMTP_URL is set, but AUTOSOC_SMTP_FROM (the From address of mailed reports) is not']);
  if (!e.AUTOSOC_SMTP_USER !== !e.AUTOSOC_SMTP_PASSWORD) throw new ConfigError(['AUTOSOC_SMTP_USER and AUTOSOC_SMTP_PASSWORD go together']);
  return {
    url: e.AUTOSOC_SMTP_URL,
    from: e.AUTOSOC_SMTP_FROM,
    tls: e.AUTOSOC_SMTP_TLS,
    user: e.AUTOSOC_SMTP_USER,
    password: e.AUTOSOC_SMTP_PASSWORD,
  };
}

export const workflowUiLink = (c: Config, workflowId: string) =>
  `${c.temporal.uiUrl}/namespaces/${encodeURIComponent(c.temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
