// Hostile inputs for the analyzers (issue 10, items 3 and 7). Each asserts the answer and a
// bound on the work done (steps, characters read, objects and bytes written), never time.
import { randomBytes } from 'node:crypto';
import { DefaultLogger } from '@temporalio/worker';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { ActivityDeps } from '../../src/activities/deps';
import { investigate } from '../../src/activities/investigate';
import { analyzePdf } from '../../src/analyzers/documents/pdf';
import { deobfuscateWith, loadPowerShellParser } from '../../src/analyzers/powershell';
import type { PowerShellParser } from '../../src/analyzers/powershell/parser';
import { parseAlert } from '../../src/domain/alert';
import type { Finding } from '../../src/domain/finding';
import { extractObservables } from '../../src/domain/observables';
import { DEFAULT_POLICY } from '../../src/domain/policy';
import { scoreAlert, UNREAD_EVIDENCE_ANALYZER } from '../../src/domain/scoring';
import { defaultPlan } from '../../src/investigation/default-plan';
import type { InvestigationPlan } from '../../src/investigation/investigate';
import { upsertAlert } from '../../src/store/alerts';
import { storeEvidence } from '../../src/store/evidence';
import { sourceEvidenceUsage } from '../../src/store/evidence-quota';
import { buildZip } from '../analyzers/documents/builders';
import { openTestDatabase, type TestDatabase } from '../helpers/database';

describe('PDF scanning is linear', () => {
  const REPEATS = 210_000; // 1 MB of five-character keys

  test('1 MB of "/JS <" (hex strings never closed): each is read up to the next delimiter only', () => {
    const input = Buffer.from(`%PDF-1.7\n1 0 obj\n${'/JS <'.repeat(REPEATS)}\nendobj\n%%EOF\n`, 'latin1');
    const { finding, facts } = analyzePdf(input);
    expect(facts.names.JS).toBe(REPEATS);
    expect(finding.summary).toMatch(/JavaScript/);
    // Was: each '<' searched to the end of the file for '>' (~10^11 characters for this input).
    expect(facts.stringCharsRead).toBeLessThanOrEqual(input.length);
  });

  test('1 MB of "/JS (" (literal strings never closed): the scan resumes after each string it read', () => {
    const input = Buffer.from(`%PDF-1.7\n1 0 obj\n${'/JS ('.repeat(REPEATS)}\nendobj\n%%EOF\n`, 'latin1');
    const { facts } = analyzePdf(input);
    expect(facts.javascript.length).toBeGreaterThan(0);
    // Was: every '(' re-read up to 16 KiB of the strings after it (~3·10^9 characters).
    expect(facts.stringCharsRead).toBeLessThanOrEqual(input.length);
  });

  test('a hex string still decodes, and a long one is read once', () => {
    const long = '41'.repeat(300_000);
    const { facts } = analyzePdf(
      Buffer.from(`%PDF-1.7\n1 0 obj << /JS <6170702e616c6572742831 29> /URI <${long}> >>\nendobj\n%%EOF\n`, 'latin1'),
    );
    expect(facts.javascript).toEqual(['app.alert(1)']);
    expect(facts.uris[0]).toBe('A'.repeat(4096));
    expect(facts.stringCharsRead).toBeLessThanOrEqual(long.length + 64);
  });
});

describe('PowerShell concatenation folding is linear and bounded per command line', () => {
  let parser: PowerShellParser;
  beforeAll(async () => {
    parser = await loadPowerShellParser();
  });
  const terms = (n: number) => Array.from({ length: n }, (_, i) => `'${String.fromCharCode(97 + (i % 26))}'`).join('+');

  test('a concatenation with an unknown first term costs work proportional to its length', () => {
    // The rewriter asks for every prefix of the chain in turn; each used to be walked again.
    const small = deobfuscateWith(parser, `$x = $y + ${terms(1500)}`);
    const large = deobfuscateWith(parser, `$x = $y + ${terms(6000)}`);
    expect(large.problems).toEqual([]);
    expect(large.steps).toBeLessThanOrEqual(4.5 * small.steps);
    expect(large.steps).toBeLessThan(20 * 6000);
  });

  test('6,000-term concatenations fold to the string, in linear work, line after line', () => {
    const lines = [`$x = ${terms(6000)} + $y`, `iex (${terms(6000)})`, `powershell -c "$u = ${terms(6000)}"`];
    for (const line of lines) {
      const d = deobfuscateWith(parser, line);
      expect(d.script).toContain('abcdefghijklmnopqrstuvwxyz'.repeat(200));
      expect(d.steps).toBeLessThan(20 * 6000);
    }
  });

  test('a line that needs more than its step budget yields a partial result that says so', () => {
    const d = deobfuscateWith(parser, `iex (${terms(6000)})`, 1000);
    expect(d.problems.join('\n')).toMatch(/work budget of \d+ steps spent/);
    expect(d.steps).toBeLessThan(1000 + 20 * 6000);
    expect(d.script).toContain("'a'+'b'"); // not folded: the budget stopped it, nothing hung
  });
});

