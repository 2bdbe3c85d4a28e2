// The analyst loop on the time-skipping server: roles, four eyes, quorum, escalate/assign/
// comment, the SLA fallback, auto-respond, notifications and tuning suggestions.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { webhookNotifier, slackNotifier } from '../../src/connectors/notifier';
import type { AlertInput } from '../../src/domain/alert';
import { DEFAULT_POLICY, type TriagePolicy } from '../../src/domain/policy';
import { getCase } from '../../src/store/cases';
import { listAudit } from '../../src/store/decisions';
import { listResponseActions } from '../../src/store/response-actions';
import { listSuggestions } from '../../src/store/suppressions';
import { decideUpdate, approveSignal, statusQuery } from '../../src/workflows/messages';
import { signedDecision } from '../helpers/security';
import { uniqueSuffix } from '../helpers/temporal';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflow-harness';
import { WebhookServer } from '../servers/webhook-server';
import { waitFor } from '../helpers/wait';

const HOUR = 3_600_000;
const policy: TriagePolicy = {
  ...DEFAULT_POLICY,
  slaTiers: [
    { name: 'tier1', respondWithinMs: HOUR },
    { name: 'tier2', respondWithinMs: 2 * HOUR },
  ],
  slaBySeverity: {
    critical: [
      { name: 'tier2', respondWithinMs: 10 * 60_000 },
      { name: 'ir-lead', respondWithinMs: 30 * 60_000 },
    ],
  },
  slaFallback: { critical: 'contain' },
  approvals: { isolate_host: { quorum: 2, fourEyes: true } },
  autoRespond: { safeActions: ['block_hash'], minScore: 90 },
};

let h: WorkflowHarness;
let hook: WebhookServer;
let slack: WebhookServer;
beforeAll(async () => {
  hook = new WebhookServer();
  slack = new WebhookServer();
  const [hookUrl, slackUrl] = [await hook.start(), await slack.start()];
  h = await workflowHarness({ notifiers: [webhookNotifier(`${hookUrl}/hook`), slackNotifier(`${slackUrl}/services/T000/B000/XXX`)] });
});
afterAll(async () => {
  await h?.close();
  await hook?.stop();
  await slack?.stop();
});

const id = () => uniqueSuffix();
const hostAlert = (severity: AlertInput['severity'], extra: Partial<AlertInput> = {}): AlertInput => ({
  source: 'edr-test',
  sourceId: id(),
  time: '2026-11-20T10:00:00Z',
  title: 'LSASS access by an unsigned binary',
  severity,
  rule: { id: 'lsass-access' },
  observables: {
    hosts: [{ hostname: `ws-${id()}` }],
    processes: [{ name: 'dump.exe', commandLine: 'procdump64.exe -ma lsass.exe out.dmp' }],
  },
  ...extra,
});
type Handle = Awaited<ReturnType<WorkflowHarness['start']>>;
/** A decision signed as the API signs it for a token with these roles, at the server's time. */
const signed = async (handle: Handle, d: Parameters<typeof signedDecision>[1]) =>
  signedDecision(handle.workflowId, d, await h.env.currentTimeMs());
const decide = async (handle: Handle, d: Parameters<typeof signedDecision>[1]) =>
  handle.executeUpdate(decideUpdate, { args: [await signed(handle, d)] });
/** What the API would refuse to sign (malformed): the workflow refuses it unsigned too. */
const decideRaw = (handle: Handle, d: Record<string, unknown>) => handle.executeUpdate(decideUpdate, { args: [d as never] });

