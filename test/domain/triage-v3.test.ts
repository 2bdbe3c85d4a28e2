// Scoring model v3: a fact of the organisation explains an alert in full only when the alert is
// exactly what that fact explains; each benign pattern has a malicious twin that stays open, and
// contexts of runs started before triage-v3 (no model) keep model v2's weights.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAlert, type AlertInput } from '../../src/domain/alert';
import { extractObservables } from '../../src/domain/observables';
import { triageContext, type ContextModel } from '../../src/domain/org-context';
import { scoreAlert } from '../../src/domain/scoring';
import { loadPolicy } from '../../src/policy/load-policy';

const dir = mkdtempSync(join(tmpdir(), 'policy-v3-'));
const policyFile = join(dir, 'org.yaml');
writeFileSync(
  policyFile,
  `
version: t
assets: [{ host: "srv-*", criticality: high }]
organisation:
  scanners: [{ name: nessus, ranges: ["10.1.99.20/31"], windows: [{ days: [tue], from: "05:00", to: "09:00" }] }]
  egressRanges: [{ name: ztna, ranges: ["198.51.100.64/29"] }]
  exposedServices: [{ name: storefront, hosts: ["shop-lb-*"], ports: [443] }]
  engagements: [{ name: pentest, start: "2026-03-16", end: "2026-03-20", sourceRanges: ["203.0.113.10/31"], users: [pentester] }]
`,
);
const policy = loadPolicy([policyFile]);

/** Tuesday 06:00 UTC: inside the scanner's window. */
const score = (a: Partial<AlertInput>, model?: ContextModel) => {
  const alert = parseAlert({ source: 't', sourceId: '1', time: '2026-03-17T06:00:00Z', title: 't', severity: 'high', ...a });
  return scoreAlert(alert.severity, [], policy, extractObservables(alert), triageContext(alert, model));
};
const text = (r: { reasons: string[] }) => r.reasons.join('\n');

describe('the scanner explains what a scan does, in its window', () => {
  const scan = { hosts: [{ hostname: 'srv-sql01' }], users: [{ name: 'svc-scan' }], network: [{ srcIp: '10.1.99.20' }] };

  it.each([['T1110'], ['T1595.002'], ['T1046'], ['T1190']])(
    '%s from the scanner inside its window closes on a high-severity, high-criticality host',
    (t) => {
      const r = score({ attackTechniques: [t], observables: scan });
      expect(text(r)).toContain('the alert is what a scan does');
      expect(r.disposition).toBe('auto_close');
    },
  );

  it('twin: the scanner doing what a scan does not (remote execution) is explained only a little and escalates, even on a low-criticality host', () => {
    const r = score({ attackTechniques: ['T1110', 'T1021.002'], observables: { ...scan, hosts: [{ hostname: 'ws-1' }] } });
    expect(text(r)).toContain('but ATT&CK T1110, T1021.002 is not what a scan does');
    expect(r.disposition).toBe('escalate');
  });

  it('twin: the same scan outside the window escalates', () => {
    const r = score({ time: '2026-03-18T06:00:00Z', attackTechniques: ['T1110'], observables: scan });
    expect(text(r)).toContain('outside its scan window');
    expect(r.disposition).toBe('escalate');
  });

  it('twin: an alert the source maps to no technique gets the scanner weight of v2 only', () => {
    const r = score({ observables: scan });
    expect(text(r)).not.toContain('what a scan does');
    expect(r.disposition).toBe('escalate');
  });

  it('a run started before triage-v3 (context without a model) keeps model v2', () => {
    const r = score({ attackTechniques: ['T1110'], observables: scan }, 'v2');
    expect(r.reasons[0]).toBe('scoring model v2');
    expect(text(r)).not.toContain('what a scan does');
    expect(r.disposition).toBe('escalate');
  });
});

