// The durable poller against a local server that speaks the Elasticsearch `_search` API,
// with the worker process killed (SIGKILL) in the middle of a page: every alert arrives
// exactly once, and the search_after cursor survives in workflow state.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { pollerWorkflowId, startPollers } from '../../src/ingest/pollers/start-pollers';
import { createWorker } from '../../src/worker';
import { pollerStatusQuery } from '../../src/workflows/poller-workflow';
import { openTestDatabase, type TestDatabase } from '../helpers/database';
import { devServerEnv, uniqueSuffix } from '../helpers/temporal';
import { waitFor } from '../helpers/wait';
import { saveHistory } from '../helpers/histories';
import { SearchApiServer, type StoredDoc } from '../servers/search-api-server';
import { testConfig } from '../helpers/config';

const WORKER_JS = join(__dirname, '..', '..', 'dist', 'src', 'worker.js');
const run = uniqueSuffix();
const INDEX = '.alerts-security.alerts-default';
const DOCS = 23;
// The pollers' secrets (apiKeyEnv, basicAuthEnv) reach the worker through its config.
const env = {
  TEMPORAL_TASK_QUEUE: `poller-${run}`,
  AUTOSOC_CORRELATION_KEYS: 'none',
  ELASTIC_TEST_KEY: 'test-api-key',
  WAZUH_TEST_AUTH: 'admin:admin',
};
const config = testConfig(env);

// Elastic Security alert documents, as the alerts index stores them (flattened kibana.* keys).
const docs: StoredDoc[] = Array.from({ length: DOCS }, (_, i) => ({
  _id: `doc-${run}-${String(i).padStart(3, '0')}`,
  _source: {
    '@timestamp': new Date(Date.UTC(2026, 10, 20, 8, 0, i)).toISOString(),
    'kibana.alert.uuid': `uuid-${run}-${i}`,
    'kibana.alert.rule.name': 'Unusual parent-child process',
    'kibana.alert.rule.uuid': 'rule-1',
    'kibana.alert.severity': i % 5 === 0 ? 'high' : 'low',
    'kibana.alert.risk_score': 40,
    'event.kind': 'signal',
    'host.name': `ws-${i}`,
    'process.command_line': 'cmd.exe /c whoami',
  },
}));

let tenv: TestWorkflowEnvironment;
let db: TestDatabase;
let search: SearchApiServer;
let child: ChildProcess | undefined;
let worker: Worker | undefined;
let running: Promise<void> | undefined;

beforeAll(async () => {
  if (!existsSync(WORKER_JS)) throw new Error(`${WORKER_JS} missing: run npm run build (scripts/test.sh does)`);
  [tenv, db] = await Promise.all([devServerEnv(), openTestDatabase()]);
  search = new SearchApiServer(new Map([[INDEX, docs]]));
});

afterAll(async () => {
  child?.kill('SIGKILL');
  worker?.shutdown();
  await running;
  await search?.stop();
  await tenv?.teardown();
  await db?.close();
});

