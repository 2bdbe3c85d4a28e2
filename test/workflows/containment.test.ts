// The response saga (containment-v1) on the time-skipping server, executing through the real
// Falcon connector against the local Falcon server: per-action approval, the review window,
// undo in reverse on a false-positive close (each once), none after the window, and an undo
// that keeps failing retried, escalated, then done once the vendor answers.
import { randomBytes } from 'node:crypto';
import { webhookNotifier } from '../../src/connectors/notifier';
import { BlocklistConnector } from '../../src/connectors/response/blocklist';
import { FalconResponseConnector } from '../../src/connectors/response/falcon';
import { manualResponseConnector } from '../../src/connectors/response-connector';
import type { AlertInput } from '../../src/domain/alert';
import { DEFAULT_POLICY, type TriagePolicy } from '../../src/domain/policy';
import { hasBlocklistEntry } from '../../src/store/blocklists';
import { getCase } from '../../src/store/cases';
import { getReport } from '../../src/store/reports';
import { listAudit } from '../../src/store/decisions';
import { listResponseActions } from '../../src/store/response-actions';
import { decideUpdate, statusQuery } from '../../src/workflows/messages';
import { fastPolling } from '../connectors/response/connector-suite';
import { openTestDatabase, type TestDatabase } from '../helpers/database';
import { signedDecision } from '../helpers/security';
import { uniqueSuffix } from '../helpers/temporal';
import { waitFor } from '../helpers/wait';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflow-harness';
import { FalconResponseServer } from '../servers/falcon-response-server';
import { WebhookServer } from '../servers/webhook-server';

const HOUR = 3_600_000;
const hosts = Array.from({ length: 16 }, (_, i) => ({
  id: `${i.toString(16).padStart(2, '0')}${'c'.repeat(30)}`,
  hostname: `saga-ws-${i}`,
}));
let nextHost = 0;
const policy: TriagePolicy = {
  ...DEFAULT_POLICY,
  slaTiers: [{ name: 'tier1', respondWithinMs: HOUR }],
  containment: { reviewWindowMs: 24 * HOUR, undoAttemptsBeforeEscalation: 2 },
  responseConnectors: { isolate_host: 'falcon', block_hash: 'falcon', block_ip: 'edl' },
};

let h: WorkflowHarness;
let falcon: FalconResponseServer;
let hook: WebhookServer;
let edlDb: TestDatabase; // the firewall lists' connector writes through its own pool, as in the worker
beforeAll(async () => {
  edlDb = await openTestDatabase();
  falcon = new FalconResponseServer({ clientId: 'cid', clientSecret: 'secret', devices: hosts });
  hook = new WebhookServer();
  const [url, hookUrl] = [await falcon.start(), await hook.start()];
  const connector = new FalconResponseConnector({
    baseUrl: url,
    tokenUrl: `${url}/oauth2/token`,
    clientId: 'cid',
    clientSecret: 'secret',
    timeoutMs: 5_000,
    poll: fastPolling,
  });
  h = await workflowHarness({
    responders: [connector, new BlocklistConnector(edlDb.pool, 24 * HOUR), manualResponseConnector],
    responseRouting: policy.responseConnectors,
    notifiers: [webhookNotifier(`${hookUrl}/hook`)],
  });
});
afterAll(async () => {
  await h?.close();
  await falcon?.stop();
  await hook?.stop();
  await edlDb?.close();
});

/** A host compromise: the saga proposes isolate_host (the host) and block_hash (the dropped file). */
const hostAlert = () => {
  const host = hosts[nextHost++].hostname;
  const hash = randomBytes(32).toString('hex');
  const alert: AlertInput = {
    source: 'edr-test',
    sourceId: uniqueSuffix(),
    time: '2026-11-20T10:00:00Z',
    title: 'LSASS access by an unsigned binary',
    severity: 'high',
    rule: { id: 'lsass-access' },
    observables: {
      hosts: [{ hostname: host }],
      processes: [{ name: 'dump.exe', commandLine: 'procdump64.exe -ma lsass.exe out.dmp' }],
      files: [{ name: 'dump.exe', hashes: { sha256: hash } }],
    },
  };
  return { alert, isolate: `isolate_host:${host}`, block: `block_hash:${hash}`, host, hash };
};
type Handle = Awaited<ReturnType<WorkflowHarness['start']>>;
/** The workflow's refusal, as the Update failure's cause carries it. */
const refused = (pattern: RegExp) => ({ cause: expect.objectContaining({ message: expect.stringMatching(pattern) }) });
const decide = async (handle: Handle, d: Parameters<typeof signedDecision>[1]) =>
  handle.executeUpdate(decideUpdate, { args: [await signedDecision(handle.workflowId, d, await h.env.currentTimeMs())] });