describe('a located sign-in from our own egress', () => {
  const signIn = (srcIp: string, extra: object = {}) => ({
    attackTechniques: ['T1078.004', 'T1528'],
    observables: { users: [{ name: 'bcarter' }], network: [{ srcIp, srcCountry: 'DE' }], ...extra },
  });

  it('"impossible travel" from a ZTNA node: the location is ours, closed', () => {
    const r = score(signIn('198.51.100.70'));
    expect(text(r)).toContain("the sign-in's location (DE) is the organisation's own egress 198.51.100.70");
    expect(r.disposition).toBe('auto_close');
  });

  it('twin: the same alert from an address outside the egress ranges escalates', () => {
    const r = score(signIn('203.0.113.70'));
    expect(text(r)).not.toContain('egress');
    expect(r.disposition).toBe('escalate');
  });

  it('twin: a process alert whose flow leaves through the egress is explained only as egress and escalates', () => {
    const r = score(signIn('198.51.100.70', { processes: [{ path: 'C:\\Users\\x\\a.exe', parents: [] }] }));
    expect(text(r)).toContain("198.51.100.70 is the organisation's own egress");
    expect(r.disposition).toBe('escalate');
  });
});

describe('reconnaissance of a service exposed on purpose', () => {
  const probe = (dstPort: number, srcIp = '192.0.2.33', techniques = ['T1595']) => ({
    severity: 'low' as const,
    attackTechniques: techniques,
    observables: { hosts: [{ hostname: 'shop-lb-01' }], network: [{ srcIp, dstIp: '10.80.1.20', dstPort }] },
  });

  it('internet hosts probing the storefront on 443 are background noise, closed', () => {
    const r = score(probe(443));
    expect(text(r)).toContain('reconnaissance of storefront (port 443), which is exposed to the internet on purpose');
    expect(r.disposition).toBe('auto_close');
  });

  it.each([
    ['a port not exposed (22)', probe(22)],
    ['an exploit attempt on the exposed port (T1190)', probe(443, '192.0.2.33', ['T1595', 'T1190'])],
    ['a probe from inside the network', probe(443, '10.40.20.15')],
  ])('twin: %s is not explained', (_, a) => {
    const r = score(a);
    expect(text(r)).not.toContain('exposed to the internet on purpose');
    expect(r.disposition).toBe('escalate');
  });
});

describe("the source's own sandbox verdict", () => {
  const download = (sourceVerdict: 'benign' | 'malicious') => ({
    severity: 'low' as const,
    semantics: { outcome: 'detected' as const, sourceVerdict },
    observables: { files: [{ name: 'kb5053598.exe' }], network: [{ srcIp: '10.40.10.50', dstIp: '192.0.2.90', dstPort: 80 }] },
  });

  it('a file the sandbox judged benign, only detected, is closed', () => {
    const r = score(download('benign'));
    expect(text(r)).toContain("the source's own analysis (sandbox/reputation) judged the object benign");
    expect(r.disposition).toBe('auto_close');
  });

  it('twin: the same file judged malicious is never closed', () => {
    const r = score(download('malicious'));
    expect(text(r)).toContain("not auto-closed: the source's own analysis judged the object malicious");
    expect(r.disposition).toBe('escalate');
  });
});

describe('an authorised engagement', () => {
  const waf = (srcIp: string, users: { name: string }[] = []) => ({
    severity: 'medium' as const,
    attackTechniques: ['T1190'],
    observables: { hosts: [{ hostname: 'staging-web' }], users, network: [{ srcIp, dstPort: 443 }] },
  });

  it("a WAF alert naming no account, from the tester's range during the engagement, is the engagement's", () => {
    const r = score(waf('203.0.113.11'));
    expect(text(r)).toContain('authorised engagement pentest');
    expect(r.disposition).toBe('auto_close');
  });

  it.each([
    ['from outside the range', waf('203.0.113.87')],
    ["naming another account than the tester's", waf('203.0.113.11', [{ name: 'admin' }])],
  ])('twin: %s is not explained', (_, a) => {
    const r = score(a);
    expect(text(r)).not.toContain('engagement');
    expect(r.disposition).toBe('escalate');
  });

  it('twin: after the engagement ended the range explains nothing', () => {
    const r = score({ ...waf('203.0.113.11'), time: '2026-03-25T06:00:00Z' });
    expect(text(r)).not.toContain('engagement');
    expect(r.disposition).toBe('escalate');
  });

  it('model v2 still asks for the account', () => {
    expect(text(score(waf('203.0.113.11'), 'v2'))).not.toContain('engagement');
  });
});
