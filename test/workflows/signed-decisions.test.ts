// No one can claim an identity or role through Temporal: the alert workflow takes only
// decisions autosoc signed (actor and roles from a token), on the time-skipping server.
import { randomBytes } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { alertWorkflowId, parseAlert } from '../../src/domain/alert';
import { DEFAULT_POLICY } from '../../src/domain/policy';
import { DECISION_TTL_MS, type SignedDecision } from '../../src/domain/signed-decision';
import { DecisionSigner } from '../../src/security/decision-signer';
import { alertWorkflow } from '../../src/workflows';
import { approveSignal, closeSignal, decideUpdate, statusQuery } from '../../src/workflows/messages';
import { sampleAlert } from '../helpers/alerts';
import { signedDecision, testSigner } from '../helpers/security';
import { uniqueSuffix } from '../helpers/temporal';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflow-harness';

let h: WorkflowHarness;
beforeAll(async () => {
  h = await workflowHarness();
});
afterAll(() => h?.close());

type Handle = Awaited<ReturnType<WorkflowHarness['start']>>;
const awaiting = async (policy = DEFAULT_POLICY) => {
  const handle = await h.start(sampleAlert('02-lsass-dump.json', `signed-${uniqueSuffix()}`), policy);
  await h.untilStage(handle, 'awaiting_analyst');
  return handle;
};
const now = () => h.env.currentTimeMs();
const close = async (handle: Handle, over: Partial<Parameters<typeof signedDecision>[1]> = {}) =>
  signedDecision(handle.workflowId, { action: 'close', actor: 'alice', reason: 'benign admin task', ...over }, await now());
/** The Update's refusal message (the validator's DecisionRejected). */
const refusal = async (handle: Handle, input: unknown) => {
  const err = await handle.executeUpdate(decideUpdate, { args: [input as SignedDecision] }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return ((err as WorkflowUpdateFailedError).cause as Error).message;
};

test('forged identities are refused by the Update validator, each with a message that says why', async () => {
  const handle = await awaiting();
  // Unsigned: what any Temporal client could send before.
  expect(await refusal(handle, { action: 'close', actor: 'alice', reason: 'x', roles: ['admin'] })).toMatch(
    /must be signed by autosoc.*autosoc decision sign/,
  );
  // Signed by a key this run does not trust.
  const stranger = new DecisionSigner([{ id: testSigner.publicKeys()[0].id, key: randomBytes(32) }]); // same key id, other key
  expect(
    await refusal(
      handle,
      stranger.sign(handle.workflowId, { action: 'close', actor: 'alice', reason: 'x', roles: ['admin'] }, await now()),
    ),
  ).toMatch(/no signature verifies/);
  // Roles or actor changed after signing.
  const good = await close(handle);
  expect(await refusal(handle, { ...good, decision: { ...good.decision, roles: ['admin'] } })).toMatch(/no signature verifies/);
  expect(await refusal(handle, { ...good, decision: { ...good.decision, actor: 'bob' } })).toMatch(/no signature verifies/);
  // Signed for another alert.
  expect(await refusal(handle, signedDecision('alert:other:1', { action: 'close', actor: 'alice', reason: 'x' }, await now()))).toMatch(
    /no signature verifies|not this alert/,
  );
  // Expired, or stamped in the future.
  const stale = signedDecision(
    handle.workflowId,
    { action: 'close', actor: 'alice', reason: 'x' },
    (await now()) - DECISION_TTL_MS - 60_000,
  );
  expect(await refusal(handle, stale)).toMatch(/expired/);
  const future = signedDecision(handle.workflowId, { action: 'close', actor: 'alice', reason: 'x' }, (await now()) + 10 * 60_000);
  expect(await refusal(handle, future)).toMatch(/future/);
  expect((await handle.query(statusQuery)).stage).toBe('awaiting_analyst');

  // The genuine one is accepted.
  const status = await handle.executeUpdate(decideUpdate, { args: [good] });
  expect(status.decision).toEqual({ action: 'close', actor: 'alice', reason: 'benign admin task', roles: ['analyst'] });
  expect((await handle.result()).outcome).toBe('closed_by_analyst');
});

test('a signed decision counts once: its nonce cannot be replayed, as an Update or a Signal', async () => {
  const handle = await awaiting({ ...DEFAULT_POLICY, approvals: { isolate_host: { quorum: 2, fourEyes: false } } });
  const comment = signedDecision(handle.workflowId, { action: 'comment', actor: 'alice', reason: 'looking' }, await now());
  await handle.executeUpdate(decideUpdate, { args: [comment] });
  expect(await refusal(handle, comment)).toMatch(/already used/);
  const approval = signedDecision(handle.workflowId, { action: 'approve', actor: 'alice', reason: 'contain' }, await now());
  await handle.executeUpdate(decideUpdate, { args: [approval] });
  // The same approval again as a Signal is ignored (logged), so the quorum of two stays unmet.
  await handle.signal(approveSignal, approval);
  expect(await refusal(handle, approval)).toMatch(/already used|already approved/);
  expect((await handle.query(statusQuery)).approvals).toEqual(['alice']);
  await handle.executeUpdate(decideUpdate, {
    args: [signedDecision(handle.workflowId, { action: 'close', actor: 'bob', reason: 'done' }, await now())],
  });
  expect((await handle.result()).outcome).toBe('closed_by_analyst');
});

test('Signals with a forged identity are ignored; a signed one decides', async () => {
  const handle = await awaiting();
  await handle.signal(closeSignal, { actor: 'mallory', reason: 'unsigned', roles: ['admin'] } as never);
  const good = await close(handle, { actor: 'carol' });
  await handle.signal(closeSignal, { ...good, decision: { ...good.decision, actor: 'mallory' } });
  // A signed close sent as an approval is not an approval.
  await handle.signal(approveSignal, good);
  // The signals above are handled in order before this query is answered.
  const status = await handle.query(statusQuery);
  expect(status.stage).toBe('awaiting_analyst');
  expect(status.decision).toBeUndefined();
  await handle.signal(closeSignal, good);
  expect((await handle.result()).decision).toMatchObject({ action: 'close', actor: 'carol' });
});

test('a run started without decision keys refuses every decision, signed or not', async () => {
  const alert = parseAlert(sampleAlert('02-lsass-dump.json', `nokeys-${uniqueSuffix()}`));
  const handle = await h.env.client.workflow.start(alertWorkflow, {
    workflowId: alertWorkflowId(alert),
    taskQueue: h.taskQueue,
    args: [{ alert, policy: DEFAULT_POLICY }],
    workflowTaskTimeout: '30s',
  });
  await h.untilStage(handle, 'awaiting_analyst');
  expect(await refusal(handle, await close(handle))).toMatch(/started without decision keys/);
  await handle.terminate('test done');
});
