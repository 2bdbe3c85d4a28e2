// Which response connectors run, from the worker's environment: Falcon and Defender with the
// EDR credentials (FALCON_*, MDE_*: src/connectors/edr/config.ts; the API clients need the
// containment scopes too), Entra ID and Graph mail with GRAPH_*, Okta with OKTA_*. Each only
// when its credentials are set; errors name variables, never their values.
import { z } from 'zod';
import { parseEdrConfig } from '../edr/config';
import { manualResponseConnector, type ResponseConnector } from '../response-connector';
import type { ResponseRouting } from '../../domain/policy';
import { DefenderResponseConnector } from './defender';
import { EntraResponseConnector } from './entra';
import { GraphMailConnector } from './graph-mail';
import { OktaResponseConnector } from './okta';
import { FalconResponseConnector } from './falcon';
import { trimEndChars } from '../../domain/text-scan';
import { parseDuration } from '../../domain/duration';
import type { Pool } from 'pg';
import { BlocklistConnector } from './blocklist';

const Env = z.object({
  GRAPH_BASE_URL: z.url().default('https://graph.microsoft.com'),
  /** https://login.microsoftonline.com/<tenant id>/oauth2/v2.0/token */
  GRAPH_TOKEN_URL: z.url().optional(),
  GRAPH_CLIENT_ID: z.string().optional(),
  GRAPH_CLIENT_SECRET: z.string().optional(),
  OKTA_ORG_URL: z.url().optional(),
  OKTA_API_TOKEN: z.string().optional(),
  /** How long a firewall blocklist entry stays listed (edl connector), e.g. 30d. */
  BLOCKLIST_ENTRY_TTL: z.string().default('30d'),
});

export class ResponseConfigError extends Error {
  constructor(problems: string[]) {
    super(`invalid response connector configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ResponseConfigError';
  }
}

/**
 * The configured connectors, then manual (serves whatever no other does). Reads only env; the
 * edl connector (firewall blocklists in our own database) exists when `db` is given.
 */
export function responseConnectorsFromEnv(
  env: Record<string, string | undefined>,
  fetchImpl?: typeof fetch,
  db?: Pool,
): ResponseConnector[] {
  const edr = parseEdrConfig(env);
  const set = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '' && v !== undefined));
  const parsed = Env.safeParse(set);
  if (!parsed.success) throw new ResponseConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const e = parsed.data;
  const problems: string[] = [];
  const connectors: ResponseConnector[] = [];
  const poll = (s: { pollIntervalMs: number; maxPollIntervalMs: number; maxWaitMs: number }) => ({
    pollIntervalMs: s.pollIntervalMs,
    maxPollIntervalMs: s.maxPollIntervalMs,
    maxWaitMs: s.maxWaitMs,
  });
  if (edr.falcon) {
    const f = edr.falcon;
    connectors.push(
      new FalconResponseConnector({
        baseUrl: f.baseUrl,
        tokenUrl: `${trimEndChars(f.baseUrl, '/')}/oauth2/token`,
        clientId: f.clientId,
        clientSecret: f.clientSecret,
        timeoutMs: f.timeoutMs,
        poll: poll(f),
        fetchImpl,
      }),
    );
  }
  if (edr.defender) {
    const d = edr.defender;
    connectors.push(
      new DefenderResponseConnector({
        baseUrl: d.baseUrl,
        tokenUrl: d.tokenUrl,
        clientId: d.clientId,
        clientSecret: d.clientSecret,
        scope: d.scope,
        timeoutMs: d.timeoutMs,
        poll: poll(d),
        fetchImpl,
      }),
    );
  }
  if (e.GRAPH_CLIENT_ID || e.GRAPH_CLIENT_SECRET) {
    if (!e.GRAPH_CLIENT_ID || !e.GRAPH_CLIENT_SECRET || !e.GRAPH_TOKEN_URL)
      problems.push('GRAPH_CLIENT_ID, GRAPH_CLIENT_SECRET and GRAPH_TOKEN_URL must be set together');
    else {
      const graph = {
        baseUrl: e.GRAPH_BASE_URL,
        tokenUrl: e.GRAPH_TOKEN_URL,
        clientId: e.GRAPH_CLIENT_ID,
        clientSecret: e.GRAPH_CLIENT_SECRET,
        scope: 'https://graph.microsoft.com/.default',
        timeoutMs: 30_000,
        poll: { pollIntervalMs: 5_000, maxPollIntervalMs: 30_000, maxWaitMs: 15 * 60_000 },
        fetchImpl,
      };
      connectors.push(new EntraResponseConnector(graph), new GraphMailConnector(graph));
    }
  }
  if (e.OKTA_ORG_URL || e.OKTA_API_TOKEN) {
    if (!e.OKTA_ORG_URL || !e.OKTA_API_TOKEN) problems.push('OKTA_ORG_URL and OKTA_API_TOKEN must be set together');
    else connectors.push(new OktaResponseConnector({ orgUrl: e.OKTA_ORG_URL, apiToken: e.OKTA_API_TOKEN, timeoutMs: 30_000, fetchImpl }));
  }
  if (db) {
    try {
      connectors.push(new BlocklistConnector(db, parseDuration(e.BLOCKLIST_ENTRY_TTL)));
    } catch (err) {
      problems.push(`BLOCKLIST_ENTRY_TTL: ${(err as Error).message}`);
    }
  }
  if (problems.length) throw new ResponseConfigError(problems);
  return [...connectors, manualResponseConnector];
}

/** Refuses (at worker start) a policy that routes an action to a connector with no credentials. */
export function checkResponseRouting(routing: ResponseRouting | undefined, connectors: ResponseConnector[]): void {
  const missing = Object.entries(routing ?? {}).filter(([, name]) => !connectors.some((c) => c.name === name));
  if (missing.length) {
    throw new ResponseConfigError(
      missing.map(([kind, name]) => `the policy routes ${kind} to ${name}, which has no credentials in the environment`),
    );
  }
}

/**
 * What the worker registers: the connectors the policy routes an action to (refused when one
 * has no credentials), then manual. A vendor connector with credentials but no route stays
 * unused, so EDR credentials set for file collection never isolate a host by themselves.
 */
export function respondersFor(
  routing: ResponseRouting | undefined,
  env: Record<string, string | undefined>,
  fetchImpl?: typeof fetch,
  plugins: ResponseConnector[] = [],
  db?: Pool,
): ResponseConnector[] {
  const configured = responseConnectorsFromEnv(env, fetchImpl, db);
  checkResponseRouting(routing, configured);
  const routed = new Set(Object.values(routing ?? {}));
  // Plugin connectors serve their declared actions unless the policy routes a kind elsewhere.
  return [...configured.filter((c) => c.name !== 'manual' && routed.has(c.name as never)), ...plugins, manualResponseConnector];
}
