// The CAPE sandbox, from the environment: on when CAPE_BASE_URL is set. Errors name
// variables, never their values (CAPE_TOKEN is a secret).
import { z } from 'zod';
import { parseDuration } from '../../domain/duration';
import { CapeClient, type CapeSettings, type CapeSubmitOptions } from './cape';

const duration = z.string().transform((v, ctx) => {
  try {
    return parseDuration(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

const Env = z.object({
  CAPE_BASE_URL: z.url().optional(),
  CAPE_TOKEN: z.string().optional(),
  CAPE_TIMEOUT: duration.default(30_000),
  CAPE_TRANSFER_TIMEOUT: duration.default(120_000),
  CAPE_POLL_INTERVAL: duration.default(15_000),
  CAPE_MAX_POLL_INTERVAL: duration.default(60_000),
  /** From submission to report; past it the activity returns an error finding. */
  CAPE_MAX_WAIT: duration.default(30 * 60_000),
  CAPE_MAX_REPORT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024)
    .default(64 * 1024 * 1024),
  /** Seconds the sample runs in the VM (CAPE's `timeout` form field); CAPE's default when unset. */
  CAPE_ANALYSIS_TIMEOUT: z.coerce.number().int().min(10).max(86_400).optional(),
  CAPE_PACKAGE: z.string().max(64).optional(),
  CAPE_OPTIONS: z.string().max(1024).optional(),
  CAPE_MACHINE: z.string().max(128).optional(),
  CAPE_PLATFORM: z.string().max(32).optional(),
  CAPE_TAGS: z.string().max(256).optional(),
  CAPE_PRIORITY: z.coerce.number().int().min(1).max(3).optional(),
});

export class SandboxConfigError extends Error {
  constructor(problems: string[]) {
    super(`invalid sandbox configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SandboxConfigError';
  }
}

export interface SandboxPolling {
  pollIntervalMs: number;
  maxPollIntervalMs: number;
  maxWaitMs: number;
}

export interface SandboxConfig {
  cape: Omit<CapeSettings, 'fetchImpl'>;
  submit: CapeSubmitOptions;
  polling: SandboxPolling;
}

/** What the sandboxDetonate activity runs on. */
export interface Sandbox {
  client: CapeClient;
  submit: CapeSubmitOptions;
  polling: SandboxPolling;
}

/** Pure: reads only the object it is given. Undefined when CAPE_BASE_URL is unset; an empty variable counts as unset. */
export function parseSandboxConfig(env: Record<string, string | undefined>): SandboxConfig | undefined {
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '' && v !== undefined)));
  if (!parsed.success) throw new SandboxConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const e = parsed.data;
  if (!e.CAPE_BASE_URL) return undefined;
  return {
    cape: {
      baseUrl: e.CAPE_BASE_URL,
      token: e.CAPE_TOKEN,
      timeoutMs: e.CAPE_TIMEOUT,
      transferTimeoutMs: e.CAPE_TRANSFER_TIMEOUT,
      maxReportBytes: e.CAPE_MAX_REPORT_BYTES,
    },
    submit: {
      timeout: e.CAPE_ANALYSIS_TIMEOUT,
      package: e.CAPE_PACKAGE,
      options: e.CAPE_OPTIONS,
      priority: e.CAPE_PRIORITY,
      machine: e.CAPE_MACHINE,
      platform: e.CAPE_PLATFORM,
      tags: e.CAPE_TAGS,
    },
    polling: {
      pollIntervalMs: e.CAPE_POLL_INTERVAL,
      maxPollIntervalMs: Math.max(e.CAPE_POLL_INTERVAL, e.CAPE_MAX_POLL_INTERVAL),
      maxWaitMs: e.CAPE_MAX_WAIT,
    },
  };
}

export function sandboxFromConfig(config: SandboxConfig, fetchImpl?: typeof fetch): Sandbox {
  return { client: new CapeClient({ ...config.cape, fetchImpl }), submit: config.submit, polling: config.polling };
}

export function sandboxFromEnv(env: Record<string, string | undefined>): Sandbox | undefined {
  const config = parseSandboxConfig(env);
  return config && sandboxFromConfig(config);
}
