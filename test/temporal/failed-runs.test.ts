// `autosoc runs --failed` on the dev server: a failed workflow with its error, a running one
// whose activity keeps retrying with its attempt and last failure, never a healthy one; each
// with its Temporal Web UI link, through the API and the CLI.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import '../api/harness'; // app.inject() needs its CommonJS stand-in for cookie@2
import { buildApiServer } from '../../src/api/server';
import { run as cli } from '../../src/cli/main';
import { loadConfig, workflowUiLink } from '../../src/config';
import { DEFAULT_CORRELATION } from '../../src/domain/correlation';
import { IngestService } from '../../src/ingest/ingest-service';
import { createApiToken } from '../../src/store/api-tokens';
import { listFailedRuns } from '../../src/temporal/failed-runs';
import { openTestDatabase, type TestDatabase } from '../helpers/database';
import { testDataConverter } from '../helpers/security';
import { devServerEnv, uniqueSuffix } from '../helpers/temporal';
import { waitFor } from '../helpers/wait';
import { failsWorkflow, fineWorkflow, retriesWorkflow } from './failing-workflows';

let env: TestWorkflowEnvironment;
let db: TestDatabase;
let worker: Worker;
let running: Promise<void>;
let app: FastifyInstance;
let token: string;
const run = uniqueSuffix();
const taskQueue = `failed-runs-${run}`;
const config = loadConfig({ TEMPORAL_TASK_QUEUE: taskQueue });
const link = (id: string) => workflowUiLink(config, id);

beforeAll(async () => {
  [env, db] = await Promise.all([devServerEnv(), openTestDatabase()]);
  let calls = 0;
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('./failing-workflows'),
    dataConverter: testDataConverter,
    activities: {
      flakyUpstream: async () => {
        calls += 1;
        throw new Error(`upstream answered 503 (call ${calls})`);
      },
    },
  });
  running = worker.run();
  for (const [wf, id] of [
    [failsWorkflow, `fails-${run}`],
    [retriesWorkflow, `retries-${run}`],
    [fineWorkflow, `fine-${run}`],
  ] as const) {
    await env.client.workflow.start(wf, { taskQueue, workflowId: id });
  }
  await env.client.workflow.getHandle(`fine-${run}`).result();
  const ingest = new IngestService({ db: db.pool, client: env.client, taskQueue, policy: config.policy, correlation: DEFAULT_CORRELATION });
  app = buildApiServer({ db: db.pool, ingest, client: env.client, workflowLink: link, maxBodyBytes: 1024 });
  await app.ready();
  token = await createApiToken(db.pool, { name: `runs-${run}`, roles: ['engineer'] });
});
afterAll(async () => {
  await app?.close();
  worker?.shutdown();
  await running;
  await env?.teardown();
  await db?.close();
});

test('failed and retrying runs, with the last error and the UI link; a healthy run is not listed', async () => {
  const runs = await waitFor(
    () => listFailedRuns(env.client, { link }),
    (r) => r.some((x) => x.workflowId === `fails-${run}`) && r.some((x) => x.workflowId === `retries-${run}`),
    'the failed run in visibility and the activity past its third attempt',
  );
  const failed = runs.find((r) => r.workflowId === `fails-${run}`)!;
  expect(failed).toMatchObject({
    workflowType: 'failsWorkflow',
    status: 'FAILED',
    error: 'mapper refused the input <script>x</script>',
    link: link(`fails-${run}`),
  });
  const retrying = runs.find((r) => r.workflowId === `retries-${run}`)!;
  expect(retrying).toMatchObject({
    workflowType: 'retriesWorkflow',
    status: 'RETRYING',
    activity: 'flakyUpstream',
    link: link(`retries-${run}`),
  });
  expect(retrying.attempt).toBeGreaterThanOrEqual(3);
  expect(retrying.error).toMatch(/^upstream answered 503 \(call \d+\)$/);
  expect(runs.some((r) => r.workflowId === `fine-${run}`)).toBe(false);
  // Below the threshold nothing counts as retrying: a run whose activity is on attempt N is listed only from N.
  const strict = await listFailedRuns(env.client, { retryingFromAttempt: 1_000_000 });
  expect(strict.some((r) => r.status === 'RETRYING')).toBe(false);
});

test('autosoc runs --failed prints them through the API; an ingest token may not read them', async () => {
  const apiUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: (t: string) => {
      stdout += t;
    },
    stderr: (t: string) => {
      stderr += t;
    },
    env: { AUTOSOC_API_URL: apiUrl, AUTOSOC_API_TOKEN: token },
  };
  expect(await cli(['runs', '--failed'], io)).toBe(0);
  const lines = stdout.split('\n');
  expect(lines[0]).toMatch(/^STATUS\s+TYPE\s+WORKFLOW\s+LAST ERROR\s+LINK$/);
  expect(lines.find((l) => l.includes(`fails-${run}`))).toMatch(
    new RegExp(
      `^FAILED\\s+failsWorkflow\\s+fails-${run}\\s+mapper refused the input <script>x</script>\\s+${link(`fails-${run}`).replace(/[.?]/g, '\\$&')}$`,
    ),
  );
  expect(lines.find((l) => l.includes(`retries-${run}`))).toMatch(/^RETRYING flakyUpstream #\d+\s+retriesWorkflow\s+/);
  stdout = '';
  expect(await cli(['--json', 'runs', '--failed'], io)).toBe(0);
  expect(JSON.parse(stdout).runs.find((r: { workflowId: string }) => r.workflowId === `fails-${run}`).status).toBe('FAILED');
  expect(await cli(['runs'], io)).toBe(1);
  expect(stderr).toContain('say which runs: --failed');
  const ingestOnly = await createApiToken(db.pool, { name: `runs-ingest-${run}`, roles: ['ingest'], anySource: true });
  expect((await app.inject({ method: 'GET', url: '/v1/runs/failed', headers: { authorization: `Bearer ${ingestOnly}` } })).statusCode).toBe(
    403,
  );
});