test('an analyst approves a subset of the proposal: only those actions run; after the window nothing is undone', async () => {
  const a = hostAlert();
  const handle = await h.start(a.alert, policy);
  await h.untilStage(handle, 'awaiting_analyst');
  await expect(
    decide(handle, { action: 'approve', actor: 'bob', reason: 'not proposed', actions: ['isolate_host:some-other-host'] }),
  ).rejects.toMatchObject(refused(/is not a proposed action/));
  await decide(handle, { action: 'approve', actor: 'bob', reason: 'block the dropper, keep the host online', actions: [a.block] });
  await h.untilStage(handle, 'contained');
  expect((await handle.query(statusQuery)).containment).toMatchObject({
    state: 'contained',
    actions: [{ id: a.block, status: 'executed', approvedBy: 'bob' }],
  });

  await h.env.sleep(24 * HOUR + 60_000); // the review window passes
  const result = await handle.result();
  expect(result).toMatchObject({
    outcome: 'approved_and_responded',
    responseActions: [`${a.block}=executed`],
    containment: { state: 'closed', undoEscalated: [] },
  });
  expect([falcon.did('ioc_create', a.hash), falcon.did('contain', a.host), falcon.did('ioc_delete', a.hash)]).toEqual([1, 0, 0]);
  expect(await getCase(h.db.pool, handle.workflowId)).toMatchObject({ status: 'closed', resolution: 'approved_and_responded' });
});

test('each action has its own quorum and four eyes: the wait ends when every approved action has its quorum', async () => {
  const a = hostAlert();
  const handle = await h.start(a.alert, { ...policy, approvals: { isolate_host: { quorum: 2, fourEyes: true } } });
  await h.untilStage(handle, 'awaiting_analyst');
  await decide(handle, { action: 'escalate', actor: 'alice', reason: 'isolate it', roles: ['analyst'] });
  await expect(decide(handle, { action: 'approve', actor: 'alice', reason: 'me', actions: [a.isolate] })).rejects.toMatchObject(
    refused(/four eyes/),
  );
  // bob approves both: the hash block has its quorum, the isolation needs a second approver.
  expect((await decide(handle, { action: 'approve', actor: 'bob', reason: 'both', actions: [a.isolate, a.block] })).stage).toBe(
    'awaiting_analyst',
  );
  await expect(decide(handle, { action: 'approve', actor: 'bob', reason: 'again', actions: [a.isolate] })).rejects.toMatchObject(
    refused(/already approved/),
  );
  // alice may approve the hash block (no four eyes on it); the isolation still waits.
  expect((await decide(handle, { action: 'approve', actor: 'alice', reason: 'hash too', actions: [a.block] })).stage).toBe(
    'awaiting_analyst',
  );
  await decide(handle, { action: 'approve', actor: 'carol', reason: 'second pair of eyes', actions: [a.isolate] });
  await h.untilStage(handle, 'contained');
  const status = await handle.query(statusQuery);
  expect(status.containment?.actions).toEqual([
    expect.objectContaining({ id: a.isolate, status: 'executed', approvedBy: 'bob, carol' }),
    expect.objectContaining({ id: a.block, status: 'executed', approvedBy: 'bob, alice' }),
  ]);
  await h.env.sleep(24 * HOUR + 60_000);
  await handle.result();
});

