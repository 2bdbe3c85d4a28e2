// Verifies signed decisions (signed-decision.ts) inside workflow code: pure-JS Ed25519 and
// workflow time, so the outcome is the same on every replay.
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2';
import { type Decision, type DecisionAction, DecisionRejected } from './decision';
import type { DecisionPublicKey } from './signed-decision';
import { DECISION_CLOCK_SKEW_MS, DECISION_TTL_MS, signedDecisionMessage, signedDecisionSchema } from './signed-decision';

// Synchronous verification: the workflow sandbox has no WebCrypto. noble-hashes returns a plain
// Uint8Array, which is all ed25519 needs of it.
ed.hashes.sha512 = (message) => sha512(message) as Uint8Array<ArrayBuffer>;

const fromHex = (s: string) => {
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(i * 2, i * 2 + 2), 16);
  return out;
};

export interface VerifyContext {
  workflowId: string;
  keys: readonly DecisionPublicKey[];
  /** Workflow time (deterministic Date.now() in workflow code). */
  now: number;
  usedNonces: ReadonlySet<string>;
}

const UNSIGNED =
  'decisions must be signed by autosoc: decide through the API or CLI, or pass the output of `autosoc decision sign` (see README, "Approve or close")';

/**
 * The decision inside a signed envelope, after checking the signature, the alert it was
 * signed for, its age and its nonce; `signalAction` (Signals) must match the signed action.
 * Throws DecisionRejected naming the first problem.
 */
export function openSignedDecision(
  input: unknown,
  ctx: VerifyContext,
  signalAction?: DecisionAction,
): { decision: Decision; nonce: string } {
  if (typeof input !== 'object' || input === null || !('signatures' in input)) throw new DecisionRejected(UNSIGNED);
  const parsed = signedDecisionSchema().safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DecisionRejected(`signed decision: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const e = parsed.data;
  if (ctx.keys.length === 0) throw new DecisionRejected('this alert was started without decision keys: no decision can be verified');
  const message = signedDecisionMessage(e);
  const valid = e.signatures.some((s) => {
    const key = ctx.keys.find((k) => k.id === s.keyId);
    return key !== undefined && ed.verify(fromHex(s.signature), message, fromHex(key.publicKey));
  });
  if (!valid)
    throw new DecisionRejected(
      `signature: no signature verifies against this alert's decision keys (${ctx.keys.map((k) => k.id).join(', ')})`,
    );
  if (e.workflowId !== ctx.workflowId) throw new DecisionRejected(`signed decision is for ${e.workflowId}, not this alert`);
  if (signalAction && e.decision.action !== signalAction)
    throw new DecisionRejected(`signed decision is an ${e.decision.action} decision, sent as ${signalAction}`);
  if (e.issuedAt > ctx.now + DECISION_CLOCK_SKEW_MS)
    throw new DecisionRejected('signed decision is issued in the future: check the API server clock');
  if (ctx.now - e.issuedAt > DECISION_TTL_MS)
    throw new DecisionRejected(`signed decision expired (valid ${DECISION_TTL_MS / 60_000} minutes after signing): sign it again`);
  if (ctx.usedNonces.has(e.nonce)) throw new DecisionRejected('signed decision was already used (nonce seen): sign a new one');
  if (!e.decision.roles) throw new DecisionRejected('signed decision carries no roles');
  return { decision: e.decision, nonce: e.nonce };
}
