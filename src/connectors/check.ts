// `autosoc connectors check`: one harmless read per configured connector, and what came of it
// — the first thing to run after configuring a vendor. Nothing is written anywhere: lookups
// of a public resolver's address or example.com, an OAuth2 token, a one-document search, the
// configured model's description. Webhooks are listed, not called (any POST would notify).
import OpenAI from 'openai';
import { edrConnectorsFromEnv } from './edr/config';
import { pollerSort } from '../domain/poller-config';
import { loadPollers } from '../ingest/pollers/load-pollers';
import { searchPage } from './search-api';
import { intelProvidersFromEnv } from '../intel/online/config';
import type { Indicator } from '../intel/online/types';

export interface ConnectorCheck {
  connector: string;
  ok: boolean;
  detail: string;
}

const PROBES: Indicator[] = [
  { type: 'ip', value: '8.8.8.8' },
  { type: 'domain', value: 'example.com' },
];
const TIMEOUT_MS = 15_000;

async function probe(connector: string, call: () => Promise<string>): Promise<ConnectorCheck> {
  try {
    return { connector, ok: true, detail: await call() };
  } catch (err) {
    return { connector, ok: false, detail: ((err as Error).message || String(err)).replace(/\s+/g, ' ').slice(0, 300) };
  }
}

function pollerAuthorization(
  p: { apiKeyEnv?: string; basicAuthEnv?: string },
  env: Record<string, string | undefined>,
): string | undefined {
  if (p.apiKeyEnv && env[p.apiKeyEnv]) return `ApiKey ${env[p.apiKeyEnv]}`;
  if (p.basicAuthEnv && env[p.basicAuthEnv]) return `Basic ${Buffer.from(env[p.basicAuthEnv]!).toString('base64')}`;
  return undefined;
}

export async function checkConnectors(env: Record<string, string | undefined>): Promise<ConnectorCheck[]> {
  const checks: Promise<ConnectorCheck>[] = [];
  for (const { provider } of intelProvidersFromEnv(env)) {
    const indicator = PROBES.find((i) => provider.supports(i))!;
    checks.push(
      probe(provider.name, async () => {
        const v = await provider.lookup(indicator, TIMEOUT_MS);
        return `looked up ${indicator.type} ${indicator.value}: ${v.verdict}`;
      }),
    );
  }
  for (const connector of Object.values(edrConnectorsFromEnv(env))) {
    if (connector) checks.push(probe(connector.name, () => connector.checkAccess(AbortSignal.timeout(TIMEOUT_MS))));
  }
  for (const p of loadPollers(env.AUTOSOC_POLLERS_FILE)) {
    checks.push(
      probe(`poller ${p.name}`, async () => {
        const hits = await searchPage({
          url: p.url,
          index: p.index,
          size: 1,
          sort: pollerSort(p),
          query: p.query,
          authorization: pollerAuthorization(p, env),
          timeoutMs: TIMEOUT_MS,
        });
        return `searched ${p.index}: ${hits.length ? 'documents found' : 'no documents yet'}`;
      }),
    );
  }
  if (env.OPENAI_API_KEY) {
    const model = env.OPENAI_MODEL || 'gpt-4o-mini';
    checks.push(
      probe('openai', async () => {
        const client = new OpenAI({
          apiKey: env.OPENAI_API_KEY,
          baseURL: env.OPENAI_BASE_URL || undefined,
          timeout: TIMEOUT_MS,
          maxRetries: 0,
        });
        await client.models.retrieve(model);
        return `model ${model} available`;
      }),
    );
  }
  const results = await Promise.all(checks);
  for (const [name, url] of [
    ['webhook', env.AUTOSOC_NOTIFY_WEBHOOK_URL],
    ['slack', env.AUTOSOC_SLACK_WEBHOOK_URL],
  ] as const) {
    if (url) results.push({ connector: name, ok: true, detail: 'configured; not called (a POST would notify)' });
  }
  return results;
}
