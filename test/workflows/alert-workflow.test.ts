// The alert workflow on the time-skipping server, with the real activities on a real database:
// SLA tiers of hours pass in milliseconds.
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DEFAULT_POLICY, Organisation } from '../../src/domain/policy';
import { getCase } from '../../src/store/cases';
import { listAudit } from '../../src/store/decisions';
import { listResponseActions } from '../../src/store/response-actions';
import { getReport } from '../../src/store/reports';
import { approveSignal, closeSignal, decideUpdate, statusQuery } from '../../src/workflows/messages';
import { sampleAlert } from '../helpers/alerts';
import type { TestDatabase } from '../helpers/database';
import { uniqueSuffix } from '../helpers/temporal';
import { signedDecision } from '../helpers/security';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflow-harness';

const HOUR = 3_600_000;
const policy = {
  ...DEFAULT_POLICY,
  slaTiers: [
    { name: 'tier1', respondWithinMs: 2 * HOUR },
    { name: 'tier2', respondWithinMs: 8 * HOUR },
  ],
};

let h: WorkflowHarness;
let env: TestWorkflowEnvironment;
let db: TestDatabase;

beforeAll(async () => {
  h = await workflowHarness();
  ({ env, db } = h);
});
afterAll(() => h?.close());

const start = (file: string) => h.start(sampleAlert(file, `${file}-${uniqueSuffix()}`), policy);
const untilAwaitingAnalyst = (handle: Awaited<ReturnType<typeof start>>) => h.untilStage(handle, 'awaiting_analyst');
/** Signed as the API would sign it, at the test server's time (hours may have been skipped). */
const signed = async (handle: { workflowId: string }, d: Parameters<typeof signedDecision>[1]) =>
  signedDecision(handle.workflowId, d, await env.currentTimeMs());

test('an SLA breach escalates to the next tier, then approval runs the response', async () => {
  const handle = await start('01-encoded-powershell.json');
  await untilAwaitingAnalyst(handle);
  expect((await handle.query(statusQuery)).tier).toBe('tier1');

  await env.sleep(2 * HOUR + 60_000); // tier1's SLA passes in milliseconds of wall time
  const escalated = await handle.query(statusQuery);
  expect(escalated.tier).toBe('tier2');
  expect(escalated.escalations).toEqual([{ fromTier: 'tier1', toTier: 'tier2', afterMs: 2 * HOUR }]);
  expect((await getCase(db.pool, handle.workflowId))?.tier).toBe('tier2');

  await handle.signal(
    approveSignal,
    await signed(handle, { action: 'approve', actor: 'alice', reason: 'encoded PowerShell from Word: contain' }),
  );
  const result = await handle.result();
  expect(result.outcome).toBe('recorded_for_manual_action');
  expect(result.decision).toEqual({
    action: 'approve',
    actor: 'alice',
    reason: 'encoded PowerShell from Word: contain',
    roles: ['analyst'],
  });
  expect(result.responseActions).toContain('isolate_host:fin-ws-042=recorded for manual action');

  const audit = await listAudit(db.pool, handle.workflowId);
  expect(audit.map((a) => a.step)).toEqual(['triage', 'case-opened', 'sla-breach-1', 'analyst-decision']);
  const actions = await listResponseActions(db.pool, handle.workflowId);
  // Process tree (Word → PowerShell) makes it malicious: block the outbound IP too.
  expect(actions.map((a) => `${a.kind}:${a.target}`)).toEqual(['block_ip:203.0.113.77', 'isolate_host:fin-ws-042']);
  expect(actions[0].approved_by).toBe('alice');
  expect(await getCase(db.pool, handle.workflowId)).toMatchObject({
    status: 'closed',
    resolution: 'recorded_for_manual_action',
    closed_by: 'alice',
  });
});

test('the last tier breaching keeps the alert waiting; a close with reason ends it without response', async () => {
  const handle = await start('02-lsass-dump.json');
  await untilAwaitingAnalyst(handle);
  await env.sleep(2 * HOUR + 8 * HOUR + 60_000);
  const waiting = await handle.query(statusQuery);
  expect(waiting.escalations.map((e) => e.toTier)).toEqual(['tier2', null]);
  expect(waiting.stage).toBe('awaiting_analyst');

  await handle.signal(
    closeSignal,
    await signed(handle, { action: 'close', actor: 'bob', reason: 'authorized red-team exercise RT-2026-11' }),
  );
  const result = await handle.result();
  expect(result.outcome).toBe('closed_by_analyst');
  expect(await listResponseActions(db.pool, handle.workflowId)).toEqual([]);
  expect(await getCase(db.pool, handle.workflowId)).toMatchObject({
    status: 'closed',
    close_reason: 'authorized red-team exercise RT-2026-11',
  });
  const report = await getReport(db.pool, handle.workflowId);
  expect(report?.body).toContain('authorized red\\-team exercise RT\\-2026\\-11');
});

