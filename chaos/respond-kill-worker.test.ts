// kill -9 of the worker while the response saga isolates hosts at the local Falcon server (≥ 100
// alerts contained), and again while it lifts those isolations after every alert is closed as a
// false positive: each host is contained exactly once and released exactly once, counted at
// the server. Falcon isolation is asynchronous (the device reads containment_pending for a few
// polls), so the kills land on activities that sent the call and were waiting on the vendor:
// their retries must find the intent pending and ask Falcon (check) instead of calling again.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig } from '../src/config';
import type { AlertInput } from '../src/domain/alert';
import { openTestDatabase, type TestDatabase } from '../test/helpers/database';
import { devServerEnv, uniqueSuffix } from '../test/helpers/temporal';
import { waitFor } from '../test/helpers/wait';
import { FalconResponseServer } from '../test/servers/falcon-response-server';
import { decideAll, expectExactlyOnce, killHard, spawnWorker, startBatch, untilSettled, untilStage } from './harness';

const run = uniqueSuffix();
const ALERTS = 120; // every one escalates (encoded PowerShell from Word), each on a host of its own
const KILL_AFTER = 15; // vendor calls served before each kill: the kill lands mid-phase
const hostOf = (i: number) => `chaos-ws-${run}-${i}`.toLowerCase();
const falcon = new FalconResponseServer({
  clientId: 'chaos',
  clientSecret: `chaos-${run}`,
  devices: Array.from({ length: ALERTS }, (_, i) => ({ id: i.toString(16).padStart(4, '0') + 'c'.repeat(28), hostname: hostOf(i) })),
});
let tenv: TestWorkflowEnvironment;
let db: TestDatabase;
let child: ChildProcess | undefined;

beforeAll(async () => {
  await falcon.start();
  // The sensor reports contained / normal after 30 polls (6 s at 200 ms): every kill lands on
  // activities that sent their call and wait on Falcon, not yet recorded by autosoc.
  falcon.pendingReads = 30;
  [tenv, db] = await Promise.all([devServerEnv(), openTestDatabase()]);
});

afterAll(async () => {
  await killHard(child);
  await tenv?.teardown();
  await db?.close();
  await falcon.stop();
});

const rowsWith = async (ids: string[], status: string) =>
  Number(
    (await db.pool.query('SELECT count(*) FROM response_actions WHERE workflow_id = ANY($1) AND status = $2', [ids, status])).rows[0].count,
  );
const served = (verb: 'contain' | 'lift_containment') => falcon.log.filter((l) => l.verb === verb).length;
const perHost = (verb: 'contain' | 'lift_containment') => Array.from({ length: ALERTS }, (_, i) => falcon.did(verb, hostOf(i)));

