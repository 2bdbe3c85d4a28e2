// The keys tests run with: the same resolution as the processes' (loadConfig, i.e. the
// environment or the data folder), so harness workers, test clients and signers agree.
import type { Decision } from '../../src/domain/decision';
import type { TriagePolicy } from '../../src/domain/policy';
import { loadConfig } from '../../src/config';
import { DecisionSigner } from '../../src/security/decision-signer';
import { dataConverterFor } from '../../src/temporal/client';

const config = loadConfig({});
export const testSecurity = config.security;
export const testDataConverter = dataConverterFor(config);
export const testSigner = new DecisionSigner(config.security.decisionKeys);

/** A policy whose runs verify decisions against testSigner's keys. */
export const withDecisionKeys = (policy: TriagePolicy): TriagePolicy => ({ ...policy, decisionKeys: testSigner.publicKeys() });

/** A decision signed as autosoc would sign it for a token holding `roles` (analyst by default). */
export const signedDecision = (workflowId: string, d: Omit<Decision, 'roles'> & { roles?: Decision['roles'] }, now?: number) =>
  testSigner.sign(workflowId, { roles: ['analyst'], ...d }, now);
