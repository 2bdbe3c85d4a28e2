// The example and custom playbooks the worker registers (src/workflows/index.ts exports them):
// each export is a workflow type the policy's routing may name.
export { identityCompromise } from './identity-compromise';
export { reportedPhishing } from './reported-phishing';
