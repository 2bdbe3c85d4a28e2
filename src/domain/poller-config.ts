// Pollers pull alerts from search APIs on a schedule: what one poller is (the workflow, the
// page activity and the ingest tier share it). Defined in a JSON file (AUTOSOC_POLLERS_FILE,
// read by ingest/pollers/load-pollers.ts); secrets are named by environment variable, never
// written down, so they stay out of workflow history too.
import { z } from 'zod';

export const PollerKind = z.enum(['elasticsearch', 'wazuh-indexer']);

/**
 * Why `_id` is no tiebreaker: since Elasticsearch 8.0 sorting on `_id` needs fielddata, which
 * `indices.id_field_data.enabled=false` (the default) refuses with a 400 "Fielddata access on
 * the _id field is disallowed" (elastic/elasticsearch#49166).
 */
const TIEBREAKER_HELP =
  'the tiebreaker must be a unique keyword field of every document (kibana.alert.uuid in .alerts-security.*, event.id elsewhere, id in wazuh-alerts-*); ' +
  '_id cannot be sorted on since Elasticsearch 8 (indices.id_field_data.enabled=false answers 400 "Fielddata access on the _id field is disallowed")';

/** Elastic's detection rules look back 1 minute by default; five covers a slow refresh or ingest pipeline. */
export const DEFAULT_LOOKBACK_MS = 5 * 60_000;

export const PollerConfig = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'names are short lower-case slugs'),
  kind: PollerKind,
  /** Base URL of the Elasticsearch/OpenSearch-compatible API, e.g. https://es.example:9200 */
  url: z.url(),
  /** Index or pattern, e.g. ".alerts-security.alerts-default" or "wazuh-alerts-*". */
  index: z.string().min(1),
  /** Optional query DSL object (default: match_all). */
  query: z.record(z.string(), z.unknown()).optional(),
  /**
   * The unique keyword field that breaks ties between documents of the same timestamp in the
   * search_after sort (default: see defaultTiebreaker).
   */
  tiebreaker: z
    .string()
    .min(1)
    .refine((f) => f !== '_id' && f !== '_uid', TIEBREAKER_HELP)
    .optional(),
  /**
   * Every poll that has caught up re-reads this window before its cursor, so an alert indexed
   * late with an older timestamp still arrives (dedup by workflow id makes the re-read
   * harmless). 0 turns it off; unset, DEFAULT_LOOKBACK_MS.
   */
  lookbackMs: z
    .number()
    .int()
    .min(0)
    .max(24 * 3600_000)
    .optional(),
  intervalMs: z.number().int().min(1_000).default(30_000),
  /** A page whose worker stops heartbeating this long is retried on another worker. */
  heartbeatTimeoutMs: z.number().int().min(1_000).default(30_000),
  batchSize: z.number().int().min(1).max(1_000).default(100),
  /** Environment variable holding an API key (sent as "ApiKey <key>") or "user:password" (basic). */
  apiKeyEnv: z.string().optional(),
  basicAuthEnv: z.string().optional(),
  /** PEM file of the CA that signed the server's certificate (the Wazuh indexer's own, self-signed CA). */
  caFile: z.string().min(1).optional(),
});
export type PollerConfig = z.infer<typeof PollerConfig>;

/** The tiebreaker used when none is configured. */
export function defaultTiebreaker(p: Pick<PollerConfig, 'kind' | 'index'>): string {
  if (p.kind === 'wazuh-indexer') return 'id';
  return p.index.startsWith('.alerts-security') ? 'kibana.alert.uuid' : 'event.id';
}

export const timeField = (kind: PollerConfig['kind']) => (kind === 'wazuh-indexer' ? 'timestamp' : '@timestamp');

/** Sort order for search_after: the time field plus a unique keyword tiebreaker. */
export function pollerSort(p: Pick<PollerConfig, 'kind' | 'index' | 'tiebreaker'>): Record<string, 'asc'>[] {
  return [{ [timeField(p.kind)]: 'asc' }, { [p.tiebreaker ?? defaultTiebreaker(p)]: 'asc' }];
}

export const formatOf = (kind: PollerConfig['kind']) => (kind === 'wazuh-indexer' ? 'wazuh' : 'ecs') as 'wazuh' | 'ecs';