test('decide with a bad action, reason or actor is rejected and leaves history unchanged', async () => {
  const handle = await start('03-phishing-link.json');
  await untilAwaitingAnalyst(handle);
  const before = (await handle.fetchHistory()).events ?? [];

  const bad = [
    { action: 'delete', actor: 'mallory', reason: 'x' },
    { action: 'approve', actor: 'alice', reason: '' },
    { action: 'close', actor: '', reason: 'no actor' },
  ];
  for (const decision of bad) {
    await expect(handle.executeUpdate(decideUpdate, { args: [decision as never] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
  }
  // The Java test server has no speculative workflow tasks, so each rejection leaves an empty
  // workflow-task round trip; nothing else may appear (the dev-server e2e test asserts the
  // history length is unchanged outright).
  const added = ((await handle.fetchHistory()).events ?? []).slice(before.length);
  const kinds = new Set(added.map((e) => e.eventType));
  const WFT = temporal.api.enums.v1.EventType;
  expect(
    [...kinds].filter(
      (k) =>
        k !== WFT.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED &&
        k !== WFT.EVENT_TYPE_WORKFLOW_TASK_STARTED &&
        k !== WFT.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
    ),
  ).toEqual([]);
  expect((await handle.query(statusQuery)).decision).toBeUndefined();

  const status = await handle.executeUpdate(decideUpdate, {
    args: [await signed(handle, { action: 'close', actor: 'carol', reason: 'user confirmed the mail was a test' })],
  });
  expect(status.decision).toMatchObject({ action: 'close', actor: 'carol' });
  // Once decided, a second decision is refused: by the validator while the run writes its
  // report, or by the server once the run has completed (the local store steps are quick).
  const late = await handle
    .executeUpdate(decideUpdate, { args: [await signed(handle, { action: 'approve', actor: 'dave', reason: 'late' })] })
    .catch((err: unknown) => err);
  expect([WorkflowUpdateFailedError, WorkflowNotFoundError].some((kind) => late instanceof kind)).toBe(true);
  expect((await handle.result()).outcome).toBe('closed_by_analyst');
});

test('a benign alert closes itself with a report and no case', async () => {
  const handle = await start('04-admin-login.json');
  const result = await handle.result();
  expect(result).toMatchObject({ outcome: 'auto_closed', disposition: 'auto_close', verdict: 'benign' });
  expect(await getCase(db.pool, handle.workflowId)).toBeUndefined();
  expect((await getReport(db.pool, handle.workflowId))?.body).toContain('auto_closed');
});

test('a new run scores with model v3: a scan from the declared scanner, in its window, closes itself', async () => {
  const scannerPolicy = {
    ...policy,
    version: 'scanner-v3',
    organisation: Organisation.parse({
      scanners: [{ name: 'nessus', ranges: ['10.1.99.20/32'], windows: [{ days: ['tue'], from: '05:00', to: '09:00' }] }],
    }),
  };
  const scan = (id: string, techniques: string[]) =>
    h.start(
      {
        source: 'wazuh-test',
        sourceId: `${id}-${uniqueSuffix()}`,
        time: '2026-03-17T06:10:00Z',
        title: 'Multiple Windows Logon Failures',
        severity: 'high',
        attackTechniques: techniques,
        observables: { hosts: [{ hostname: 'srv-sql01' }], network: [{ srcIp: '10.1.99.20' }] },
      },
      scannerPolicy,
    );
  const closed = await (await scan('scan', ['T1110'])).result();
  expect(closed.reasons[0]).toBe('scoring model v3');
  expect(closed.reasons.join('\n')).toContain('the alert is what a scan does');
  expect(closed).toMatchObject({ outcome: 'auto_closed', disposition: 'auto_close' });
  // Its twin: the scanner's address doing remote execution waits for an analyst.
  const twin = await scan('lateral', ['T1110', 'T1021.002']);
  await untilAwaitingAnalyst(twin);
  await twin.signal(closeSignal, await signed(twin, { action: 'close', actor: 'bob', reason: 'test done' }));
  expect((await twin.result()).outcome).toBe('closed_by_analyst');
});
