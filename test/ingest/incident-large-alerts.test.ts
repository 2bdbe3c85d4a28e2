// Large look-alikes reach their incident by reference (issue 10): the ingest service stores
// each alert, and the incident's update carries its id, severity, rule and capped observables,
// never the alert. Before, seven concurrent ~0.5 MB look-alikes (16 command lines of 32 KB;
// the update carried the alert and its observables, ~1 MB each) made the incident's workflow
// task completion, which echoes the accepted updates, exceed gRPC's 4 MB: the task failed, the
// updates were aborted and the alerts were never recorded on the incident.
import type { AlertInput } from '../../src/domain/alert';
import { testConfig } from '../helpers/config';
import { getIncident } from '../../src/store/incidents';
import { statusQuery } from '../../src/workflows/messages';
import { uniqueSuffix } from '../helpers/temporal';
import { waitFor } from '../helpers/wait';
import { startWorkerStack, type WorkerStack } from '../helpers/worker-stack';

const run = uniqueSuffix();
const config = testConfig({ TEMPORAL_TASK_QUEUE: `incident-large-${run}`, AUTOSOC_CORRELATION_KEYS: 'rule+host' });
let stack: WorkerStack;

beforeAll(async () => {
  stack = await startWorkerStack(config);
}, 120_000);
afterAll(async () => {
  await stack?.close();
});

const HOST = 'ws-large';
/** 16 distinct 32 KB command lines: ~0.5 MB of alert, as much again of observables. */
const largeAlert = (id: number): AlertInput => ({
  source: `edr-${run}`.toLowerCase(),
  sourceId: `large-${id}`,
  time: '2026-11-20T10:00:00Z',
  title: 'Encoded PowerShell from an office application',
  severity: 'high',
  rule: { id: 'office-child-encoded' },
  observables: {
    hosts: [{ hostname: HOST }],
    processes: Array.from({ length: 16 }, (_, p) => ({
      name: 'powershell.exe',
      commandLine: `powershell -enc ${String(id * 100 + p).padStart(6, '0')}${'A'.repeat(32_768 - 22)}`,
    })),
  },
});
const send = async (a: AlertInput) => (await stack.ingest.ingest({ body: Buffer.from(JSON.stringify(a)) }))[0];

test('seven concurrent ~0.5 MB look-alikes all join their incident and are recorded', async () => {
  const first = await send(largeAlert(0));
  expect(first.status).toBe('accepted');
  await waitFor(
    () => stack.env.client.workflow.getHandle(first.workflowId!).query(statusQuery),
    (s) => s.stage === 'awaiting_analyst',
    'the primary to escalate',
    120_000,
  );

  const joined = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((i) => send(largeAlert(i))));
  expect(joined.map((r) => r.status)).toEqual(Array(7).fill('correlated'));
  expect(new Set(joined.map((r) => r.incidentId))).toEqual(new Set([first.incidentId]));

  // Every alert is in the store, on the incident, with its whole alert (command lines intact).
  const rows = await waitFor(
    async () =>
      (
        await stack.db.pool.query<{ workflow_id: string; status: string; lines: number; chars: number }>(
          `SELECT workflow_id, status, jsonb_array_length(alert->'observables'->'processes') AS lines,
            length(alert->'observables'->'processes'->15->>'commandLine') AS chars
       FROM alerts WHERE incident_id = $1 AND workflow_id = ANY($2) ORDER BY workflow_id`,
          [first.incidentId, joined.map((r) => r.workflowId)],
        )
      ).rows,
    (r) => r.length === 7,
    'the seven alerts recorded on the incident',
    120_000,
  );
  for (const row of rows) expect(row).toMatchObject({ status: 'correlated', lines: 16, chars: 32_768 });
  expect(
    await waitFor(
      () => getIncident(stack.db.pool, first.incidentId!),
      (i) => i?.alert_count === 8,
      'the incident row to count 8 alerts',
    ),
  ).toBeDefined();

  // No task of the incident failed on the way (the 4 MB completion failed them all).
  const events = (await stack.env.client.workflow.getHandle(first.incidentId!).fetchHistory()).events ?? [];
  expect(events.filter((e) => e.workflowTaskFailedEventAttributes)).toEqual([]);
}, 300_000);
