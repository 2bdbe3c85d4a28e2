// Temporal's OpenTelemetry interceptors (@temporalio/interceptors-opentelemetry, the SDK's
// version) wired to the installed tracing: on clients, the span of each start, signal or update
// goes in the workflow's headers; on workers, the workflow interceptor module
// (src/workflows/tracing-interceptors.ts, bundled in: see workflowSource in worker.ts) opens
// RunWorkflow under it and StartActivity per activity, and hands finished spans to the
// `exporter` sink; activities open RunActivity under the span their headers carry.
import {
  type OpenTelemetrySinks, makeWorkflowExporter, OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor, OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { ClientInterceptors } from '@temporalio/client';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import { activeTracing, type Tracing } from './tracing';

/** The workflow-side interceptors module: it must be in the bundle of a tracing worker. */
export const WORKFLOW_TRACING_MODULE = require.resolve('../workflows/tracing-interceptors');

/** Client interceptors when tracing is on; none otherwise. */
export function clientTracingInterceptors(): ClientInterceptors | undefined {
  return activeTracing() ? { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } : undefined;
}

export interface WorkerTracing {
  activity: ActivityInterceptorsFactory[];
  sinks: InjectedSinks<OpenTelemetrySinks>;
}

/** What a worker adds to trace its workflows and activities. */
export function workerTracing(tracing: Tracing): WorkerTracing {
  return {
    activity: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })],
    sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
  };
}
