// OpenTelemetry traces across ingest -> workflow -> activities: the real API (over HTTP), the
// real IngestService and worker (src/worker.ts) on the dev server, PostgreSQL, and a local
// OTLP/HTTP receiver (test/servers/otlp-server.ts) decoding what the exporter really sends. A
// caller's W3C traceparent is continued; one trace holds the HTTP request, StartWorkflow,
// RunWorkflow (exported from the workflow sandbox through the sink) and RunActivity spans.
// Off (no endpoint), nothing is installed. The workflow code with the tracing interceptors
// still replays every recorded history, and a traced run replays without them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { buildApiServer } from '../../src/api/server';
import { loadConfig } from '../../src/config';
import { testConfig } from '../helpers/config';
import { IngestService } from '../../src/ingest/ingest-service';
import { temporalClient } from '../../src/temporal/client';
import { activeTracing, installTracing, type Tracing, WORKFLOW_TRACING_MODULE } from '../../src/telemetry/tracing';
import { createWorker, workflowSource } from '../../src/worker';
import { SAMPLES_DIR } from '../helpers/alerts';
import { openTestDatabase, type TestDatabase } from '../helpers/database';
import { loadHistories } from '../helpers/histories';
import { testDataConverter } from '../helpers/security';
import { devServerEnv, uniqueSuffix } from '../helpers/temporal';
import { waitFor } from '../helpers/wait';
import { OtlpServer, type ReceivedSpan } from '../servers/otlp-server';

const run = uniqueSuffix();
const ADMIN = `admin-${run}`;
// The caller's trace: W3C traceparent version 00, trace id, parent span id, sampled.
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
let otlp: OtlpServer;
let tracing: Tracing;
let db: TestDatabase;
let env: TestWorkflowEnvironment;
let client: Client;
let worker: Worker;
let working: Promise<void>;
let app: FastifyInstance;
let base: string;

describe('tracing off (no OTLP endpoint)', () => {
  it('installs nothing: no tracer, no client or worker interceptors, the plain workflow code', () => {
    const config = loadConfig({});
    expect(config.tracing.tracesUrl).toBeUndefined();
    expect(installTracing(config)).toBeUndefined();
    expect(activeTracing()).toBeUndefined();
    // The plain workflow code: a bundle without the tracing interceptors, or the source with none.
    const plainSource = workflowSource(false);
    if ('workflowBundle' in plainSource) expect(plainSource.workflowBundle.codePath).not.toMatch(/otel/);
    else expect(plainSource.workflowModules).toEqual([]);
    const plain = temporalClient(config, {} as never);
    expect(plain.options.interceptors.workflow ?? []).toHaveLength(0);
  });

  it('reads the endpoint the OpenTelemetry way', () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing).toEqual({
      tracesUrl: 'http://collector:4318/v1/traces',
      serviceName: 'autosoc',
    });
    expect(
      loadConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:9999/custom',
        OTEL_SERVICE_NAME: 'soc-eu',
      }).tracing,
    ).toEqual({ tracesUrl: 'http://traces:9999/custom', serviceName: 'soc-eu' });
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
  });
});