describe('one decompression and storage budget per alert, and a quota per source', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(() => db?.close());

  const MB = 1024 * 1024;
  /** A zip bomb-like archive: nested zips of highly compressible members, unique to this run. */
  async function nestedBomb(): Promise<Uint8Array> {
    const salt = randomBytes(8).toString('hex');
    const leaf = (i: number) => ({ name: `payload-${i}.bin`, data: Buffer.concat([Buffer.from(`${salt}-${i}`), Buffer.alloc(MB)]) });
    const inner = async (j: number) => buildZip(Array.from({ length: 12 }, (_, i) => leaf(j * 100 + i)));
    const middle = async (k: number) =>
      buildZip(await Promise.all([0, 1, 2, 3].map(async (j) => ({ name: `inner-${k}-${j}.zip`, data: await inner(k * 10 + j) }))));
    return buildZip([
      ...(await Promise.all([0, 1, 2, 3].map(async (k) => ({ name: `middle-${k}.zip`, data: await middle(k) })))),
      ...Array.from({ length: 40 }, (_, i) => leaf(9000 + i)),
    ]);
  }

  async function investigateAlert(plan: InvestigationPlan, source: string, zip: Uint8Array) {
    const workflowId = `alert-${randomBytes(6).toString('hex')}`;
    const alert = parseAlert({ source, sourceId: workflowId, time: '2026-12-07T10:00:00Z', title: 'zip attachment', severity: 'low' });
    await upsertAlert(db.pool, workflowId, alert, extractObservables(alert));
    const ref = await storeEvidence(db.pool, { kind: 'attachment', mediaType: 'application/zip', name: 'bomb.zip', content: zip });
    const stored = async () =>
      (
        await db.pool.query<{ n: string; bytes: string }>(
          'SELECT count(*)::text AS n, coalesce(sum(size_bytes), 0)::text AS bytes FROM evidence',
        )
      ).rows[0];
    const before = await stored();
    // investigate only reads the database and the plan from its dependencies.
    const deps = { db: db.pool, investigation: plan } as unknown as ActivityDeps;
    const env = new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') });
    const run = () => investigate(deps, { workflowId, observables: extractObservables(alert), evidence: [ref] });
    const findings = await env.run<[], Finding[], typeof run>(run);
    const after = await stored();
    return {
      findings,
      objects: Number(after.n) - Number(before.n),
      bytes: Number(after.bytes) - Number(before.bytes),
      severity: alert.severity,
    };
  }

  test('a nested zip bomb writes no more than the alert budget, and the alert is not auto-closed', async () => {
    const plan = { ...defaultPlan(db.pool), budget: { maxStoredBytesPerAlert: 20 * MB, maxStoredObjectsPerAlert: 30 } };
    const zip = await nestedBomb();
    expect(zip.byteLength).toBeLessThan(MB); // ~100 MB of members behind it
    const { findings, objects, bytes, severity } = await investigateAlert(plan, `bomb-${randomBytes(4).toString('hex')}`, zip);
    expect(objects).toBeLessThanOrEqual(30);
    expect(bytes).toBeLessThanOrEqual(20 * MB);
    const unread = findings.find((f) => f.analyzer === UNREAD_EVIDENCE_ANALYZER);
    expect(unread?.summary).toMatch(/analysis budget exhausted/);
    expect(unread?.evidence.join('\n')).toMatch(/stored \d+ member object\(s\), \d+ bytes/);
    const triage = scoreAlert(severity, findings, DEFAULT_POLICY, undefined);
    expect(triage.disposition).not.toBe('auto_close');
  });

  test('the source quota holds across alerts: the next alert of that source only gets what is left of it', async () => {
    const source = `quota-${randomBytes(4).toString('hex')}`;
    const plan = {
      ...defaultPlan(db.pool),
      budget: { maxStoredBytesPerAlert: 1024 * MB, maxStoredObjectsPerAlert: 500 },
      sourceQuotaBytesPerDay: 6 * MB,
    };
    const first = await investigateAlert(plan, source, await nestedBomb());
    expect(first.bytes).toBeLessThanOrEqual(6 * MB);
    expect(await sourceEvidenceUsage(db.pool, source)).toBeLessThanOrEqual(6 * MB);
    expect(first.findings.find((f) => f.analyzer === UNREAD_EVIDENCE_ANALYZER)?.summary).toMatch(/source's daily evidence quota/);
    const used = await sourceEvidenceUsage(db.pool, source);
    const second = await investigateAlert(plan, source, await nestedBomb());
    expect(second.bytes).toBeLessThanOrEqual(6 * MB - used); // small members may still fit the remainder
    expect(await sourceEvidenceUsage(db.pool, source)).toBeLessThanOrEqual(6 * MB);
    expect(second.findings.some((f) => f.analyzer === UNREAD_EVIDENCE_ANALYZER)).toBe(true);
  });

  test('a benign-looking alert with an unread part is escalated, not closed', () => {
    const unread = {
      analyzer: UNREAD_EVIDENCE_ANALYZER,
      verdict: 'suspicious' as const,
      score: 50,
      confidence: 0.5,
      summary: 'analysis budget exhausted',
      evidence: [],
      attack: [],
    };
    const lenient = { ...DEFAULT_POLICY, autoCloseBelow: 60, suspiciousAtOrAbove: 70, maliciousAtOrAbove: 90 };
    const triage = scoreAlert('low', [unread], lenient, undefined);
    expect(triage.verdict).toBe('benign');
    expect(triage.disposition).toBe('escalate');
    expect(triage.reasons.join('\n')).toMatch(/not analyzed \(budget exhausted\)/);
  });
});
