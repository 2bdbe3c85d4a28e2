// End to end on real components: the real worker (src/worker.ts) against the Temporal dev
// server, real PostgreSQL, alerts entering through the real ingest path (startAlert).
import { Client, WorkflowUpdateFailedError } from '@temporalio/client';
import { startAlert } from '../../src/ingest/start-alert';
import { getAlert } from '../../src/store/alerts';
import { getCase } from '../../src/store/cases';
import { listAudit } from '../../src/store/decisions';
import { getReport } from '../../src/store/reports';
import { listResponseActions } from '../../src/store/response-actions';
import { approveSignal, closeSignal, decideUpdate, statusQuery } from '../../src/workflows/messages';
import * as SA from '../../src/workflows/search-attributes';
import type { AlertStatus } from '../../src/domain/alert-status';
import { sampleAlert } from '../helpers/alerts';
import { saveHistory } from '../helpers/histories';
import { signedDecision } from '../helpers/security';
import { uniqueSuffix } from '../helpers/temporal';
import { waitFor } from '../helpers/wait';
import { startWorkerStack, type WorkerStack } from '../helpers/worker-stack';
import { testConfig } from '../helpers/config';

const run = uniqueSuffix();
const config = testConfig({ TEMPORAL_TASK_QUEUE: `e2e-${run}` });
let stack: WorkerStack;
let db: WorkerStack['db'];
let client: Client;

beforeAll(async () => {
  stack = await startWorkerStack(config);
  ({
    db,
    env: { client },
  } = stack);
});

afterAll(async () => {
  await stack?.close();
});

const ingest = (file: string, sourceId: string) =>
  startAlert(client, { taskQueue: config.temporal.taskQueue, policy: config.policy }, sampleAlert(file, sourceId));

const statusOf = (workflowId: string) => client.workflow.getHandle(workflowId).query(statusQuery);
const awaitingAnalyst = (workflowId: string) =>
  waitFor(
    () => statusOf(workflowId),
    (s: AlertStatus) => s.stage === 'awaiting_analyst',
    `${workflowId} awaiting an analyst`,
  );