describe('tracing on', () => {
  beforeAll(async () => {
    otlp = new OtlpServer();
    await otlp.start();
    const config = testConfig({
      TEMPORAL_TASK_QUEUE: `tracing-${run}`,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_SERVICE_NAME: `autosoc-${run}`,
    });
    tracing = installTracing(config)!;
    [db, env] = await Promise.all([openTestDatabase(), devServerEnv()]);
    // The one way autosoc makes clients: it now carries the tracing interceptors.
    client = temporalClient(config, env.connection);
    worker = await createWorker(config, db.pool, env.nativeConnection, client);
    working = worker.run();
    const ingest = new IngestService({
      db: db.pool,
      client,
      taskQueue: config.temporal.taskQueue,
      policy: config.policy,
      correlation: { ...loadConfig({}).correlation, keys: [] },
    });
    app = buildApiServer({ db: db.pool, ingest, client, policy: config.policy, maxBodyBytes: 1 << 20, adminToken: ADMIN });
    base = (await app.listen({ host: '127.0.0.1', port: 0 })).replace(/\/$/, '');
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    worker?.shutdown();
    await working;
    await env?.teardown();
    await db?.close();
    await tracing?.shutdown();
    await otlp?.stop();
  });

  it('one trace spans the ingest request, StartWorkflow, RunWorkflow and RunActivity', async () => {
    expect(activeTracing()).toBe(tracing);
    const alert = { ...JSON.parse(readFileSync(join(SAMPLES_DIR, '04-admin-login.json'), 'utf8')), sourceId: `login-${run}` };
    const res = await fetch(`${base}/v1/alerts`, {
      method: 'POST',
      body: JSON.stringify(alert),
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json', traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01` },
    });
    expect(res.status).toBe(202);
    const {
      results: [{ workflowId }],
    } = (await res.json()) as { results: { workflowId: string }[] };
    await client.workflow.getHandle(workflowId).result(); // the sample auto-closes: RunWorkflow has ended
    await tracing.spanProcessor.forceFlush();
    const trace = await waitFor(
      async () => otlp.spans.filter((s) => s.traceId === TRACE_ID),
      (spans) => spans.some((s) => s.name === 'RunWorkflow:alertWorkflow') && spans.some((s) => s.name.startsWith('RunActivity:')),
      'the trace to reach the receiver',
    );

    const one = (name: string) => {
      const found = trace.filter((s) => s.name === name);
      expect(found).toHaveLength(1);
      return found[0];
    };
    const request = one('POST /v1/alerts');
    expect(request).toMatchObject({
      parentSpanId: CALLER_SPAN,
      kind: 2 /* SERVER */,
      service: `autosoc-${run}`,
      attributes: { 'http.route': '/v1/alerts', 'http.response.status_code': 202 },
    });
    const start = one('StartWorkflow:alertWorkflow');
    expect(start.parentSpanId).toBe(request.spanId);
    const runWorkflow = one('RunWorkflow:alertWorkflow');
    expect(runWorkflow.parentSpanId).toBe(start.spanId);
    // Every activity ran under a StartActivity span the workflow opened under RunWorkflow.
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    const activities = trace.filter((s) => s.name.startsWith('RunActivity:'));
    expect(activities.map((s) => s.name)).toEqual(expect.arrayContaining(['RunActivity:investigate', 'RunActivity:triage']));
    for (const a of activities) {
      const scheduled = byId.get(a.parentSpanId!) as ReceivedSpan;
      expect(scheduled.name).toBe(a.name.replace('RunActivity', 'StartActivity'));
      expect(scheduled.parentSpanId).toBe(runWorkflow.spanId);
    }
    // Nothing of this run's spans went to another trace.
    expect(
      otlp.spans.filter((s) => s.service === `autosoc-${run}` && s.attributes.workflowId === workflowId && s.traceId !== TRACE_ID),
    ).toEqual([]);

    // Switching tracing off again: the traced run replays on the plain workflow code.
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    await Worker.runReplayHistory(
      { workflowsPath: require.resolve('../../src/workflows'), dataConverter: testDataConverter },
      history,
      workflowId,
    );
  }, 180_000);

  it('the workflow code with the tracing interceptors replays every recorded history', async () => {
    const histories = loadHistories();
    const failed: string[] = [];
    const results = Worker.runReplayHistories(
      {
        workflowsPath: require.resolve('../../src/workflows'),
        interceptors: { workflowModules: [WORKFLOW_TRACING_MODULE] },
        sinks: tracing.worker.sinks,
        dataConverter: testDataConverter,
      },
      histories.map((h) => ({ workflowId: h.workflowId, history: h.history })),
    );
    for await (const r of results) if (r.error) failed.push(`${r.workflowId}: ${r.error.message}`);
    expect(failed).toEqual([]);
    expect(histories.length).toBeGreaterThan(20);
  }, 300_000);
});
