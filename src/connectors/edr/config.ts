// Which EDR connectors run, from the environment: each only when its client id and secret
// are set. Base and token URLs are settable so tests (and proxies, sovereign clouds) can
// stand in for the real services. Errors name variables, never their values.
import { z } from 'zod';
import { parseDuration } from '../../domain/duration';
import { DefenderLiveResponseClient, type DefenderSettings } from './defender';
import { FalconRtrClient, type FalconSettings } from './falcon';
import type { EdrConnector, EdrConnectorName } from './types';

const duration = z.string().transform((v, ctx) => {
  try {
    return parseDuration(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

const Env = z.object({
  FALCON_BASE_URL: z.url().default('https://api.crowdstrike.com'),
  FALCON_CLIENT_ID: z.string().optional(),
  FALCON_CLIENT_SECRET: z.string().optional(),
  MDE_BASE_URL: z.url().default('https://api.securitycenter.microsoft.com'),
  /** e.g. https://login.microsoftonline.com/<tenant id>/oauth2/v2.0/token */
  MDE_TOKEN_URL: z.url().optional(),
  MDE_CLIENT_ID: z.string().optional(),
  MDE_CLIENT_SECRET: z.string().optional(),
  MDE_SCOPE: z.string().default('https://api.securitycenter.microsoft.com/.default'),
  EDR_TIMEOUT: duration.default(30_000),
  EDR_POLL_INTERVAL: duration.default(5_000),
  EDR_MAX_POLL_INTERVAL: duration.default(30_000),
  EDR_MAX_WAIT: duration.default(15 * 60_000),
  EDR_MAX_FILE_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(1024 * 1024 * 1024)
    .default(64 * 1024 * 1024),
});

export class EdrConfigError extends Error {
  constructor(problems: string[]) {
    super(`invalid EDR configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EdrConfigError';
  }
}

export interface EdrConfig {
  falcon?: Omit<FalconSettings, 'fetchImpl'>;
  defender?: Omit<DefenderSettings, 'fetchImpl'>;
}

/** Pure: reads only the object it is given. An empty variable counts as unset. */
export function parseEdrConfig(env: Record<string, string | undefined>): EdrConfig {
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '' && v !== undefined)));
  if (!parsed.success) throw new EdrConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const e = parsed.data;
  const problems: string[] = [];
  const common = {
    timeoutMs: e.EDR_TIMEOUT,
    pollIntervalMs: e.EDR_POLL_INTERVAL,
    maxPollIntervalMs: Math.max(e.EDR_POLL_INTERVAL, e.EDR_MAX_POLL_INTERVAL),
    maxWaitMs: e.EDR_MAX_WAIT,
    maxFileBytes: e.EDR_MAX_FILE_BYTES,
  };
  const config: EdrConfig = {};
  if (e.FALCON_CLIENT_ID || e.FALCON_CLIENT_SECRET) {
    if (!e.FALCON_CLIENT_ID || !e.FALCON_CLIENT_SECRET) problems.push('FALCON_CLIENT_ID and FALCON_CLIENT_SECRET must be set together');
    else config.falcon = { ...common, baseUrl: e.FALCON_BASE_URL, clientId: e.FALCON_CLIENT_ID, clientSecret: e.FALCON_CLIENT_SECRET };
  }
  if (e.MDE_CLIENT_ID || e.MDE_CLIENT_SECRET) {
    if (!e.MDE_CLIENT_ID || !e.MDE_CLIENT_SECRET) problems.push('MDE_CLIENT_ID and MDE_CLIENT_SECRET must be set together');
    else if (!e.MDE_TOKEN_URL)
      problems.push('MDE_TOKEN_URL is required with MDE_CLIENT_ID (https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token)');
    else {
      config.defender = {
        ...common,
        baseUrl: e.MDE_BASE_URL,
        tokenUrl: e.MDE_TOKEN_URL,
        clientId: e.MDE_CLIENT_ID,
        clientSecret: e.MDE_CLIENT_SECRET,
        scope: e.MDE_SCOPE,
      };
    }
  }
  if (problems.length) throw new EdrConfigError(problems);
  return config;
}

export type EdrConnectors = Partial<Record<EdrConnectorName, EdrConnector>>;

export function edrConnectorsFromConfig(config: EdrConfig, fetchImpl?: typeof fetch): EdrConnectors {
  return {
    ...(config.falcon ? { falcon: new FalconRtrClient({ ...config.falcon, fetchImpl }) } : {}),
    ...(config.defender ? { defender: new DefenderLiveResponseClient({ ...config.defender, fetchImpl }) } : {}),
  };
}

export const edrConnectorsFromEnv = (env: Record<string, string | undefined>): EdrConnectors =>
  edrConnectorsFromConfig(parseEdrConfig(env));
