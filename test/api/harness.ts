// The whole stack behind the API, real components only: a Temporal dev server, the real worker
// (src/worker.ts) on a task queue of its own, PostgreSQL, the real IngestService and the API.
// Correlation is off so that every accepted alert starts its own alert workflow.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { buildApiServer } from '../../src/api/server';
import type { Config } from '../../src/config';
import { DEFAULT_CORRELATION } from '../../src/domain/correlation';
import { IngestService } from '../../src/ingest/ingest-service';
import { SecretBox } from '../../src/store/secret-box';
import { DecisionSigner } from '../../src/security/decision-signer';
import { dataConverterFor } from '../../src/temporal/client';
import { createWorker } from '../../src/worker';
import { SAMPLES_DIR } from '../helpers/alerts';
import { openTestDatabase, type TestDatabase } from '../helpers/database';
import { devServerEnv, uniqueSuffix } from '../helpers/temporal';
import { waitFor } from '../helpers/wait';
import type { IngestLimits } from '../../src/api/ingest-limits';
import { testConfig } from '../helpers/config';

// app.inject() loads light-my-request, which requires cookie@2: an ES module that jest's
// CommonJS module runtime cannot load. Node (>= 20.19) loads it natively, so jest is handed
// Node's own copy of the real module (not a stand-in).
jest.mock('cookie', () => process.getBuiltinModule('node:module').createRequire(__filename)('cookie'));

export interface ApiHarness {
  run: string;
  config: Config;
  env: TestWorkflowEnvironment;
  client: Client;
  db: TestDatabase;
  worker: Worker;
  ingest: IngestService;
  app: FastifyInstance;
  /** The key the harness's API opens sealed HMAC secrets with. */
  secrets: SecretBox;
  close(): Promise<void>;
}

export async function startApiHarness(
  prefix: string,
  opts: { adminToken?: string; env?: Record<string, string>; ingestLimits?: IngestLimits } = {},
): Promise<ApiHarness> {
  const run = uniqueSuffix();
  const config = testConfig({ ...opts.env, TEMPORAL_TASK_QUEUE: `${prefix}-${run}` });
  const [env, db] = await Promise.all([devServerEnv(), openTestDatabase()]);
  const worker = await createWorker(config, db.pool, env.nativeConnection, env.client);
  const running = worker.run();
  const ingest = new IngestService({
    db: db.pool,
    client: env.client,
    taskQueue: config.temporal.taskQueue,
    policy: config.policy,
    correlation: { ...DEFAULT_CORRELATION, keys: [] },
  });
  const secrets = new SecretBox(randomBytes(32));
  const app = buildApiServer({
    db: db.pool,
    ingest,
    maxBodyBytes: config.api.maxBodyBytes,
    adminToken: opts.adminToken,
    secrets,
    ingestLimits: opts.ingestLimits,
    signer: new DecisionSigner(config.security.decisionKeys),
    codec: {
      codec: dataConverterFor(config).payloadCodecs![0],
      uiOrigin: config.security.codecUiOrigin,
      uiSecret: config.security.payloadKeys[0].key,
    },
  });
  await app.ready();
  return {
    run,
    config,
    env,
    client: env.client,
    db,
    worker,
    ingest,
    app,
    secrets,
    async close() {
      await app.close();
      worker.shutdown();
      await running;
      await env.teardown();
      await db.close();
    },
  };
}

/** A sample alert (samples/alerts) as a JSON object, with overrides (e.g. a unique sourceId). */
export function sample(file: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...JSON.parse(readFileSync(join(SAMPLES_DIR, file), 'utf8')), ...overrides };
}

export async function workflowExists(client: Client, workflowId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/** Every workflow run visibility lists on the task queue (eventually consistent). */
export async function listQueue(client: Client, taskQueue: string): Promise<{ workflowId: string; runId: string }[]> {
  const runs: { workflowId: string; runId: string }[] = [];
  for await (const w of client.workflow.list({ query: `TaskQueue="${taskQueue}"` }))
    runs.push({ workflowId: w.workflowId, runId: w.runId });
  return runs;
}

/** Runs of one workflow id, once visibility lists at least one. */
export function runsOf(client: Client, workflowId: string) {
  return waitFor(
    async () => {
      const runs: string[] = [];
      for await (const w of client.workflow.list({ query: `WorkflowId="${workflowId}"` })) runs.push(w.runId);
      return runs;
    },
    (runs) => runs.length > 0,
    `visibility to list ${workflowId}`,
  );
}