test('containment needs two approvals, and the analyst who requested it cannot be one of them', async () => {
  const handle = await h.start(hostAlert('high'), policy);
  await h.untilStage(handle, 'awaiting_analyst');
  expect((await handle.query(statusQuery)).approvalsNeeded).toBe(2);

  await decide(handle, { action: 'escalate', actor: 'alice', reason: 'credential theft: isolate ws', roles: ['analyst'] });
  await expect(decide(handle, { action: 'approve', actor: 'alice', reason: 'do it', roles: ['analyst'] })).rejects.toThrow(
    WorkflowUpdateFailedError,
  );
  await expect(decide(handle, { action: 'approve', actor: 'eve', reason: 'do it', roles: ['engineer'] })).rejects.toThrow(
    WorkflowUpdateFailedError,
  ); // engineers may not approve containment

  const first = await decide(handle, { action: 'approve', actor: 'bob', reason: 'confirmed with the user', roles: ['analyst'] });
  expect(first).toMatchObject({ stage: 'awaiting_analyst', approvals: ['bob'], requestedBy: 'alice' });
  await expect(decide(handle, { action: 'approve', actor: 'bob', reason: 'again' })).rejects.toThrow(WorkflowUpdateFailedError);
  await decide(handle, { action: 'comment', actor: 'carol', reason: 'EDR shows no lateral movement yet' });
  await decide(handle, { action: 'approve', actor: 'carol', reason: 'second pair of eyes', roles: ['admin'] });

  const result = await handle.result();
  // Only the manual connector is configured: approved, and recorded for an operator, not "responded".
  expect(result.outcome).toBe('recorded_for_manual_action');
  expect(result.escalations).toEqual([{ fromTier: 'tier1', toTier: 'tier2', afterMs: HOUR, by: 'alice' }]);
  const audit = await listAudit(h.db.pool, handle.workflowId);
  expect(audit.filter((a) => a.step.startsWith('decision-') || a.step === 'analyst-decision').map((a) => [a.action, a.actor])).toEqual([
    ['escalate', 'alice'],
    ['approve', 'bob'],
    ['comment', 'carol'],
    ['approve', 'carol'],
  ]);
  const actions = await listResponseActions(h.db.pool, handle.workflowId);
  expect(actions.find((a) => a.kind === 'isolate_host')?.approved_by).toBe('bob, carol');
});

test('assign hands the alert to an analyst; a close as false positive becomes a tuning suggestion', async () => {
  const alert = hostAlert('medium', { rule: { id: `noisy-${id()}` }, observables: { hosts: [{ hostname: 'build-01' }] } });
  const handle = await h.start(alert, policy);
  await h.untilStage(handle, 'awaiting_analyst');
  await decide(handle, { action: 'assign', actor: 'lead', assignee: 'dave' });
  expect((await getCase(h.db.pool, handle.workflowId))?.tier).toBe('tier1');
  await decide(handle, { action: 'close', actor: 'dave', reason: 'build server runs this nightly', falsePositive: true });
  expect((await handle.result()).outcome).toBe('closed_by_analyst');
  const suggestion = (await listSuggestions(h.db.pool)).find((s) => s.match.ruleId === alert.rule!.id);
  expect(suggestion).toMatchObject({ hits: 1, match: { source: 'edr-test', ruleId: alert.rule!.id, host: 'build-01' } });
});

test('a critical alert nobody answers is contained by the SLA fallback, which records why', async () => {
  const handle = await h.start(hostAlert('critical'), policy);
  await h.untilStage(handle, 'awaiting_analyst');
  await h.env.sleep(10 * 60_000 + 30 * 60_000 + 60_000);
  const result = await handle.result();
  // The fallback approved it; the manual connector only recorded it (containment.test.ts: executed by Falcon).
  expect(result).toMatchObject({ outcome: 'recorded_for_manual_action', fallback: true, decision: { actor: 'system:sla-fallback' } });
  expect(result.escalations.map((e) => e.toTier)).toEqual(['ir-lead', null]);
  const audit = await listAudit(h.db.pool, handle.workflowId);
  expect(audit.find((a) => a.step === 'analyst-decision')?.reason).toMatch(/no analyst answered within any SLA tier/);
  expect((await listResponseActions(h.db.pool, handle.workflowId)).map((a) => a.kind)).toContain('isolate_host');
});

test('a signal from the Temporal CLI counts as one analyst approval', async () => {
  const handle = await h.start(hostAlert('high'), { ...policy, approvals: {} });
  await h.untilStage(handle, 'awaiting_analyst');
  await handle.signal(approveSignal, await signed(handle, { action: 'approve', actor: 'cli-user', reason: 'approved from the terminal' }));
  expect((await handle.result()).decision).toMatchObject({ action: 'approve', actor: 'cli-user' });
});

test('a known-bad hash with nothing but safe actions proposed is contained without a human', async () => {
  const hash = 'f'.repeat(64);
  await h.db.pool.query(
    `INSERT INTO iocs (type, value, verdict, source) VALUES ('hash', $1, 'malicious', 'test-feed') ON CONFLICT DO NOTHING`,
    [hash],
  );
  const handle = await h.start(
    {
      source: 'av-test',
      sourceId: id(),
      time: '2026-11-20T10:00:00Z',
      title: 'Known ransomware dropper quarantined',
      severity: 'high',
      observables: { files: [{ name: 'dropper.exe', hashes: { sha256: hash } }] },
    },
    policy,
  );
  const result = await handle.result();
  expect(result).toMatchObject({
    disposition: 'auto_respond',
    outcome: 'recorded_for_manual_action',
    responseActions: [`block_hash:${hash}=recorded for manual action`],
  });
  expect(await getCase(h.db.pool, handle.workflowId)).toBeUndefined();
});

