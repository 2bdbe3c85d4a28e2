// The investigation over real evidence, on the real database: a phishing email from the
// corpus, a password-protected zip holding a macro document, malformed files, and the cache
// that makes a storm analyze each object once.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { extractObservables } from '../../src/domain/observables';
import { parseAlert } from '../../src/domain/alert';
import { defaultPlan } from '../../src/investigation/default-plan';
import { runInvestigation } from '../../src/investigation/investigate';
import { pgInvestigationStore } from '../../src/investigation/store';
import { ANALYZER_VERSION as SIMILARITY_VERSION, similarityHashes } from '../../src/analyzers/similarity/analyze';
import { storeEvidence } from '../../src/store/evidence';
import { getObjectHashes } from '../../src/store/object-hashes';
import { addCatalogueEntries } from '../../src/store/similarity';
import { buildMacroDoc, buildZip, DROPPER_CODE } from '../analyzers/documents/builders';
import { corpusPath } from '../helpers/corpus';
import { openTestDatabase, type TestDatabase } from '../helpers/database';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db?.close());

const context = () => {
  const alert = parseAlert({ source: 't', sourceId: 'x', time: '2026-11-20T10:00:00Z', title: 'reported email', severity: 'medium' });
  return { observables: extractObservables(alert), processes: [] };
};
const analyzers = (findings: { analyzer: string }[]) => findings.map((f) => f.analyzer).sort();

test('a password-protected zip with a macro dropper: the member is found, analyzed and flagged', async () => {
  const doc = buildMacroDoc([{ name: 'Module1', code: DROPPER_CODE }]);
  const zip = await buildZip([{ name: 'invoice.doc', data: doc, password: 'infected' }]);
  const ref = await storeEvidence(db.pool, { kind: 'attachment', mediaType: 'application/zip', name: 'invoice.zip', content: zip });
  const findings = await runInvestigation(pgInvestigationStore(db.pool), defaultPlan(db.pool), context(), [ref]);

  const member = findings.filter((f) => f.analyzer.includes('invoice.zip > '));
  expect(member.length).toBeGreaterThan(0);
  const docFinding = findings.find((f) => f.analyzer.startsWith('document:invoice.zip > '));
  expect(docFinding).toMatchObject({ verdict: 'malicious' });
  expect(docFinding!.attack).toEqual(expect.arrayContaining(['T1204.002']));
  // Every object analyzer ran on the member too (VBA source is compressed inside the CFB, so
  // raw-byte YARA strings need not match it; the document analyzer decompresses it).
  expect(findings.some((f) => f.analyzer.startsWith('yara:invoice.zip > '))).toBe(true);
  expect(findings.some((f) => f.analyzer.startsWith('similarity:invoice.zip > '))).toBe(true);
});

test('a real phishing email: the email analyzer and the attachment analyzers all report', async () => {
  const bytes = readFileSync(corpusPath('eml', 'phishing', 'phishing_pot-sample-432.eml'));
  const ref = await storeEvidence(db.pool, { kind: 'email', mediaType: 'message/rfc822', name: 'report.eml', content: bytes });
  const findings = await runInvestigation(pgInvestigationStore(db.pool), defaultPlan(db.pool), context(), [ref]);
  const email = findings.find((f) => f.analyzer === 'email:report.eml');
  expect(email?.verdict).toBe('malicious'); // HTML smuggling (msSaveOrOpenBlob), per the email analyzer's own corpus test
  expect(findings.every((f) => !f.error)).toBe(true);
});

test('malformed files yield findings (errors at worst), never a failed investigation', async () => {
  const samples = [
    { name: 'random.bin', content: randomBytes(64 * 1024) },
    { name: 'truncated.pdf', content: Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog /OpenAction 2 0 R /Length 99999999 >>\nstream\n') },
    { name: 'truncated.zip', content: Buffer.from((await buildZip([{ name: 'a.txt', data: 'x'.repeat(5000) }])).subarray(0, 60)) },
    { name: 'empty.doc', content: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]) },
  ];
  const refs = [];
  for (const s of samples) refs.push(await storeEvidence(db.pool, { kind: 'file', mediaType: 'application/octet-stream', ...s }));
  const findings = await runInvestigation(pgInvestigationStore(db.pool), defaultPlan(db.pool), context(), refs);
  for (const s of samples) expect(findings.some((f) => f.analyzer.endsWith(`:${s.name}`))).toBe(true);
  expect(findings.every((f) => f.verdict !== 'malicious' || !f.error)).toBe(true);
});

test('the same object in a storm of alerts is analyzed once: later investigations hit the cache', async () => {
  const content = Buffer.concat([
    Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$'),
    Buffer.from('EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'),
    randomBytes(16),
  ]);
  const ref = await storeEvidence(db.pool, { kind: 'file', mediaType: 'application/octet-stream', name: 'eicar.com', content });
  const count = async () =>
    Number((await db.pool.query('SELECT count(*) AS n FROM analysis_cache WHERE object_sha256 = $1', [ref.sha256])).rows[0].n);
  const first = await runInvestigation(pgInvestigationStore(db.pool), defaultPlan(db.pool), context(), [ref]);
  const cachedRows = await count();
  expect(cachedRows).toBeGreaterThan(0);
  for (let i = 0; i < 5; i++) {
    const again = await runInvestigation(pgInvestigationStore(db.pool), defaultPlan(db.pool), context(), [ref]);
    expect(analyzers(again)).toEqual(analyzers(first));
    expect(again.find((f) => f.analyzer === 'yara:eicar.com')).toEqual(first.find((f) => f.analyzer === 'yara:eicar.com'));
  }
  expect(await count()).toBe(cachedRows);
  expect(first.find((f) => f.analyzer === 'yara:eicar.com')?.summary).toMatch(/EICAR/i);
});

test('fuzzy hashes are computed once per object, while the catalogue is read afresh on every alert', async () => {
  const content = randomBytes(8 * 1024);
  const ref = await storeEvidence(db.pool, { kind: 'file', mediaType: 'application/octet-stream', name: 'tool.bin', content });
  const similarity = async () =>
    (await runInvestigation(pgInvestigationStore(db.pool), defaultPlan(db.pool), context(), [ref])).find(
      (f) => f.analyzer === 'similarity:tool.bin',
    );

  expect((await similarity())?.verdict).toBe('unknown'); // nothing catalogued looks like random bytes
  const stored = await getObjectHashes(db.pool, ref.sha256, SIMILARITY_VERSION);
  expect(stored).toEqual(similarityHashes(content));

  // The stored hashes serve the next alert: swap in a sentinel and catalogue it as malicious.
  const sentinel = createHash('sha256').update(`sentinel ${ref.sha256}`).digest('hex');
  await db.pool.query('UPDATE object_hashes SET hashes = $3 WHERE object_sha256 = $1 AND version = $2', [
    ref.sha256,
    SIMILARITY_VERSION,
    JSON.stringify({ ...stored, sha256: sentinel }),
  ]);
  await addCatalogueEntries(db.pool, [{ label: 'sentinel', verdict: 'malicious', source: 'test', sha256: sentinel }]);
  const again = await similarity();
  expect(again?.verdict).toBe('malicious');
  expect(again?.evidence.join('\n')).toContain('sentinel');
});
