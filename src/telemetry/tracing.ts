// OpenTelemetry traces across ingest -> workflow -> activities (src/telemetry/otel-sdk.ts does
// the work). Off unless an endpoint is configured, and then free: this module loads no
// OpenTelemetry code, so a process without tracing never loads the SDK, installs no
// interceptor, and its workers run the plain workflow bundle.
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config';
import type { Tracing } from './tracing-types';

export type { Tracing } from './tracing-types';

/** The workflow-side interceptors module: it must be in the bundle of a tracing worker. */
export const WORKFLOW_TRACING_MODULE = require.resolve('../workflows/tracing-interceptors');

let installed: Tracing | undefined;

/** The process's tracing, if installTracing found an endpoint. */
export const activeTracing = (): Tracing | undefined => installed;

/**
 * Installs tracing once per process (like Temporal's Runtime) when config.tracing has an
 * endpoint; call it before making Temporal clients, workers and the API, which take their
 * interceptors and hooks from activeTracing().
 */
export function installTracing(config: Pick<Config, 'tracing'>): Tracing | undefined {
  if (installed || !config.tracing.tracesUrl) return installed;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when tracing is on (the SDK and exporter take a while to load)
  const { startTracing } = require('./otel-sdk') as typeof import('./otel-sdk');
  installed = startTracing(config.tracing.tracesUrl, config.tracing.serviceName);
  return installed;
}

/** Runs fn inside the API request's span when tracing is on; else just runs it. */
export const inRequestSpan = <T>(request: FastifyRequest, fn: () => T): T => (installed ? installed.requests.run(request, fn) : fn());