test('every escalation is announced once on the webhook (with an idempotency key) and on Slack', async () => {
  const handle = await h.start(hostAlert('high'), policy);
  await h.untilStage(handle, 'awaiting_analyst');
  const ours = () => hook.received.filter((r) => r.body.workflowId === handle.workflowId);
  // The notify activity runs right after the stage flips: await the deliveries themselves.
  await waitFor(
    async () => slack.received.filter((r) => JSON.stringify(r.body).includes(handle.workflowId)).length,
    (n) => n === 1,
    'the Slack message',
  );
  expect(ours()).toHaveLength(1);
  expect(ours()[0].headers['idempotency-key']).toBe(`${handle.workflowId}:escalated:tier1:webhook`);
  expect(ours()[0].body).toMatchObject({ event: 'escalated', tier: 'tier1', severity: 'high' });
  const slackMsg = slack.received.find((r) => JSON.stringify(r.body).includes(handle.workflowId));
  expect(slackMsg?.body.text).toMatch(/high alert escalated to tier1/);
  await h.env.sleep(HOUR + 60_000); // tier1 breaches: tier2 is told
  await decide(handle, { action: 'close', actor: 'bob', reason: 'handled' });
  await handle.result();
  expect(ours().map((r) => r.body.tier)).toEqual(['tier1', 'tier2']);
  const rows = await h.db.pool.query(
    `SELECT event_key, channel, status FROM notifications WHERE workflow_id = $1 ORDER BY event_key, channel`,
    [handle.workflowId],
  );
  expect(rows.rows).toEqual([
    { event_key: 'escalated:tier1', channel: 'slack', status: 'sent' },
    { event_key: 'escalated:tier1', channel: 'webhook', status: 'sent' },
    { event_key: 'escalated:tier2', channel: 'slack', status: 'sent' },
    { event_key: 'escalated:tier2', channel: 'webhook', status: 'sent' },
  ]);
});

test('rejected decisions (wrong role, missing reason, decided or closed alert) leave the history as it was', async () => {
  const handle = await h.start(hostAlert('high'), { ...policy, approvals: {} });
  await h.untilStage(handle, 'awaiting_analyst');
  const kinds = async () => new Set(((await handle.fetchHistory()).events ?? []).map((e) => e.eventType));
  const EventType = temporal.api.enums.v1.EventType;
  // The SLA timer starts right after the case opens and the notification goes out.
  const before = await waitFor(kinds, (k) => k.has(EventType.EVENT_TYPE_TIMER_STARTED), 'the SLA timer');
  for (const bad of [
    { action: 'approve', actor: 'eve', reason: 'I am an engineer', roles: ['engineer'] },
    { action: 'close', actor: 'mallory', reason: 'ingest tokens cannot decide', roles: ['ingest'] },
  ] satisfies Parameters<typeof signedDecision>[1][]) {
    await expect(decide(handle, bad)).rejects.toThrow(WorkflowUpdateFailedError);
  }
  for (const bad of [
    { action: 'escalate', actor: 'bob' },
    { action: 'assign', actor: 'bob', reason: 'no assignee' },
  ]) {
    await expect(decideRaw(handle, bad)).rejects.toThrow(WorkflowUpdateFailedError);
  }
  // Only empty workflow-task round trips may appear (the test server has no speculative tasks).
  const WFT = [
    EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
  ];
  expect([...(await kinds())].filter((k) => !before.has(k) && !WFT.includes(k!))).toEqual([]);
  expect((await handle.query(statusQuery)).stage).toBe('awaiting_analyst');

  await decide(handle, { action: 'close', actor: 'bob', reason: 'benign' });
  await expect(decide(handle, { action: 'approve', actor: 'carol', reason: 'too late' })).rejects.toThrow();
  await handle.result();
  const length = (await handle.fetchHistory()).events?.length;
  await expect(decide(handle, { action: 'close', actor: 'carol', reason: 'closed twice' })).rejects.toThrow(); // the run has ended
  expect((await handle.fetchHistory()).events?.length).toBe(length);
});
