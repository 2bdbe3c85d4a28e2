// What an operator sees in the Temporal Web UI, on the dev server with the real worker and
// database: each alert run's static summary and details from its start (title, severity,
// source, host), its current details as it progresses (the SDK's metadata query, which the UI
// reads), the Outcome search attribute once it ends, and Observables on its incident.
import type { AlertInput } from '../../src/domain/alert';
import { decideUpdate, statusQuery } from '../../src/workflows/messages';
import * as SA from '../../src/workflows/search-attributes';
import { saveHistory } from '../helpers/histories';
import { signedDecision } from '../helpers/security';
import { uniqueSuffix } from '../helpers/temporal';
import { waitFor } from '../helpers/wait';
import { startWorkerStack, type WorkerStack } from '../helpers/worker-stack';
import { testConfig } from '../helpers/config';

const run = uniqueSuffix();
let stack: WorkerStack;

beforeAll(async () => {
  stack = await startWorkerStack(testConfig({ TEMPORAL_TASK_QUEUE: `temporal-ui-${run}`, AUTOSOC_CORRELATION_KEYS: 'rule+host' }));
}, 120_000);

afterAll(() => stack?.close());

const HOST = `ws-ui-${run}`.toLowerCase();
const alert = (id: string, user: string): AlertInput => ({
  source: `edr-${run}`.toLowerCase(),
  sourceId: id,
  time: '2026-11-20T10:00:00Z',
  title: 'Word spawned PowerShell (encoded)',
  severity: 'critical',
  rule: { id: 'office-child-script', name: 'Office child script' },
  observables: {
    hosts: [{ hostname: HOST }],
    users: [{ name: user }],
    processes: [
      {
        name: 'powershell.exe',
        commandLine: 'powershell.exe -NoP -W Hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA',
        parents: [{ name: 'WINWORD.EXE' }],
      },
    ],
  },
});
const send = async (a: AlertInput) => (await stack.ingest.ingest({ body: Buffer.from(JSON.stringify(a)) }))[0];

/** The run's current details, as the Web UI reads them (the SDK's built-in metadata query). */
const currentDetails = async (workflowId: string) =>
  (await stack.env.client.workflow.getHandle(workflowId).query<{ currentDetails?: string }>('__temporal_workflow_metadata'))
    .currentDetails ?? '';

test('summary and details at start, current details while it runs, Outcome at the end, Observables on the incident', async () => {
  const first = await send(alert('1', 'j.doe'));
  expect(first.status).toBe('accepted');
  const handle = stack.env.client.workflow.getHandle(first.workflowId!);

  const desc = await handle.describe();
  expect(await desc.staticSummary()).toBe(
    `[critical] Word spawned PowerShell \\(encoded\\) · edr\\-${run.replace(/-/g, '\\-')} · ${HOST.replace(/-/g, '\\-')}`,
  );
  const details = await desc.staticDetails();
  expect(details).toContain('**Word spawned PowerShell \\(encoded\\)**');
  expect(details).toContain('- Severity: critical');
  expect(details).toContain('- Rule: Office child script');
  expect(details).toContain('- Users: j\\.doe');

  await waitFor(
    () => handle.query(statusQuery),
    (s) => s.stage === 'awaiting_analyst',
    'the alert to escalate',
    120_000,
  );
  const progress = await currentDetails(first.workflowId!);
  expect(progress).toMatch(/\*\*Stage:\*\* awaiting_analyst/);
  expect(progress).toMatch(/\*\*Verdict:\*\* (malicious|suspicious)/);
  expect(progress).toMatch(/\*\*Approvals:\*\* 0\/1/);

  // A second alert on the host joins the incident: its user is among the incident's Observables.
  const second = await send(alert('2', 'a.smith'));
  expect(second).toMatchObject({ status: 'correlated', incidentId: first.incidentId });
  const incident = stack.env.client.workflow.getHandle(first.incidentId!);
  expect(await (await incident.describe()).staticSummary()).toMatch(/^Incident /);
  const observables = await waitFor(
    async () => (await incident.describe()).typedSearchAttributes.get(SA.Observables) ?? [],
    (values) => values.includes('a.smith'),
    "the incident to list the joined alert's user",
  );
  expect(observables).toEqual(expect.arrayContaining([HOST, 'j.doe', 'a.smith']));

  await handle.executeUpdate(decideUpdate, {
    args: [signedDecision(first.workflowId!, { action: 'close', actor: 'bob@soc', reason: 'sanctioned test' })],
  });
  expect((await handle.result()).outcome).toBe('closed_by_analyst');
  expect((await handle.describe()).typedSearchAttributes.get(SA.Outcome)).toBe('closed_by_analyst');
  if (process.env.RECORD_HISTORIES) {
    // The new path (patched 'outcome-attribute-v1') for test/replay; the incident is still in its window.
    await saveHistory('outcome-attribute-closed-by-update', first.workflowId!, await handle.fetchHistory());
    await saveHistory('outcome-attribute-incident-two-alerts', first.incidentId!, await incident.fetchHistory());
  }
}, 300_000);
