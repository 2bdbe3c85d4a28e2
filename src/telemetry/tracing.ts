// OpenTelemetry traces across ingest -> workflow -> activities, through Temporal's OpenTelemetry
// interceptors: the API's request span, the client's StartWorkflow span (its context travels in
// the workflow's headers), RunWorkflow inside the workflow sandbox (exported through a sink, so
// workflow code stays deterministic) and RunActivity. Spans leave over OTLP/HTTP (JSON) in
// batches. Off unless an endpoint is configured: then nothing is installed, no interceptor
// runs and the worker loads the plain workflow bundle.
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Config } from '../config';

export interface Tracing {
  resource: Resource;
  spanProcessor: SpanProcessor;
  /** Sends what is still batched, then stops exporting. */
  shutdown(): Promise<void>;
}

let installed: Tracing | undefined;

/** The process's tracing, if installTracing found an endpoint. */
export const activeTracing = (): Tracing | undefined => installed;

/**
 * Installs the global tracer provider, W3C propagator and AsyncLocalStorage context once per
 * process (like Temporal's Runtime), when config.tracing has an endpoint; call it before
 * making Temporal clients and workers, which pick their interceptors from activeTracing().
 */
export function installTracing(config: Pick<Config, 'tracing'>): Tracing | undefined {
  if (installed || !config.tracing.tracesUrl) return installed;
  const resource = new Resource({ 'service.name': config.tracing.serviceName });
  // Headers (OTEL_EXPORTER_OTLP_HEADERS) and timeouts are read by the exporter itself.
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter({ url: config.tracing.tracesUrl }));
  const provider = new BasicTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register({ contextManager: new AsyncLocalStorageContextManager(), propagator: new W3CTraceContextPropagator() });
  installed = { resource, spanProcessor, shutdown: () => provider.shutdown() };
  return installed;
}