test('closed as a false positive inside the window: compensations run in reverse order, each once', async () => {
  const a = hostAlert();
  const handle = await h.start(a.alert, policy);
  await h.untilStage(handle, 'awaiting_analyst');
  await decide(handle, { action: 'approve', actor: 'bob', reason: 'contain' });
  await h.untilStage(handle, 'contained');
  expect(falcon.devices.find((d) => d.hostname === a.host)?.status).toBe('contained');
  await expect(decide(handle, { action: 'approve', actor: 'carol', reason: 'again' })).rejects.toMatchObject(refused(/takes a close only/));

  await h.env.sleep(2 * HOUR); // well inside the window
  await decide(handle, { action: 'close', actor: 'carol', reason: 'the admin ran procdump for a vendor ticket', falsePositive: true });
  const result = await handle.result();
  expect(result).toMatchObject({
    outcome: 'released_as_false_positive',
    containment: { state: 'released', releasedBy: 'carol', undoEscalated: [] },
  });
  expect(result.responseActions).toEqual([`${a.isolate}=undone`, `${a.block}=undone`]);
  // Executed isolate → block; undone block → isolate, each once.
  const order = falcon.log
    .filter((l) => l.target === a.host || l.target === a.hash)
    .map((l) => l.verb)
    .filter((v) => v !== 'details');
  expect(order).toEqual(['contain', 'ioc_create', 'ioc_delete', 'lift_containment']);
  expect(falcon.devices.find((d) => d.hostname === a.host)?.status).toBe('normal');
  expect((await listResponseActions(h.db.pool, handle.workflowId)).map((r) => r.status)).toEqual(['undone', 'undone']);
  expect(await getCase(h.db.pool, handle.workflowId)).toMatchObject({
    status: 'closed',
    resolution: 'released_as_false_positive',
    closed_by: 'carol',
  });
  const audit = await listAudit(h.db.pool, handle.workflowId);
  expect(audit.filter((e) => e.action === 'close').map((e) => [e.actor, e.reason])).toEqual([
    ['carol', 'the admin ran procdump for a vendor ticket'],
  ]);
});

test('after the review window a close is refused and nothing is undone', async () => {
  const a = hostAlert();
  const handle = await h.start(a.alert, policy);
  await h.untilStage(handle, 'awaiting_analyst');
  await decide(handle, { action: 'approve', actor: 'bob', reason: 'contain' });
  await h.untilStage(handle, 'contained');
  await h.env.sleep(24 * HOUR + 60_000);
  const result = await handle.result();
  expect(result).toMatchObject({ outcome: 'approved_and_responded', containment: { state: 'closed' } });
  await expect(decide(handle, { action: 'close', actor: 'carol', reason: 'too late', falsePositive: true })).rejects.toThrow();
  expect([falcon.did('lift_containment', a.host), falcon.did('ioc_delete', a.hash)]).toEqual([0, 0]);
  expect(falcon.devices.find((d) => d.hostname === a.host)?.status).toBe('contained');
});

test('an undo the vendor keeps failing is retried, escalated past the policy bound, and done once the vendor answers', async () => {
  const a = hostAlert();
  const handle = await h.start(a.alert, policy);
  await h.untilStage(handle, 'awaiting_analyst');
  await decide(handle, { action: 'approve', actor: 'bob', reason: 'contain', actions: [a.isolate] });
  await h.untilStage(handle, 'contained');
  falcon.failNext = 1_000_000; // every call answers 503
  const failedBefore = falcon.failed;
  await decide(handle, { action: 'close', actor: 'carol', reason: 'false alarm', falsePositive: true });
  const escalations = await waitFor(
    async () => hook.received.filter((r) => r.body.workflowId === handle.workflowId && r.body.event === 'undo_failed'),
    (r) => r.length === 1,
    'the undo escalation',
  );
  expect(escalations[0].body).toMatchObject({ event: 'undo_failed', detail: expect.stringMatching(/503/) });
  expect((await handle.query(statusQuery)).containment).toMatchObject({ state: 'undoing', undoEscalated: [a.isolate] });
  expect(falcon.failed - failedBefore).toBeGreaterThanOrEqual(2); // the bound: two attempts before escalation
  expect(falcon.did('lift_containment', a.host)).toBe(0);

  falcon.failNext = 0; // the vendor is back: the undo, still retried, goes through
  const result = await handle.result();
  expect(result).toMatchObject({
    outcome: 'released_as_false_positive',
    responseActions: [`${a.isolate}=undone`],
    containment: { undoEscalated: [a.isolate] },
  });
  expect(falcon.did('lift_containment', a.host)).toBe(1);
});

test('the SLA fallback contains through the same saga, and a false-positive close undoes it', async () => {
  const fallback = hostAlert();
  const slaPolicy: TriagePolicy = { ...policy, slaFallback: { high: 'contain' } };
  const unanswered = await h.start(fallback.alert, slaPolicy);
  await h.untilStage(unanswered, 'awaiting_analyst');
  await h.env.sleep(HOUR + 60_000); // the only tier breaches: the policy contains
  await h.untilStage(unanswered, 'contained');
  expect(await unanswered.query(statusQuery)).toMatchObject({
    outcome: 'contained_by_sla_fallback',
    fallback: true,
    containment: {
      actions: [
        { id: fallback.isolate, status: 'executed', approvedBy: 'system:sla-fallback' },
        { id: fallback.block, status: 'executed' },
      ],
    },
  });
  await decide(unanswered, { action: 'close', actor: 'carol', reason: 'benign after all', falsePositive: true });
  expect((await unanswered.result()).responseActions).toEqual([`${fallback.isolate}=undone`, `${fallback.block}=undone`]);
});

