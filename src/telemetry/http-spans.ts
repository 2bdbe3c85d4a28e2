// One SERVER span per API request while tracing is on: it continues a caller's W3C
// `traceparent`, is named by the route (never the raw URL, which can hold ids), and ends with
// the status code. runInRequestSpan runs work (an ingest) inside it, so the workflows that work
// starts join the request's trace. Loaded with the rest of tracing (otel-sdk.ts), only when on.
import { context, propagation, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const spans = new WeakMap<FastifyRequest, Span>();
const tracer = () => trace.getTracer('autosoc-api');

export function installRequestSpans(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const parent = propagation.extract(context.active(), request.headers);
    const route = request.routeOptions.url ?? 'unknown route';
    spans.set(
      request,
      tracer().startSpan(
        `${request.method} ${route}`,
        {
          kind: SpanKind.SERVER,
          attributes: { 'http.request.method': request.method, 'http.route': route },
        },
        parent,
      ),
    );
  });
  app.addHook('onResponse', async (request, reply) => {
    const span = spans.get(request);
    if (!span) return;
    span.setAttribute('http.response.status_code', reply.statusCode);
    if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
}

/** Runs fn in the request's span context (just runs it when the request has no span). */
export function runInRequestSpan<T>(request: FastifyRequest, fn: () => T): T {
  const span = spans.get(request);
  return span ? context.with(trace.setSpan(context.active(), span), fn) : fn();
}
