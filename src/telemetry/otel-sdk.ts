// Tracing switched on (loaded by installTracing only): the global tracer provider with the W3C
// propagator and AsyncLocalStorage context, spans batched out over OTLP/HTTP (JSON), and
// Temporal's OpenTelemetry interceptors (@temporalio/interceptors-opentelemetry, the SDK's
// version): on clients, the span of each start, signal or update goes in the workflow's
// headers; on workers, the workflow module (src/workflows/tracing-interceptors.ts, bundled in:
// see workflowSource in worker.ts) opens RunWorkflow and a span per command and hands finished
// spans to the `exporter` sink; activities open RunActivity under the span their headers carry.
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import { installRequestSpans, runInRequestSpan } from './http-spans';
import type { Tracing } from './tracing-types';

export function startTracing(tracesUrl: string, serviceName: string): Tracing {
  const resource = new Resource({ 'service.name': serviceName });
  // Headers (OTEL_EXPORTER_OTLP_HEADERS) and timeouts are read by the exporter itself.
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl }));
  const provider = new BasicTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register({ contextManager: new AsyncLocalStorageContextManager(), propagator: new W3CTraceContextPropagator() });
  return {
    spanProcessor,
    clientInterceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] },
    worker: {
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
      sinks: { exporter: makeWorkflowExporter(spanProcessor, resource) },
    },
    requests: { install: installRequestSpans, run: runInRequestSpan },
    shutdown: () => provider.shutdown(),
  };
}
