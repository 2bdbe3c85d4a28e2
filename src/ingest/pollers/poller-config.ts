// Pollers pull alerts from search APIs on a schedule. Defined in a JSON file
// (AUTOSOC_POLLERS_FILE); secrets are named by environment variable, never written down,
// so they stay out of workflow history too.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const PollerKind = z.enum(['elasticsearch', 'wazuh-indexer']);

export const PollerConfig = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'names are short lower-case slugs'),
  kind: PollerKind,
  /** Base URL of the Elasticsearch/OpenSearch-compatible API, e.g. https://es.example:9200 */
  url: z.url(),
  /** Index or pattern, e.g. ".alerts-security.alerts-default" or "wazuh-alerts-*". */
  index: z.string().min(1),
  /** Optional query DSL object (default: match_all). */
  query: z.record(z.string(), z.unknown()).optional(),
  intervalMs: z.number().int().min(1_000).default(30_000),
  /** A page whose worker stops heartbeating this long is retried on another worker. */
  heartbeatTimeoutMs: z.number().int().min(1_000).default(30_000),
  batchSize: z.number().int().min(1).max(1_000).default(100),
  /** Environment variable holding an API key (sent as "ApiKey <key>") or "user:password" (basic). */
  apiKeyEnv: z.string().optional(),
  basicAuthEnv: z.string().optional(),
});
export type PollerConfig = z.infer<typeof PollerConfig>;

/** Sort order for search_after: a time field plus a unique tie-breaker. */
export function pollerSort(kind: PollerConfig['kind']): Record<string, 'asc'>[] {
  return kind === 'wazuh-indexer' ? [{ timestamp: 'asc' }, { id: 'asc' }] : [{ '@timestamp': 'asc' }, { _id: 'asc' }];
}

export const formatOf = (kind: PollerConfig['kind']) => (kind === 'wazuh-indexer' ? 'wazuh' : 'ecs') as 'wazuh' | 'ecs';

export function loadPollers(file: string | undefined): PollerConfig[] {
  if (!file) return [];
  const parsed = z.array(PollerConfig).safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(`AUTOSOC_POLLERS_FILE ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}
