// One poller page (the real pollSearchPage activity in Temporal's activity harness, a real
// IngestService on the dev server and the test database) against a local server that answers
// as Elasticsearch 8 does: sorting on _id is a 400, date sort values are epoch milliseconds.
import { MockActivityEnvironment, type TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { pollSearchPage, type PollPageInput, type PollPageResult } from '../../src/activities/poll-search';
import type { ActivityDeps } from '../../src/activities/deps';
import { searchPage } from '../../src/connectors/search-api';
import { DEFAULT_CORRELATION } from '../../src/domain/correlation';
import { DEFAULT_POLICY } from '../../src/domain/policy';
import { IngestService } from '../../src/ingest/ingest-service';
import { PollerConfig } from '../../src/domain/poller-config';
import { openTestDatabase, type TestDatabase } from '../helpers/database';
import { makeTestCa } from '../helpers/test-ca';
import { devServerEnv, uniqueSuffix } from '../helpers/temporal';
import { SearchApiServer, type StoredDoc } from '../servers/search-api-server';

const run = uniqueSuffix();
const INDEX = '.alerts-security.alerts-default';
const at = (second: number) => new Date(Date.UTC(2026, 10, 20, 8, 0, second)).toISOString();
const alertDoc = (i: number, time: string): StoredDoc => ({
  _id: `doc-${run}-${i}`,
  _source: {
    '@timestamp': time,
    'kibana.alert.uuid': `uuid-${run}-${i}`,
    'kibana.alert.rule.name': 'Unusual parent-child process',
    'kibana.alert.rule.uuid': 'rule-1',
    'kibana.alert.severity': 'low',
    'kibana.alert.risk_score': 21,
    'event.kind': 'signal',
    'host.name': `ws-${i}`,
  },
});

let tenv: TestWorkflowEnvironment;
let db: TestDatabase;
let deps: ActivityDeps;

beforeAll(async () => {
  [tenv, db] = await Promise.all([devServerEnv(), openTestDatabase()]);
  const ingest = new IngestService({
    db: db.pool,
    client: tenv.client,
    taskQueue: `poll-page-${run}`,
    policy: DEFAULT_POLICY,
    correlation: { ...DEFAULT_CORRELATION, keys: [] },
  });
  deps = { ingest } as unknown as ActivityDeps; // pollSearchPage uses only ingest
});
afterAll(async () => {
  await tenv?.teardown();
  await db?.close();
});

const page = (input: PollPageInput) =>
  new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') }).run(pollSearchPage, deps, input) as Promise<PollPageResult>;

test('the local server refuses an _id sort as Elasticsearch 8 does', async () => {
  const server = new SearchApiServer(new Map([[INDEX, [alertDoc(0, at(0))]]]));
  const url = await server.start();
  try {
    const err = await searchPage({ url, index: INDEX, size: 5, sort: [{ '@timestamp': 'asc' }, { _id: 'asc' }] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, message: expect.stringContaining('"type":"search_phase_execution_exception"') });
    expect((err as Error).message).toContain('Fielddata access on the _id field is disallowed');
  } finally {
    await server.stop();
  }
});

test('pages the Elastic alerts index by @timestamp and kibana.alert.uuid, dates as epoch millis', async () => {
  const docs = Array.from({ length: 7 }, (_, i) => alertDoc(i, at(Math.floor(i / 2)))); // pairs share a timestamp
  const server = new SearchApiServer(new Map([[INDEX, docs]]));
  const poller = PollerConfig.parse({
    name: `es-${run}`,
    kind: 'elasticsearch',
    url: await server.start(),
    index: INDEX,
    batchSize: 3,
    lookbackMs: 0,
  });
  try {
    const first = await page({ poller });
    expect(first).toMatchObject({ fetched: 3, accepted: 3, rejected: 0, cursor: [Date.parse(at(1)), `uuid-${run}-2`] });
    const second = await page({ poller, cursor: first.cursor });
    const third = await page({ poller, cursor: second.cursor });
    expect([second.accepted, third.fetched, third.accepted]).toEqual([3, 1, 1]);
    expect(server.requests[0].body.sort).toEqual([{ '@timestamp': 'asc' }, { 'kibana.alert.uuid': 'asc' }]);
  } finally {
    await server.stop();
  }
});

test('a caught-up poll re-reads the lookback window and picks up an alert indexed late', async () => {
  const server = new SearchApiServer(new Map([[INDEX, [alertDoc(100, at(10)), alertDoc(101, at(20))]]]));
  const url = await server.start();
  const poller = PollerConfig.parse({ name: `late-${run}`, kind: 'elasticsearch', url, index: INDEX, batchSize: 5, lookbackMs: 60_000 });
  try {
    const first = await page({ poller });
    expect(first).toMatchObject({ fetched: 2, accepted: 2, late: 0, reread: 2 }); // the re-read finds only duplicates
    server.index(INDEX, alertDoc(102, at(15))); // indexed after the cursor passed 08:00:20
    const second = await page({ poller, cursor: first.cursor });
    expect(second).toMatchObject({ fetched: 0, accepted: 0, late: 1, reread: 3, cursor: first.cursor });
    // The late alert's workflow now exists: re-reading again finds only duplicates.
    expect(await page({ poller, cursor: first.cursor })).toMatchObject({ late: 0, reread: 3 });

    // Without a lookback, search_after alone skips it for ever.
    server.index(INDEX, alertDoc(103, at(16)));
    const none = await page({ poller: { ...poller, lookbackMs: 0 }, cursor: first.cursor });
    expect(none).toMatchObject({ fetched: 0, accepted: 0 });
    expect(none.late).toBeUndefined();
  } finally {
    await server.stop();
  }
});

test('config validation refuses _id as tiebreaker and says why', () => {
  const bad = PollerConfig.safeParse({
    name: 'es',
    kind: 'elasticsearch',
    url: 'https://es.example:9200',
    index: 'logs-*',
    tiebreaker: '_id',
  });
  expect(bad.success).toBe(false);
  expect(bad.error?.issues[0].message).toMatch(/unique keyword field.*event\.id.*indices\.id_field_data\.enabled/);
});

test('the Wazuh indexer over TLS with its own CA: trusted through caFile, refused without', async () => {
  const ca = makeTestCa();
  const index = 'wazuh-alerts-4.x-2026.11.20';
  const server = new SearchApiServer(
    new Map([
      [
        index,
        [
          {
            _id: `w-${run}`,
            _source: {
              timestamp: '2026-11-20T09:00:00.000+0000',
              id: `${run}.1`,
              rule: { level: 10, description: 'sshd: brute force', id: '5712' },
              agent: { id: '001', name: 'web-1' },
            },
          },
        ],
      ],
    ]),
    { tls: { key: ca.key, cert: ca.cert } },
  );
  const url = await server.start();
  try {
    const poller = PollerConfig.parse({ name: `wazuh-${run}`, kind: 'wazuh-indexer', url, index, caFile: ca.caFile, lookbackMs: 0 });
    expect(await page({ poller })).toMatchObject({ fetched: 1, accepted: 1, cursor: [Date.parse('2026-11-20T09:00:00.000Z'), `${run}.1`] });
    await expect(page({ poller: { ...poller, caFile: undefined } })).rejects.toThrow(/network error|certificate/i);
  } finally {
    await server.stop();
  }
});
