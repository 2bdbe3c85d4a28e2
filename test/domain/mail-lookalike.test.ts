// Look-alikes of the policy's own and partner mail domains, each with its genuine twin.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAlert } from '../../src/domain/alert';
import { policyLookalikeFinding } from '../../src/domain/mail-lookalike';
import { extractObservables } from '../../src/domain/observables';
import { triageContext } from '../../src/domain/org-context';
import { Organisation } from '../../src/domain/policy';
import { scoreAlert } from '../../src/domain/scoring';
import { loadPolicy } from '../../src/policy/load-policy';

const dir = mkdtempSync(join(tmpdir(), 'lookalike-'));
const policyFile = join(dir, 'org.yaml');
writeFileSync(
  policyFile,
  `
version: t
organisation:
  mailDomains: { own: [northwind-trading.com], partners: [harbor-rope.example, acme-freight.example, acme-freight-logistics.example] }
`,
);
const policy = loadPolicy([policyFile]);
const org = Organisation.parse(policy.organisation);

const mail = (from: string) =>
  parseAlert({
    source: 'phishing-report',
    sourceId: from,
    time: '2026-03-17T06:00:00Z',
    title: 'Reported email: new bank details',
    severity: 'low',
    observables: { emails: [{ from, to: ['ap@northwind-trading.com'], subject: 'new bank details' }] },
  });
const triage = (from: string) => {
  const a = mail(from);
  return scoreAlert(a.severity, [], policy, extractObservables(a), triageContext(a));
};

describe('a sender imitating a listed domain escalates, with the imitated domain in the reasons', () => {
  test.each([
    ['Harbor Rope Accounts <accounts@harbor-ropes.example>', 'the partner mail domain harbor-rope.example (edit distance)'],
    ['billing@harborrope-payments.example', 'the partner mail domain harbor-rope.example (added word or hyphen)'],
    ['ceo@northwind-trading.co', 'our own mail domain northwind-trading.com (TLD swap)'],
    ['ceo@northwlnd-trading.com', 'our own mail domain northwind-trading.com'],
  ])('%s', (from, imitated) => {
    const r = triage(from);
    expect(r.disposition).toBe('escalate');
    expect(r.reasons.join('\n')).toContain(imitated);
  });
});

describe('genuine senders are not look-alikes', () => {
  test.each([
    'accounts@harbor-rope.example',
    'noreply@mail.harbor-rope.example',
    'ops@acme-freight-logistics.example', // a listed partner that contains another listed one
    'newsletter@example.org',
    'colleague@northwind-trading.com',
  ])('%s', (from) => {
    expect(policyLookalikeFinding(triageContext(mail(from)), org)).toBeUndefined();
    expect(triage(from).disposition).toBe('auto_close');
  });

  test('no mail domains in the policy: nothing to compare with', () => {
    expect(policyLookalikeFinding(triageContext(mail('a@harbor-ropes.example')), Organisation.parse({}))).toBeUndefined();
  });
});
