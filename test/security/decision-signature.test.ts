// Signed decisions, unit level: what the API signs verifies in the workflow's verifier, and
// every change to a signed field breaks it.
import { randomBytes } from 'node:crypto';
import { openSignedDecision } from '../../src/domain/decision-signature';
import { DECISION_TTL_MS } from '../../src/domain/signed-decision';
import { DecisionSigner } from '../../src/security/decision-signer';

const signer = new DecisionSigner([
  { id: 'k2', key: randomBytes(32) },
  { id: 'k1', key: randomBytes(32) },
]);
const NOW = 1_800_000_000_000;
const ctx = (over: Partial<Parameters<typeof openSignedDecision>[1]> = {}) => ({
  workflowId: 'alert:x:1',
  keys: signer.publicKeys(),
  now: NOW,
  usedNonces: new Set<string>(),
  ...over,
});
const signed = signer.sign('alert:x:1', { action: 'approve', actor: 'alice', reason: 'contain', roles: ['analyst'] }, NOW);

test('a signed decision opens to exactly what was signed', () => {
  expect(openSignedDecision(signed, ctx())).toEqual({
    decision: { action: 'approve', actor: 'alice', reason: 'contain', roles: ['analyst'] },
    nonce: signed.nonce,
  });
});

test('runs started before a key rotation verify with the older key alone', () => {
  expect(() => openSignedDecision(signed, ctx({ keys: signer.publicKeys().filter((k) => k.id === 'k1') }))).not.toThrow();
});

test.each([
  ['actor', { decision: { ...signed.decision, actor: 'bob' } }],
  ['roles', { decision: { ...signed.decision, roles: ['admin'] } }],
  ['reason', { decision: { ...signed.decision, reason: 'other' } }],
  ['action', { decision: { ...signed.decision, action: 'close' } }],
  ['nonce', { nonce: 'ab'.repeat(16) }],
  ['issuedAt', { issuedAt: NOW + 1 }],
  ['workflowId', { workflowId: 'alert:x:2' }],
] as const)('changing the signed %s breaks the signature', (_field, change) => {
  // The run's own id is the changed one: only the signature can catch it.
  expect(() =>
    openSignedDecision({ ...signed, ...change }, ctx({ workflowId: (change as { workflowId?: string }).workflowId ?? 'alert:x:1' })),
  ).toThrow(/no signature verifies/);
});

test('age, nonce reuse, the signal name and missing keys are each refused with their reason', () => {
  expect(() => openSignedDecision(signed, ctx({ now: NOW + DECISION_TTL_MS + 1 }))).toThrow(/expired/);
  expect(() => openSignedDecision(signed, ctx({ now: NOW - 10 * 60_000 }))).toThrow(/future/);
  expect(() => openSignedDecision(signed, ctx({ usedNonces: new Set([signed.nonce]) }))).toThrow(/already used/);
  expect(() => openSignedDecision(signed, ctx(), 'close')).toThrow(/is an approve decision, sent as close/);
  expect(() => openSignedDecision(signed, ctx({ keys: [] }))).toThrow(/without decision keys/);
  expect(() => openSignedDecision({ action: 'approve', actor: 'alice', reason: 'x' }, ctx())).toThrow(/must be signed by autosoc/);
  expect(() => openSignedDecision({ ...signed, signatures: [{ keyId: 'k2', signature: 'zz' }] }, ctx())).toThrow(/signatures/);
});
