// The saga's proposals per alert kind (proposeContainment), proposeResponse unchanged for the
// workflows already calling it, and the policy's connector routing validated.
import { loadPolicy } from '../../src/policy/load-policy';
import { DEFAULT_POLICY, TriagePolicy } from '../../src/domain/policy';
import { responseConnectorFor } from '../../src/domain/policy-rules';
import { extractObservables } from '../../src/domain/observables';
import { alertKinds, proposeContainment, proposeResponse } from '../../src/domain/response';
import { sampleAlert } from '../helpers/alerts';
import { join } from 'node:path';

const kinds = (file: string) => alertKinds(sampleAlert(file));
const propose = (file: string, verdict: 'malicious' | 'suspicious' | 'benign' = 'malicious') => {
  const alert = sampleAlert(file);
  return proposeContainment(alert, extractObservables(alert), verdict).map((a) => `${a.kind}:${a.target}`);
};

test('alert kinds come from structured observables', () => {
  expect(kinds('03-phishing-link.json')).toEqual(['phishing']);
  expect(kinds('02-lsass-dump.json')).toEqual(['host']);
  expect(kinds('04-admin-login.json')).toEqual(['identity']);
});

test('identity alerts propose disabling the user and revoking sessions', () => {
  expect(propose('04-admin-login.json')).toEqual(
    expect.arrayContaining(['disable_user:CORP\\ops.admin', 'revoke_sessions:CORP\\ops.admin']),
  );
});

test('phishing proposes quarantine in each recipient mailbox, by Internet Message-ID', () => {
  expect(propose('03-phishing-link.json')).toContain('quarantine_email:a.lee@example.com:<7f3a9c@mailbox-quota-check.top>');
  expect(propose('03-phishing-link.json').filter((a) => a.startsWith('disable_user'))).toEqual([]);
});

test('host compromise proposes isolation and the hash block, once each', () => {
  const actions = propose('02-lsass-dump.json');
  expect(actions).toEqual(
    expect.arrayContaining(['isolate_host:srv-dc-01', 'block_hash:b3e0f7c0b5b0c3f44a0c3d3f0c3e8b7a9d0c1e2f3a4b5c6d7e8f9a0b1c2d3e4f']),
  );
  expect(new Set(actions).size).toBe(actions.length);
  expect(actions.some((a) => a.startsWith('disable_user'))).toBe(false);
});

test('benign proposes nothing; proposeResponse (running workflows) still proposes no new kinds', () => {
  expect(propose('04-admin-login.json', 'benign')).toEqual([]);
  for (const f of ['02-lsass-dump.json', '03-phishing-link.json', '04-admin-login.json']) {
    const alert = sampleAlert(f);
    const kindsProposed = proposeResponse(extractObservables(alert), 'malicious').map((a) => a.kind);
    expect(kindsProposed.filter((k) => ['disable_user', 'revoke_sessions', 'quarantine_email'].includes(k))).toEqual([]);
  }
});

test('the policy routes actions to connectors that can carry them out, manual by default', () => {
  const example = loadPolicy([join(__dirname, '..', '..', 'policy', 'example.yaml')]);
  expect(responseConnectorFor(example, 'isolate_host')).toBe('falcon');
  expect(responseConnectorFor(example, 'quarantine_email')).toBe('graph-mail');
  expect(responseConnectorFor(example, 'block_ip')).toBe('edl'); // the firewalls' blocklists
  expect(responseConnectorFor(DEFAULT_POLICY, 'disable_user')).toBe('manual');
  const wrong = TriagePolicy.safeParse({ ...DEFAULT_POLICY, responseConnectors: { disable_user: 'falcon' } });
  expect(wrong.success).toBe(false);
  expect(JSON.stringify(wrong.error?.issues)).toMatch(/falcon cannot carry out disable_user/);
  expect(TriagePolicy.safeParse({ ...DEFAULT_POLICY, responseConnectors: { isolate_host: 'nobody' } }).success).toBe(false);
});
