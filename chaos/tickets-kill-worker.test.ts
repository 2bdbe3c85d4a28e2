// kill -9 of the worker while it creates Jira issues for escalated alerts (≥ 100), then a new
// worker: exactly one issue per escalated alert, counted at the local Jira, none for the rest.
// The local Jira answers each create 150 ms after storing it, so the kill lands on creates the
// killed worker never heard back from: the new worker must find those by correlation id.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig } from '../src/config';
import { correlationIdFor } from '../src/connectors/tickets/ticket-system';
import { openTestDatabase, type TestDatabase } from '../test/helpers/database';
import { devServerEnv, uniqueSuffix } from '../test/helpers/temporal';
import { waitFor } from '../test/helpers/wait';
import { JiraServer } from '../test/servers/tickets/jira-server';
import { approveAll, expectExactlyOnce, killHard, spawnWorker, startBatch, untilSettled } from './harness';

const run = uniqueSuffix();
const ALERTS = 200; // half the samples escalate: 100 escalated alerts
const jira = new JiraServer();
let tenv: TestWorkflowEnvironment;
let db: TestDatabase;
let child: ChildProcess | undefined;

beforeAll(async () => {
  await jira.start();
  jira.createAnswerDelayMs = 150;
  [tenv, db] = await Promise.all([devServerEnv(), openTestDatabase()]);
});

afterAll(async () => {
  await killHard(child);
  await tenv?.teardown();
  await db?.close();
  await jira.stop();
});

test('worker killed with -9 while creating tickets: exactly one Jira issue per escalated alert', async () => {
  const policyFile = join(mkdtempSync(join(tmpdir(), 'autosoc-chaos-')), 'policy.yaml');
  writeFileSync(policyFile, 'tickets:\n  system: jira\n  jira:\n    projectKey: SOC\n');
  const workerEnv = {
    TEMPORAL_TASK_QUEUE: `chaos-tickets-${run}`,
    AUTOSOC_CORRELATION_KEYS: 'none',
    AUTOSOC_POLICY_FILE: policyFile,
    AUTOSOC_JIRA_URL: jira.url,
    AUTOSOC_JIRA_EMAIL: jira.email,
    AUTOSOC_JIRA_API_TOKEN: jira.apiToken,
  };
  const config = loadConfig(workerEnv);
  const env = { ...workerEnv, TEMPORAL_ADDRESS: tenv.address, DATABASE_URL: db.url };
  child = spawnWorker(env);
  const batch = await startBatch(tenv.client, config, run, ALERTS);
  const ids = batch.map((b) => b.workflowId);
  // Kill once issues are being created, not all of them.
  await waitFor(
    async () => jira.tickets.length,
    (n) => n >= 15,
    'the worker to be creating issues',
    300_000,
  );
  const atKill = jira.tickets.length;
  const recordedAtKill = Number(
    (await db.pool.query(`SELECT count(*) FROM tickets WHERE workflow_id = ANY($1) AND external_id IS NOT NULL`, [ids])).rows[0].count,
  );
  await killHard(child);
  child = spawnWorker(env);
  const escalated = await untilSettled(tenv.client, batch, 600_000);
  // The escalation's notify activity runs after the alert shows as awaiting: wait for its tickets.
  await waitFor(
    async () =>
      Number(
        (await db.pool.query(`SELECT count(*) FROM tickets WHERE workflow_id = ANY($1) AND state = 'open'`, [escalated])).rows[0].count,
      ),
    (n) => n === escalated.length,
    'every escalated alert to have its ticket recorded',
    600_000,
  );

  expect(escalated.length).toBeGreaterThanOrEqual(100);
  const perAlert = escalated.map((id) => jira.count(correlationIdFor(id)));
  expect(perAlert.filter((n) => n !== 1)).toEqual([]);
  expect(jira.tickets.length).toBe(escalated.length); // none for alerts that were not escalated
  const recorded = (
    await db.pool.query<{ workflow_id: string; external_id: string }>(
      'SELECT workflow_id, external_id FROM tickets WHERE workflow_id = ANY($1)',
      [ids],
    )
  ).rows;
  expect(new Set(recorded.map((r) => r.external_id)).size).toBe(escalated.length);
  expect(recorded.map((r) => r.workflow_id).sort()).toEqual([...escalated].sort());
  const creates = jira.calls.filter((c) => c === 'POST /rest/api/3/issue').length;
  console.log(
    `[chaos] kill -9 while ticketing: ${atKill} issues at the server and ${recordedAtKill} recorded by autosoc at the kill; ` +
      `${escalated.length} escalated alerts, ${jira.tickets.length} issues, ${creates} create calls, ${jira.calls.filter((c) => c === 'POST /rest/api/3/search/jql').length} searches`,
  );
  expect(atKill).toBeLessThan(escalated.length);

  await approveAll(tenv.client, escalated);
  await expectExactlyOnce(tenv.client, db.pool, batch, escalated);
});
