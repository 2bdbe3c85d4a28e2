import fc from 'fast-check';
import { Finding } from '../../../src/domain/finding';
import { ANALYZER_VERSION, capeReportFinding, sandboxErrorFinding } from '../../../src/connectors/sandbox/cape-report';
import { capeReport } from './cape-report-fixture';

const SHA = 'cd'.repeat(32);

describe('CAPE report → sandbox finding', () => {
  it('maps malscore, signatures, families, network, dropped files and ATT&CK ids', () => {
    const f = capeReportFinding(capeReport(42, SHA, 'inv.exe'), 42);
    expect(Finding.parse(f)).toEqual(f);
    expect(ANALYZER_VERSION).toBe('1');
    expect(f).toMatchObject({
      analyzer: 'sandbox',
      verdict: 'malicious',
      score: 84,
      confidence: 0.95, // YARA-backed family detection
      summary: 'CAPE task 42: malscore 8.4/10, 3 signatures, family AgentTesla',
      attack: ['T1055', 'T1547.001', 'T1555.003'], // top-level ttps + a signature's own ttp; junk dropped
    });
    expect(f.evidence).toEqual([
      'CAPE task 42: malscore 8.4/10 (Malicious)',
      'family: AgentTesla',
      'signature infostealer_browser (severity 3): Steals private information from local Internet browsers',
      'signature persistence_autorun (severity 3): Installs itself for autorun at Windows startup',
      'signature injection_rwx (severity 2): Creates RWX memory',
      'contacted host 203.0.113.45',
      'contacted host 198.51.100.23',
      'resolved domain smtp.mail-relay.example',
      `dropped tmp4F2A.tmp.exe sha256 ${'ab'.repeat(32)}`,
      'executed: "C:\\Windows\\System32\\schtasks.exe" /Create /TN "Updates\\tmp" /XML "C:\\Users\\admin\\AppData\\Local\\Temp\\tmp.xml"',
    ]);
  });

  it('reads the older ttps shape [{ttp, signature}] and a string detections field', () => {
    const f = capeReportFinding(
      capeReport(7, SHA, 'a.exe', {
        ttps: [
          { ttp: 'T1059.001', signature: 'powershell' },
          { ttp: 'T1071', signature: 'c2' },
        ],
        detections: 'Emotet',
        malscore: 7.0,
      }),
      7,
    );
    expect(f.attack).toEqual(['T1059.001', 'T1071', 'T1555.003']); // the override replaced the fixture's ttps list
    expect(f).toMatchObject({ verdict: 'malicious', confidence: 0.85, score: 70 });
    expect(f.evidence).toContain('family: Emotet');
  });

  it('calls 4-7 suspicious, a quiet run that executed benign, and no execution unknown', () => {
    const quiet = { detections: [], signatures: [], ttps: [], malscore: 0, malstatus: 'Undetected', dropped: [], network: {} };
    expect(
      capeReportFinding(
        capeReport(1, SHA, 'a', { ...quiet, malscore: 5.2, signatures: [{ name: 'antivm_generic_disk', severity: 2 }] }),
        1,
      ),
    ).toMatchObject({ verdict: 'suspicious', score: 52, confidence: 0.6 });
    expect(capeReportFinding(capeReport(2, SHA, 'a', quiet), 2)).toMatchObject({
      verdict: 'benign',
      score: 0,
      confidence: 0.4,
      summary: 'CAPE task 2: malscore 0.0/10, 0 signatures',
    });
    expect(
      capeReportFinding(capeReport(3, SHA, 'a', { ...quiet, malstatus: 'Failed', behavior: { processtree: [], summary: {} } }), 3),
    ).toMatchObject({
      verdict: 'unknown',
      score: 0,
      confidence: 0.1,
      summary: 'CAPE task 3: malscore 0.0/10, 0 signatures, no process ran',
    });
    expect(
      capeReportFinding(capeReport(4, SHA, 'a', { ...quiet, malscore: 2.5, signatures: [{ name: 'packer_upx', severity: 2 }] }), 4),
    ).toMatchObject({ verdict: 'unknown', score: 25, confidence: 0.5 });
  });

  it('falls back to info.score (Cuckoo) and clamps scores outside 0-10', () => {
    expect(capeReportFinding({ info: { id: 5, score: 6 }, behavior: { processtree: [{}] } }, 5)).toMatchObject({
      verdict: 'suspicious',
      score: 60,
    });
    expect(capeReportFinding({ malscore: 37, behavior: {} }, 6)).toMatchObject({ score: 100, verdict: 'malicious' });
  });

  it('keeps untrusted strings on one bounded line and caps every list', () => {
    const long = 'A'.repeat(10_000);
    const f = capeReportFinding(
      capeReport(8, SHA, 'a', {
        signatures: Array.from({ length: 500 }, (_, i) => ({ name: `sig\n${i}\u0007`, description: long, severity: 1 })),
        network: { hosts: Array.from({ length: 1000 }, (_, i) => `10.0.${i >> 8}.${i & 255}`), domains: [] },
      }),
      8,
    );
    expect(f.evidence.filter((e) => e.startsWith('signature '))).toHaveLength(25);
    expect(f.evidence.filter((e) => e.startsWith('contacted host '))).toHaveLength(15);
    for (const e of f.evidence) {
      expect(e.length).toBeLessThanOrEqual(400);
      expect(e).not.toMatch(/\p{Cc}/u);
    }
  });

  it('gives an error finding, never a crash, for anything that is not a CAPE report', () => {
    for (const junk of [null, undefined, 42, 'report', [], [{ malscore: 9 }], { info: 'x' }, { malscore: 'high' }]) {
      const f = capeReportFinding(junk, 9);
      expect(f).toMatchObject({
        analyzer: 'sandbox',
        verdict: 'unknown',
        score: 0,
        error: 'report has no malscore (is it a CAPE report.json?)',
      });
    }
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const f = capeReportFinding(v, 10);
        expect(Finding.safeParse(f).success).toBe(true);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const f = capeReportFinding({ malscore: 5, signatures: v, ttps: v, detections: v, network: v, dropped: v, behavior: v }, 11);
        expect(Finding.safeParse(f).success).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('words error findings for the alert report', () => {
    expect(sandboxErrorFinding('analysis ended in state failed_analysis', 12)).toEqual({
      analyzer: 'sandbox',
      verdict: 'unknown',
      score: 0,
      confidence: 0,
      summary: 'sandbox analysis unavailable (CAPE task 12): analysis ended in state failed_analysis',
      evidence: ['CAPE task 12'],
      attack: [],
      error: 'analysis ended in state failed_analysis',
    });
  });
});
