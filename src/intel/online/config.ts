// Which online providers run, from the environment: each only when its key is set. Base
// URLs are settable so tests (and proxies) can stand in for the real services.
import type { Pool } from 'pg';
import { z } from 'zod';
import { parseDuration } from '../../domain/duration';
import { AbuseIpdbClient } from './abuseipdb';
import { IntelCache } from '../../store/intel-cache';
import { OnlineIntel, type ProviderSetup } from './lookup';
import { parseRate } from './rate-limit';
import { systemClock, type Clock } from './types';
import { UrlhausClient } from './urlhaus';
import { UrlscanClient } from './urlscan';
import { VirusTotalClient } from './virustotal';

const duration = z.string().transform((v, ctx) => {
  try {
    return parseDuration(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});
const rate = z.string().transform((v, ctx) => {
  try {
    return parseRate(v, parseDuration);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

const Env = z.object({
  VT_API_KEY: z.string().optional(),
  VT_BASE_URL: z.url().optional(),
  VT_RATE: rate.default(parseRate('4/1m', parseDuration)), // public API: 4 requests a minute
  ABUSEIPDB_API_KEY: z.string().optional(),
  ABUSEIPDB_BASE_URL: z.url().optional(),
  ABUSEIPDB_RATE: rate.default(parseRate('1000/1d', parseDuration)), // free plan: 1,000 checks a day
  ABUSEIPDB_MAX_AGE_DAYS: z.coerce.number().int().min(1).max(365).default(90),
  URLHAUS_AUTH_KEY: z.string().optional(),
  URLHAUS_BASE_URL: z.url().optional(),
  URLHAUS_RATE: rate.default(parseRate('60/1m', parseDuration)),
  URLSCAN_API_KEY: z.string().optional(),
  URLSCAN_BASE_URL: z.url().optional(),
  URLSCAN_RATE: rate.default(parseRate('60/1m', parseDuration)),
  INTEL_TIMEOUT: duration.default(10_000),
  INTEL_CACHE_TTL: duration.default(24 * 3_600_000),
  INTEL_NEGATIVE_CACHE_TTL: duration.default(3_600_000),
  INTEL_MAX_INDICATORS: z.coerce.number().int().min(1).max(500).default(25),
  /** Comma-separated domain suffixes that are ours: never sent to a provider. */
  INTEL_INTERNAL_DOMAINS: z.string().default(''),
});

export class IntelConfigError extends Error {
  constructor(problems: string[]) {
    super(`invalid threat-intel configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'IntelConfigError';
  }
}

export interface OnlineIntelDeps {
  pool?: Pool;
  clock?: Clock;
  fetchImpl?: typeof fetch;
}

function parseEnv(env: NodeJS.ProcessEnv) {
  // An empty variable counts as unset, as in src/config.ts.
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '' && v !== undefined)));
  if (!parsed.success) throw new IntelConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  return parsed.data;
}

export function onlineIntelFromEnv(env: NodeJS.ProcessEnv, deps: OnlineIntelDeps = {}): OnlineIntel {
  const e = parseEnv(env);
  const clock = deps.clock ?? systemClock;
  return new OnlineIntel({
    providers: intelProvidersFromEnv(env, deps.fetchImpl),
    clock,
    maxIndicators: e.INTEL_MAX_INDICATORS,
    internalDomains: e.INTEL_INTERNAL_DOMAINS.split(',')
      .map((d) => d.trim())
      .filter(Boolean),
    cache: deps.pool
      ? new IntelCache(deps.pool, clock, { ttlMs: e.INTEL_CACHE_TTL, negativeTtlMs: e.INTEL_NEGATIVE_CACHE_TTL })
      : undefined,
  });
}

/** The providers whose keys are set, with their rates and timeout. */
export function intelProvidersFromEnv(env: NodeJS.ProcessEnv, fetchImpl?: typeof fetch): ProviderSetup[] {
  const e = parseEnv(env);
  const timeoutMs = e.INTEL_TIMEOUT;
  const providers: ProviderSetup[] = [];
  if (e.VT_API_KEY)
    providers.push({
      provider: new VirusTotalClient({ apiKey: e.VT_API_KEY, baseUrl: e.VT_BASE_URL, fetchImpl }),
      rate: e.VT_RATE,
      timeoutMs,
    });
  if (e.ABUSEIPDB_API_KEY) {
    providers.push({
      provider: new AbuseIpdbClient({
        apiKey: e.ABUSEIPDB_API_KEY,
        baseUrl: e.ABUSEIPDB_BASE_URL,
        maxAgeInDays: e.ABUSEIPDB_MAX_AGE_DAYS,
        fetchImpl,
      }),
      rate: e.ABUSEIPDB_RATE,
      timeoutMs,
    });
  }
  if (e.URLHAUS_AUTH_KEY)
    providers.push({
      provider: new UrlhausClient({ authKey: e.URLHAUS_AUTH_KEY, baseUrl: e.URLHAUS_BASE_URL, fetchImpl }),
      rate: e.URLHAUS_RATE,
      timeoutMs,
    });
  if (e.URLSCAN_API_KEY)
    providers.push({
      provider: new UrlscanClient({ apiKey: e.URLSCAN_API_KEY, baseUrl: e.URLSCAN_BASE_URL, fetchImpl }),
      rate: e.URLSCAN_RATE,
      timeoutMs,
    });
  return providers;
}