test('auto-respond contains through the same saga, and the review window applies to it too', async () => {
  // A known-bad hash alone: auto-respond blocks it with no human.
  const hash = randomBytes(32).toString('hex');
  await h.db.pool.query(
    `INSERT INTO iocs (type, value, verdict, source) VALUES ('hash', $1, 'malicious', 'test-feed') ON CONFLICT DO NOTHING`,
    [hash],
  );
  const auto = await h.start(
    {
      source: 'av-test',
      sourceId: uniqueSuffix(),
      time: '2026-11-20T10:00:00Z',
      title: 'Known ransomware dropper',
      severity: 'high',
      observables: { files: [{ name: 'dropper.exe', hashes: { sha256: hash } }] },
    },
    { ...policy, autoRespond: { safeActions: ['block_hash'], minScore: 90 } },
  );
  await h.untilStage(auto, 'contained');
  expect(await auto.query(statusQuery)).toMatchObject({
    disposition: 'auto_respond',
    outcome: 'auto_responded',
    containment: { actions: [{ id: `block_hash:${hash}`, status: 'executed', approvedBy: `system:policy@${policy.version}` }] },
  });
  await decide(auto, { action: 'close', actor: 'carol', reason: 'a test file', falsePositive: true });
  expect(await auto.result()).toMatchObject({ outcome: 'released_as_false_positive', responseActions: [`block_hash:${hash}=undone`] });
  expect([falcon.did('ioc_create', hash), falcon.did('ioc_delete', hash)]).toEqual([1, 1]);
});

test("a vendor refusal is recorded as failed with the vendor's error: status, result, response_actions and the report", async () => {
  const a = hostAlert();
  // Falcon answers a second indicator for the same hash with its documented 400 duplicate error.
  falcon.iocs.set('preexisting', { id: 'preexisting', type: 'sha256', value: a.hash, action: 'prevent' });
  const handle = await h.start(a.alert, policy);
  await h.untilStage(handle, 'awaiting_analyst');
  await decide(handle, { action: 'approve', actor: 'bob', reason: 'block the dropper', actions: [a.block] });
  const result = await handle.result(); // nothing executed: no review window
  expect(result).toMatchObject({ outcome: 'response_failed', responseActions: [`${a.block}=failed`] });
  const duplicate = /HTTP 400 .*Duplicate type: 'sha256' and value: '[0-9a-f]{64}' combination/;
  expect(result.containment?.actions).toEqual([
    expect.objectContaining({ id: a.block, status: 'failed', detail: expect.stringMatching(duplicate) }),
  ]);
  expect(await listResponseActions(h.db.pool, handle.workflowId)).toEqual([
    expect.objectContaining({
      kind: 'block_hash',
      status: 'failed',
      connector: 'falcon',
      approved_by: 'bob',
      detail: expect.stringMatching(duplicate),
    }),
  ]);
  const report = (await getReport(h.db.pool, handle.workflowId))!.body;
  expect(report).toMatch(/block\\_hash [0-9a-f]{64}: failed via falcon, approved by bob: .*Duplicate type/);
  expect(falcon.did('ioc_create', a.hash)).toBe(0);
});

test('a vendor unavailable through every attempt: the saga records the action failed with the last error', async () => {
  const a = hostAlert();
  const handle = await h.start(a.alert, policy);
  await h.untilStage(handle, 'awaiting_analyst');
  falcon.failNext = 1_000_000; // every call answers 503
  try {
    await decide(handle, { action: 'approve', actor: 'bob', reason: 'isolate', actions: [a.isolate] });
    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'response_failed', responseActions: [`${a.isolate}=failed`] });
    expect(result.containment?.actions[0].detail).toMatch(/503/);
  } finally {
    falcon.failNext = 0;
  }
  const rows = await listResponseActions(h.db.pool, handle.workflowId);
  expect(rows).toEqual([
    expect.objectContaining({
      kind: 'isolate_host',
      target: a.host,
      status: 'failed',
      connector: 'falcon',
      detail: expect.stringMatching(/503/),
    }),
  ]);
  expect((await getReport(h.db.pool, handle.workflowId))!.body).toMatch(/isolate\\_host .*: failed via falcon, approved by bob: .*503/);
  expect(falcon.did('contain', a.host)).toBe(0);
});

