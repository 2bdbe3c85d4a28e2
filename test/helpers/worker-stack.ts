// A Temporal dev server, the real worker on the config's task queue, PostgreSQL and the real
// IngestService with the config's correlation: the one set-up of every dev-server test that
// runs the worker (e2e, ingest, report schedules).
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Config } from '../../src/config';
import { IngestService } from '../../src/ingest/ingest-service';
import { createWorker } from '../../src/worker';
import { openTestDatabase, type TestDatabase } from './database';
import { devServerEnv } from './temporal';

export interface WorkerStack {
  env: TestWorkflowEnvironment;
  db: TestDatabase;
  ingest: IngestService;
  close(): Promise<void>;
}

export async function startWorkerStack(config: Config): Promise<WorkerStack> {
  const [env, db] = await Promise.all([devServerEnv(), openTestDatabase()]);
  const worker = await createWorker(config, db.pool, env.nativeConnection, env.client);
  const running = worker.run();
  const ingest = new IngestService({
    db: db.pool,
    client: env.client,
    taskQueue: config.temporal.taskQueue,
    policy: config.policy,
    correlation: config.correlation,
  });
  return {
    env,
    db,
    ingest,
    async close() {
      worker.shutdown();
      await running;
      await env.teardown();
      await db.close();
    },
  };
}
