// What an installed tracing gives a process (tracing.ts installs it, otel-sdk.ts builds it).
import type { ClientInterceptors } from '@temporalio/client';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export interface Tracing {
  spanProcessor: SpanProcessor;
  /** Temporal's OpenTelemetry interceptors for clients (temporalClient). */
  clientInterceptors: ClientInterceptors;
  /** What a worker adds: activity interceptors and the sink workflow spans leave through. */
  worker: { activity: ActivityInterceptorsFactory[]; sinks: InjectedSinks<OpenTelemetrySinks> };
  /** API request spans (src/telemetry/http-spans.ts). */
  requests: { install(app: FastifyInstance): void; run<T>(request: FastifyRequest, fn: () => T): T };
  /** Sends what is still batched, then stops exporting. */
  shutdown(): Promise<void>;
}