test('two alerts escalate; one approved through the Update, one closed through the Signal; duplicates start nothing', async () => {
  const approved = await ingest('01-encoded-powershell.json', `ps-${run}`);
  const closed = await ingest('02-lsass-dump.json', `lsass-${run}`);
  const benign = await ingest('04-admin-login.json', `login-${run}`);
  expect([approved.duplicate, closed.duplicate, benign.duplicate]).toEqual([false, false, false]);

  // A redelivered alert reaches the same workflow, running or finished.
  expect(await ingest('01-encoded-powershell.json', `ps-${run}`)).toEqual({ workflowId: approved.workflowId, duplicate: true });
  await client.workflow.getHandle(benign.workflowId).result();
  expect(await ingest('04-admin-login.json', `login-${run}`)).toEqual({ workflowId: benign.workflowId, duplicate: true });

  await awaitingAnalyst(approved.workflowId);
  await awaitingAnalyst(closed.workflowId);

  // Search attributes tell the story in the Web UI list; visibility is eventually consistent.
  const listed = await waitFor(
    async () => {
      const ids: string[] = [];
      for await (const w of client.workflow.list({
        query: `Observables = "fin-ws-042" AND AwaitingAnalyst = true AND TaskQueue = "${config.temporal.taskQueue}"`,
      }))
        ids.push(w.workflowId);
      return ids;
    },
    (ids) => ids.length > 0,
    'visibility to list the escalated run by host',
  );
  expect(listed).toEqual([approved.workflowId]);

  // A bad Update is rejected before it enters history: the history is exactly as it was.
  const approvedHandle = client.workflow.getHandle(approved.workflowId);
  const before = (await approvedHandle.fetchHistory()).events?.length;
  await expect(
    approvedHandle.executeUpdate(decideUpdate, { args: [{ action: 'nuke', actor: 'eve', reason: 'x' } as never] }),
  ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
  expect((await approvedHandle.fetchHistory()).events?.length).toBe(before);

  const afterUpdate = await approvedHandle.executeUpdate(decideUpdate, {
    args: [
      signedDecision(approved.workflowId, {
        action: 'approve',
        actor: 'alice@soc',
        reason: 'Word spawning encoded PowerShell: isolate the host',
      }),
    ],
  });
  expect(afterUpdate.decision).toEqual({
    action: 'approve',
    actor: 'alice@soc',
    reason: 'Word spawning encoded PowerShell: isolate the host',
    roles: ['analyst'],
  });

  const closedHandle = client.workflow.getHandle(closed.workflowId);
  await closedHandle.signal(
    closeSignal,
    signedDecision(closed.workflowId, { action: 'close', actor: 'bob@soc', reason: 'sanctioned credential audit, change CHG-4411' }),
  );
  // A signal after the decision is ignored: the first valid answer wins.
  await closedHandle
    .signal(approveSignal, signedDecision(closed.workflowId, { action: 'approve', actor: 'mallory', reason: 'late' }))
    .catch(() => undefined);

  const approvedResult = await approvedHandle.result();
  const closedResult = await closedHandle.result();
  expect(approvedResult).toMatchObject({ outcome: 'recorded_for_manual_action', stage: 'done', verdict: 'malicious' });
  expect(closedResult).toMatchObject({ outcome: 'closed_by_analyst', decision: { actor: 'bob@soc', action: 'close' } });

  // Final search attributes.
  const desc = await approvedHandle.describe();
  expect(desc.typedSearchAttributes.get(SA.AwaitingAnalyst)).toBe(false);
  expect(desc.typedSearchAttributes.get(SA.Assignee)).toBe('alice@soc');
  expect(desc.typedSearchAttributes.get(SA.Disposition)).toBe('escalate');
  expect(desc.typedSearchAttributes.get(SA.RiskScore)).toBe(approvedResult.score);
  expect(desc.typedSearchAttributes.get(SA.Observables)).toEqual(expect.arrayContaining(['fin-ws-042', 'corp\\j.doe']));

  // Database rows.
  expect(await getAlert(db.pool, approved.workflowId)).toMatchObject({
    status: 'closed',
    disposition: 'escalate',
    score: approvedResult.score,
  });
  expect(await getCase(db.pool, approved.workflowId)).toMatchObject({
    status: 'closed',
    resolution: 'recorded_for_manual_action',
    closed_by: 'alice@soc',
  });
  expect(await getCase(db.pool, closed.workflowId)).toMatchObject({
    status: 'closed',
    resolution: 'closed_by_analyst',
    closed_by: 'bob@soc',
  });
  expect(await getCase(db.pool, benign.workflowId)).toBeUndefined();
  expect((await listAudit(db.pool, approved.workflowId)).map((d) => [d.step, d.action, d.actor])).toEqual([
    ['triage', 'escalate', `system:policy@${config.policy.version}`],
    ['case-opened', 'escalate', 'system:triage'],
    ['analyst-decision', 'approve', 'alice@soc'],
  ]);
  expect((await listAudit(db.pool, closed.workflowId)).filter((d) => d.step === 'analyst-decision').map((d) => d.actor)).toEqual([
    'bob@soc',
  ]);
  expect((await listResponseActions(db.pool, approved.workflowId)).map((a) => a.kind)).toEqual(['block_ip', 'isolate_host']);
  expect(await listResponseActions(db.pool, closed.workflowId)).toEqual([]);
  for (const id of [approved.workflowId, closed.workflowId, benign.workflowId]) {
    expect((await getReport(db.pool, id))?.body).toMatch(/^# /);
  }

  // One run per alert, however often it was delivered.
  for (const id of [approved.workflowId, benign.workflowId]) {
    const runs: string[] = [];
    for await (const w of client.workflow.list({ query: `WorkflowId = "${id}"` })) runs.push(w.runId);
    expect(runs).toHaveLength(1);
  }

  if (process.env.RECORD_HISTORIES) {
    await saveHistory('escalated-approved-by-update', approved.workflowId, await approvedHandle.fetchHistory());
    await saveHistory('escalated-closed-by-signal', closed.workflowId, await closedHandle.fetchHistory());
    await saveHistory('auto-closed', benign.workflowId, await client.workflow.getHandle(benign.workflowId).fetchHistory());
  }
});
