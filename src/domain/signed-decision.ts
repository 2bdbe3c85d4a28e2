// Decisions that reach a workflow carry the identity autosoc vouches for, not the caller's
// claim: the API authenticates the caller's token, resolves actor and roles server-side, and
// signs an envelope with Ed25519 (src/security/decision-signer.ts) that binds the alert, the
// decision, a nonce and the time it was issued. The workflow verifies it
// (decision-signature.ts) against the public keys it was started with (policy.decisionKeys).
import { z } from 'zod';
import { decisionSchema } from './decision';
import { lazily } from './lazily';

/** An Ed25519 public key (raw, hex) that decisions may be signed with (the policy's decisionKeys). */
export const DecisionPublicKey = z.object({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,32}$/, 'key ids are letters, digits, . _ - (at most 32)'),
  publicKey: z.string().regex(/^[0-9a-f]{64}$/, 'must be 32 bytes of lower-case hex'),
});
export type DecisionPublicKey = z.infer<typeof DecisionPublicKey>;

/** How long a signed decision stays valid after it is issued (workflow time). */
export const DECISION_TTL_MS = 5 * 60_000;
/** How far ahead of workflow time a decision may be stamped (clocks drift). */
export const DECISION_CLOCK_SKEW_MS = 60_000;

// Literal patterns (not built per size) so the ReDoS guard can prove them linear.
const HEX_BYTES = { 16: /^[0-9a-f]{32}$/, 64: /^[0-9a-f]{128}$/ } as const;
const hex = (bytes: keyof typeof HEX_BYTES) => z.string().regex(HEX_BYTES[bytes], `must be ${bytes} bytes of lower-case hex`);

/** Built on first use (lazily.ts): workflows import this module and most runs never see a decision. */
export const signedDecisionSchema = lazily(() =>
  z.object({
    v: z.literal(1),
    workflowId: z.string().min(1).max(1024),
    decision: decisionSchema(),
    nonce: hex(16),
    /** Milliseconds since the epoch, when the API signed it. */
    issuedAt: z.number().int().nonnegative(),
    /** One signature per key the API holds, so runs started before a key rotation still verify. */
    signatures: z
      .array(z.object({ keyId: DecisionPublicKey.shape.id, signature: hex(64) }))
      .min(1)
      .max(8),
  }),
);
export type SignedDecision = z.infer<ReturnType<typeof signedDecisionSchema>>;

/** The exact bytes signed: every field that gives the decision its meaning, in a fixed order. */
export function signedDecisionMessage(e: Omit<SignedDecision, 'signatures'>): Uint8Array {
  const d = e.decision;
  return new TextEncoder().encode(
    JSON.stringify([
      'autosoc-decision-v1',
      e.workflowId,
      e.nonce,
      e.issuedAt,
      d.action,
      d.actor,
      [...(d.roles ?? [])].sort(),
      d.reason ?? null,
      d.assignee ?? null,
      d.falsePositive ?? null,
      // Appended only when present, so decisions signed before per-action approval verify unchanged.
      ...(d.actions ? [d.actions] : []),
    ]),
  );
}
