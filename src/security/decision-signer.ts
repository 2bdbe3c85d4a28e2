// The API's half of signed decisions (src/domain/signed-decision.ts): signs what the caller's
// token allows with every Ed25519 key autosoc holds (AUTOSOC_DECISION_KEYS; the first is
// current, older ones stay until no run started before the rotation is still waiting).
import { createPrivateKey, createPublicKey, type KeyObject, randomBytes, sign } from 'node:crypto';
import { type Decision, parseDecision } from '../domain/decision';
import { type DecisionPublicKey, type SignedDecision, signedDecisionMessage } from '../domain/signed-decision';
import type { NamedKey } from './keys';

// PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410).
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export class DecisionSigner {
  private readonly keys: { id: string; privateKey: KeyObject; publicKey: string }[];

  constructor(seeds: NamedKey[]) {
    this.keys = seeds.map(({ id, key }) => {
      const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, key]), format: 'der', type: 'pkcs8' });
      // The SPKI DER of an Ed25519 key ends with the raw 32-byte public key.
      const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
      return { id, privateKey, publicKey: spki.subarray(spki.length - 32).toString('hex') };
    });
  }

  /** What workflows are started with (policy.decisionKeys). */
  publicKeys(): DecisionPublicKey[] {
    return this.keys.map(({ id, publicKey }) => ({ id, publicKey }));
  }

  /** Signs a decision whose actor and roles the caller (the API, from a token) has vouched for. */
  sign(workflowId: string, input: Decision, now = Date.now()): SignedDecision {
    const decision = parseDecision(input); // sign the normalised form the workflow will parse
    if (!decision.roles) throw new Error('a signed decision needs the roles the token holds');
    const unsigned = { v: 1 as const, workflowId, decision, nonce: randomBytes(16).toString('hex'), issuedAt: now };
    const message = signedDecisionMessage(unsigned);
    return {
      ...unsigned,
      signatures: this.keys.map((k) => ({ keyId: k.id, signature: sign(null, message, k.privateKey).toString('hex') })),
    };
  }
}