test('worker killed with -9 during respond and during undo: every containment and every undo reaches Falcon exactly once', async () => {
  const policyFile = join(mkdtempSync(join(tmpdir(), 'autosoc-chaos-')), 'policy.yaml');
  writeFileSync(policyFile, 'responseConnectors:\n  isolate_host: falcon\ncontainment:\n  reviewWindow: 24h\n');
  const workerEnv = { TEMPORAL_TASK_QUEUE: `chaos-respond-${run}`, AUTOSOC_CORRELATION_KEYS: 'none', AUTOSOC_POLICY_FILE: policyFile };
  const config = loadConfig(workerEnv);
  const env = {
    ...workerEnv,
    TEMPORAL_ADDRESS: tenv.address,
    DATABASE_URL: db.url,
    FALCON_BASE_URL: falcon.url,
    FALCON_CLIENT_ID: 'chaos',
    FALCON_CLIENT_SECRET: `chaos-${run}`,
    EDR_POLL_INTERVAL: '200ms',
    EDR_MAX_POLL_INTERVAL: '200ms',
  };
  child = spawnWorker(env);
  const shape = (alert: AlertInput, i: number): AlertInput => ({
    ...alert,
    observables: { ...alert.observables, hosts: [{ ...alert.observables!.hosts![0], hostname: hostOf(i) }] },
  });
  const batch = await startBatch(tenv.client, config, run, ALERTS, { samples: ['01-encoded-powershell.json'], shape });
  const ids = batch.map((b) => b.workflowId);
  const hostById = new Map(batch.map((b, i) => [b.workflowId, hostOf(i)]));
  const escalated = await untilSettled(tenv.client, batch, 600_000);
  expect(escalated.length).toBe(ALERTS);

  // Phase 1: approve the isolation of every host; kill the worker once some hosts are isolating.
  await decideAll(tenv.client, ids, (id) => ({
    action: 'approve',
    actor: 'chaos@soc',
    reason: 'chaos: isolate',
    actions: [`isolate_host:${hostById.get(id)}`],
  }));
  await waitFor(
    async () => served('contain'),
    (n) => n >= KILL_AFTER,
    'the worker to be isolating hosts',
    300_000,
  );
  const containsAtKill = served('contain');
  const recordedAtKill = await rowsWith(ids, 'executed');
  await killHard(child);
  child = spawnWorker(env);
  await untilStage(tenv.client, ids, 'contained', 600_000);
  expect(perHost('contain').filter((n) => n !== 1)).toEqual([]);
  expect(falcon.devices.filter((d) => d.status === 'normal')).toEqual([]); // contained or (polls cut by the kill) still pending

  // Phase 2: close every alert as a false positive inside the review window; kill during the undos.
  await decideAll(tenv.client, ids, () => ({
    action: 'close',
    actor: 'chaos-reviewer@soc',
    reason: 'chaos: false positive',
    falsePositive: true,
  }));
  await waitFor(
    async () => served('lift_containment'),
    (n) => n >= KILL_AFTER,
    'the worker to be lifting isolations',
    300_000,
  );
  const liftsAtKill = served('lift_containment');
  const undoneAtKill = await rowsWith(ids, 'undone');
  await killHard(child);
  child = spawnWorker(env);
  const outcomes = await Promise.all(ids.map(async (id) => (await tenv.client.workflow.getHandle(id).result()).outcome));
  expect(outcomes.filter((o) => o !== 'released_as_false_positive')).toEqual([]);

  expect(perHost('contain').filter((n) => n !== 1)).toEqual([]);
  expect(perHost('lift_containment').filter((n) => n !== 1)).toEqual([]);
  expect(falcon.devices.filter((d) => d.status === 'contained' || d.status === 'containment_pending')).toEqual([]);
  const rows = (
    await db.pool.query<{ status: string; n: string }>(
      'SELECT status, count(*) AS n FROM response_actions WHERE workflow_id = ANY($1) GROUP BY status',
      [ids],
    )
  ).rows;
  expect(rows.map((r) => [r.status, Number(r.n)])).toEqual([['undone', ALERTS]]);
  const intents = (
    await db.pool.query<{ state: string; n: string }>(`SELECT state, count(*) AS n FROM intents WHERE key LIKE ANY($1) GROUP BY state`, [
      ids.map((id) => `${id}:%`),
    ])
  ).rows;
  console.log(
    `[chaos] kill -9 during respond: ${containsAtKill} contain calls served, ${recordedAtKill} of ${ALERTS} recorded executed; ` +
      `during undo: ${liftsAtKill} lifts served, ${undoneAtKill} of ${ALERTS} recorded undone; ` +
      `at Falcon: ${served('contain')} contain, ${served('lift_containment')} lift_containment, ${falcon.log.filter((l) => l.verb === 'details').length} device reads; ` +
      `intents ${intents.map((r) => `${r.state}=${r.n}`).join(' ')}`,
  );
  // Each kill caught actions whose vendor call was out and whose outcome autosoc had not recorded.
  expect(recordedAtKill).toBeLessThan(ALERTS);
  expect(undoneAtKill).toBeLessThan(ALERTS);
  await expectExactlyOnce(tenv.client, db.pool, batch, escalated);
}, 1_800_000); // two kills, each waiting out the 1-minute heartbeat timeout, on 120 alerts: longer than the suite's 10 minutes on a loaded machine