test('a worker killed mid-page loses and duplicates nothing', async () => {
  const url = await search.start();
  const hold = search.hold(3); // the third page request waits: the worker dies during it

  child = spawn(process.execPath, [WORKER_JS], {
    env: { ...process.env, ...env, TEMPORAL_ADDRESS: tenv.address, DATABASE_URL: db.url },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const poller = {
    name: `es-${run}`,
    kind: 'elasticsearch' as const,
    url,
    index: INDEX,
    batchSize: 5,
    intervalMs: 1_000,
    heartbeatTimeoutMs: 2_000,
    apiKeyEnv: 'ELASTIC_TEST_KEY',
  };
  await startPollers(tenv.client, config.temporal.taskQueue, [poller]);
  await hold.arrived;
  child.kill('SIGKILL');
  await new Promise((r) => child!.once('exit', r));
  hold.release();

  // A fresh worker takes over once the dead one's heartbeat times out.
  worker = await createWorker(config, db.pool, tenv.nativeConnection, tenv.client);
  running = worker.run();

  const handle = tenv.client.workflow.getHandle(pollerWorkflowId(poller.name));
  const status = await waitFor(
    () => handle.query(pollerStatusQuery),
    (s) => s.totals.fetched - s.totals.duplicates >= DOCS,
    'the poller to fetch every document',
    90_000,
  );
  expect(status.cursor).toEqual([Date.parse(docs[DOCS - 1]._source['@timestamp'] as string), docs[DOCS - 1]._source['kibana.alert.uuid']]);
  expect(status.totals.rejected).toBe(0);

  const rows = await waitFor(
    async () =>
      (
        await db.pool.query<{ source_id: string; n: string }>(
          `SELECT source_id, count(*) AS n FROM alerts WHERE source_id LIKE $1 GROUP BY source_id`,
          [`uuid-${run}-%`],
        )
      ).rows,
    (r) => r.length === DOCS,
    'every alert to be stored',
    90_000,
  );
  expect(rows.every((r) => r.n === '1')).toBe(true);

  // Exactly one run per alert, although page 3 was fetched twice.
  const thirdPageRequests = search.requests.filter(
    (r) => JSON.stringify(r.body.search_after) === JSON.stringify(search.requests[2].body.search_after),
  );
  expect(thirdPageRequests.length).toBeGreaterThanOrEqual(2);
  const ids = new Map<string, number>();
  for await (const w of tenv.client.workflow.list({
    query: `TaskQueue = "${config.temporal.taskQueue}" AND WorkflowType = "alertWorkflow"`,
  })) {
    ids.set(w.workflowId, (ids.get(w.workflowId) ?? 0) + 1);
  }
  expect([...ids.values()].every((n) => n === 1)).toBe(true);
  expect(search.requests.every((r) => r.authorization === 'ApiKey test-api-key')).toBe(true);
  if (process.env.RECORD_HISTORIES) await saveHistory('poller-worker-killed-mid-page', handle.workflowId, await handle.fetchHistory());
});

test('the Wazuh indexer poller pages by timestamp and id and maps Wazuh alerts', async () => {
  const index = 'wazuh-alerts-4.x-2026.11.20';
  const wazuh: StoredDoc[] = Array.from({ length: 7 }, (_, i) => ({
    _id: `w-${run}-${i}`,
    _source: {
      timestamp: `2026-11-20T09:00:0${i}.000+0000`,
      id: `${run}.${i}`,
      rule: { level: 10, description: 'sshd: brute force trying to get access to the system.', id: '5712', mitre: { id: ['T1110'] } },
      agent: { id: '001', name: `web-${i}`, ip: '10.0.0.8' },
      data: { srcip: '198.51.100.9', dstuser: 'root' },
      full_log: 'sshd[1234]: Failed password for root from 198.51.100.9 port 4242 ssh2',
    },
  }));
  const server = new SearchApiServer(new Map([[index, wazuh]]));
  const url = await server.start();
  if (!worker) {
    // run on its own (jest -t), this test needs the worker the first one starts
    worker = await createWorker(config, db.pool, tenv.nativeConnection, tenv.client);
    running = worker.run();
  }
  try {
    const poller = {
      name: `wazuh-${run}`,
      kind: 'wazuh-indexer' as const,
      url,
      index,
      batchSize: 3,
      intervalMs: 1_000,
      heartbeatTimeoutMs: 5_000,
      basicAuthEnv: 'WAZUH_TEST_AUTH',
    };
    await startPollers(tenv.client, config.temporal.taskQueue, [poller]);
    const handle = tenv.client.workflow.getHandle(pollerWorkflowId(poller.name));
    const status = await waitFor(
      () => handle.query(pollerStatusQuery),
      (s) => s.totals.accepted === 7,
      'seven Wazuh alerts',
      60_000,
    );
    expect(status.cursor).toEqual([Date.parse('2026-11-20T09:00:06.000Z'), `${run}.6`]);
    expect(server.requests[0].body.sort).toEqual([{ timestamp: 'asc' }, { id: 'asc' }]);
    expect(server.requests.every((r) => r.authorization === `Basic ${Buffer.from('admin:admin').toString('base64')}`)).toBe(true);
    const row = await waitFor(
      () =>
        db.pool
          .query('SELECT severity, title FROM alerts WHERE source = $1 AND source_id = $2', ['wazuh', `${run}.3`])
          .then((r) => r.rows[0]),
      (r) => !!r,
      'a stored Wazuh alert',
    );
    expect(row).toEqual({ severity: 'high', title: 'sshd: brute force trying to get access to the system.' });
  } finally {
    await server.stop();
  }
});