test("an analyst adds an action on one of the alert's entities: validated, four eyes and quorum of its kind, executed and undone by the saga", async () => {
  const a = hostAlert();
  const ip = '10.20.30.40'; // the host's address: an entity of the alert, private so never proposed
  (a.alert.observables as { hosts: { hostname: string; ip?: string }[] }).hosts[0].ip = ip;
  const addPolicy: TriagePolicy = { ...policy, approvals: { block_ip: { quorum: 1, fourEyes: true } } };
  const handle = await h.start(a.alert, addPolicy);
  await h.untilStage(handle, 'awaiting_analyst');
  const blockIp = `block_ip:${ip}`;
  expect((await handle.query(statusQuery)).containment).toBeUndefined();

  // The target must be the alert's own entity, the kind a known one, the action not already proposed.
  await expect(
    decide(handle, { action: 'approve', actor: 'alice', reason: 'block it', addActions: ['block_ip:203.0.113.66'] }),
  ).rejects.toMatchObject(
    refused(/addActions: block_ip:203\.0\.113\.66 is not on an entity of this alert \(its block_ip targets: block_ip:10\.20\.30\.40\)/),
  );
  // Malformed ones never reach the workflow: autosoc signs only what parseDecision accepts.
  await expect(decide(handle, { action: 'approve', actor: 'alice', reason: 'wipe', addActions: [`wipe_disk:${a.host}`] })).rejects.toThrow(
    /addActions\.0: an added action is kind:target with a known kind/,
  );
  await expect(decide(handle, { action: 'approve', actor: 'alice', reason: 'again', addActions: [a.isolate] })).rejects.toMatchObject(
    refused(/is already proposed; approve it with actions/),
  );
  await expect(decide(handle, { action: 'close', actor: 'alice', reason: 'x', addActions: [blockIp] })).rejects.toThrow(
    /only an approval adds actions/,
  );

  // alice adds the block (four eyes on block_ip: her request is not her approval); the wait goes on.
  const afterAdd = await decide(handle, {
    action: 'approve',
    actor: 'alice',
    reason: 'its C2 peer is the host itself',
    addActions: [blockIp],
  });
  expect(afterAdd).toMatchObject({ stage: 'awaiting_analyst', addedActions: [{ id: blockIp, addedBy: 'alice', connector: 'edl' }] });
  await expect(decide(handle, { action: 'approve', actor: 'alice', reason: 'me', actions: [blockIp] })).rejects.toMatchObject(
    refused(/four eyes: alice requested/),
  );
  await decide(handle, { action: 'approve', actor: 'bob', reason: 'block hash and address', actions: [a.block, blockIp] });
  await h.untilStage(handle, 'contained');
  expect((await handle.query(statusQuery)).containment?.actions).toEqual([
    expect.objectContaining({ id: a.block, status: 'executed', approvedBy: 'bob' }),
    expect.objectContaining({ id: blockIp, status: 'executed', approvedBy: 'bob', detail: expect.stringMatching(/^edl: /) }),
  ]);
  expect(await hasBlocklistEntry(h.db.pool, 'ip', ip, handle.workflowId)).toBe(true);
  expect(falcon.did('contain', a.host)).toBe(0); // not approved

  await decide(handle, { action: 'close', actor: 'carol', reason: 'the address is our proxy', falsePositive: true });
  const result = await handle.result();
  expect(result).toMatchObject({ outcome: 'released_as_false_positive', responseActions: [`${a.block}=undone`, `${blockIp}=undone`] });
  expect(await hasBlocklistEntry(h.db.pool, 'ip', ip, handle.workflowId)).toBe(false);
  expect([falcon.did('ioc_create', a.hash), falcon.did('ioc_delete', a.hash)]).toEqual([1, 1]);
  expect((await listResponseActions(h.db.pool, handle.workflowId)).map((r) => [r.kind, r.status, r.connector])).toEqual([
    ['block_hash', 'undone', 'falcon'],
    ['block_ip', 'undone', 'edl'],
  ]);
  const audit = await listAudit(h.db.pool, handle.workflowId);
  expect(audit.find((e) => e.actor === 'alice' && e.action === 'approve')?.details).toMatchObject({ addActions: [blockIp] });
});
