// The metrics operators scrape (Prometheus text format, prom-client): one registry per process,
// served by the API (GET /metrics) and by each worker (metrics/server.ts). Counters are bumped
// where the work happens (ingest, activities, analyzers, connectors), so a process reports what
// it did itself; the API also reports what awaits an analyst, counted from the store per scrape.
// Temporal's own SDK metrics are exported by its runtime on a port of their own (worker.ts).
import type { Pool } from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { countOpenCasesByTier } from '../store/cases';

export const registry = new Registry();
// The process's own health (CPU, memory, event-loop lag, handles), named as prom-client names them.
collectDefaultMetrics({ register: registry });

/**
 * Label values that come from alerts (a source name) are untrusted: cut to 64 characters, and
 * past MAX_DISTINCT values per label, reported as "other", so a hostile sender cannot grow the
 * series without bound.
 */
const MAX_DISTINCT = 200;
const seen = new Map<string, Set<string>>();
export function boundedLabel(label: string, value: string | undefined): string {
  const v = (value ?? 'unknown').slice(0, 64) || 'unknown';
  const values = seen.get(label) ?? seen.set(label, new Set()).get(label)!;
  if (values.has(v)) return v;
  if (values.size >= MAX_DISTINCT) return 'other';
  values.add(v);
  return v;
}

export const ingestedAlerts = new Counter({
  name: 'autosoc_ingested_alerts_total',
  help: 'Alerts that reached the ingest service, by source, format and result (accepted, duplicate, correlated, suppressed, rejected)',
  labelNames: ['source', 'format', 'result'] as const,
  registers: [registry],
});

export const slaBreaches = new Counter({
  name: 'autosoc_sla_breaches_total',
  help: 'Analyst tiers that did not answer within their SLA, by the tier that breached',
  labelNames: ['tier'] as const,
  registers: [registry],
});

export const dispositions = new Counter({
  name: 'autosoc_dispositions_total',
  help: 'Triage outcomes (first triage and re-triage), by disposition and verdict',
  labelNames: ['disposition', 'verdict'] as const,
  registers: [registry],
});

export const analystDecisions = new Counter({
  name: 'autosoc_analyst_decisions_total',
  help: 'Decisions that ended an analyst wait (a close or the approval meeting the quorum), by action',
  labelNames: ['action'] as const,
  registers: [registry],
});

export const analyzerDuration = new Histogram({
  name: 'autosoc_analyzer_duration_seconds',
  help: 'Time each analyzer took, errors and timeouts included',
  labelNames: ['analyzer'] as const,
  buckets: [0.005, 0.025, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers: [registry],
});

export const analyzerErrors = new Counter({
  name: 'autosoc_analyzer_errors_total',
  help: 'Analyzers that threw or ran out of time (their finding carries the error)',
  labelNames: ['analyzer'] as const,
  registers: [registry],
});

export const activityRetryAlarms = new Counter({
  name: 'autosoc_activity_retry_alarms_total',
  help: 'Failed activity attempts at or past the retry alarm (activities/retry-alarm.ts), by activity',
  labelNames: ['activity'] as const,
  registers: [registry],
});

export const llmAssessmentFailures = new Counter({
  name: 'autosoc_llm_assessment_failures_total',
  help: 'LLM assessments that failed and fell back to the deterministic one',
  registers: [registry],
});

export const connectorCalls = new Counter({
  name: 'autosoc_connector_calls_total',
  help: 'HTTP requests to other systems (connectors/http.ts), by vendor',
  labelNames: ['vendor'] as const,
  registers: [registry],
});

export const connectorFailures = new Counter({
  name: 'autosoc_connector_failures_total',
  help: 'HTTP requests to other systems that failed (timeout, network, too large, a failing status), by vendor and kind',
  labelNames: ['vendor', 'kind'] as const,
  registers: [registry],
});

const AWAITING = 'autosoc_alerts_awaiting_analyst';
/**
 * autosoc_alerts_awaiting_analyst, counted from the store's open cases at each scrape, by tier.
 * Registered by the API, the process that answers analysts.
 */
export function registerAwaitingAnalyst(db: Pool): void {
  registry.removeSingleMetric(AWAITING); // a second API in the process (tests) counts from its own store
  const gauge: Gauge<'tier'> = new Gauge({
    name: AWAITING,
    help: 'Open cases waiting for an analyst, by the tier that holds them',
    labelNames: ['tier'] as const,
    registers: [registry],
    async collect() {
      const open = await countOpenCasesByTier(db);
      gauge.reset();
      for (const r of open) gauge.set({ tier: boundedLabel('tier', r.tier) }, r.count);
    },
  });
}

export const metricsContentType = registry.contentType;
export const metricsText = (): Promise<string> => registry.metrics();
