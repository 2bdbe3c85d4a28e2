// Malformed inputs: every analyzer returns a valid finding — with `error`, or with a degraded
// result that says what was wrong — and never throws or hangs. The work is bounded by the
// analyzers' construction (stamped chain walks, capped decompression, linear scans), so the
// assertions are on results, not on time. Committed fixtures are made by ./fixtures.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Finding } from '../../../src/domain/finding';
import { analyzeDocument } from '../../../src/analyzers/documents';
import { analyzeArchive } from '../../../src/analyzers/documents/archive';
import { analyzeOleVba } from '../../../src/analyzers/documents/ole-vba';
import { analyzePdf } from '../../../src/analyzers/documents/pdf';
import { analyzeOoxml } from '../../../src/analyzers/documents/ooxml';
import { buildDocm, buildMacroDoc, buildVbaProjectBin, BENIGN_CODE, DROPPER_CODE } from './builders';
import { FIXTURE_DIR, FIXTURES, noise } from './fixtures';

const fixture = (name: keyof typeof FIXTURES): Uint8Array => readFileSync(join(FIXTURE_DIR, name));
const valid = (f: Finding): Finding => Finding.parse(f);

describe('truncated and cyclic compound files', () => {
  test('truncated inside the directory: no structure, nothing to recover → error', () => {
    const { finding } = analyzeOleVba(buildMacroDoc([{ name: 'Module1', code: BENIGN_CODE }]).subarray(0, 1500));
    expect(valid(finding).error).toMatch(/damaged compound file: .*truncated/);
  });

  test('cyclic directory chain (fixture): the module is still recovered from the raw bytes', () => {
    const { finding, facts } = analyzeOleVba(fixture('cyclic-dir-chain.doc'));
    expect(valid(finding).error).toBeUndefined();
    expect(facts.structureError).toMatch(/cyclic FAT chain/);
    expect(facts.recoveredByScan).toBe(true);
    expect(facts.projects[0].modules[0].source).toContain('Sub FormatTable()');
  });

  test('a stream entered mid-cycle (fixture that kills the cfb package reader): listed, its read fails cleanly', () => {
    const { finding, facts } = analyzeOleVba(fixture('stream-enters-cycle.cfb'));
    expect(valid(finding).error).toBeUndefined();
    expect(facts.streams).toEqual(expect.arrayContaining(['Big', 'VBA/dir']));
    // VBA/dir is one byte of junk: a VBA project is present but unreadable.
    expect(finding.summary).toMatch(/VBA project present but its code could not be read/);
  });

  test('cyclic module chain (fixture): a module error, the finding still made', () => {
    const { finding, facts } = analyzeOleVba(fixture('cyclic-module-chain.doc'));
    valid(finding);
    expect(facts.projects[0].modules.find((m) => m.name === 'Module1')?.error).toMatch(/cyclic/);
    expect(finding.evidence.join(' ')).toMatch(/cyclic/);
  });
});

describe('malformed PDFs', () => {
  test('huge declared /Length and an endless object (fixture): anomalies, no error', () => {
    const { finding, facts } = analyzePdf(fixture('endless-object.pdf'));
    expect(valid(finding).error).toBeUndefined();
    expect(facts.anomalies.join(' ')).toMatch(/larger than the file/);
    expect(facts.anomalies.join(' ')).toMatch(/without endobj/);
    // The /OpenAction + /JS inside the endless object are still seen.
    expect(finding.verdict).toBe('malicious');
  });

  test('200k nested dictionaries and arrays: scanned linearly, nothing to report', () => {
    const deep = Buffer.from(`%PDF-1.7\n1 0 obj\n${'<<'.repeat(100_000)}${'['.repeat(100_000)}\nendobj\n`);
    const { finding, facts } = analyzePdf(deep);
    expect(valid(finding).verdict).toBe('benign');
    expect(facts.objects).toBe(1);
  });
});

describe('malformed archives', () => {
  test('central directory missing (fixture): members recovered from local headers', async () => {
    const { finding, facts } = await analyzeArchive(fixture('no-central-directory.zip'));
    expect(valid(finding).error).toBeUndefined();
    expect(facts.recovered).toBe(true);
    expect(facts.members.map((m) => m.name)).toEqual(['a.txt', 'b.txt']);
  });

  test('zips nested 12 deep (fixture): opened to depth 3, the rest listed as too deep', async () => {
    const { finding, facts } = await analyzeArchive(fixture('nested-12.zip'));
    valid(finding);
    expect(Math.max(...facts.members.map((m) => m.depth))).toBe(3);
    expect(facts.tooDeep).toHaveLength(1);
  });

  test('an OOXML analyzer given a broken zip returns an error finding', async () => {
    const { finding } = await analyzeOoxml(Buffer.from('PK\x03\x04garbage', 'latin1'));
    expect(valid(finding).error).toBeDefined();
  });
});

describe('random bytes, alone and behind each magic number', () => {
  const MAGICS: Record<string, number[]> = {
    none: [],
    cfb: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
    zip: [0x50, 0x4b, 0x03, 0x04],
    gzip: [0x1f, 0x8b, 0x08, 0x00],
    pdf: [...Buffer.from('%PDF-1.7\n')],
  };

  test.each(Object.keys(MAGICS))('64 KB of noise after %s magic: a finding, error or degraded', async (kind) => {
    const bytes = Buffer.concat([Buffer.from(MAGICS[kind]), noise(64 * 1024, 0xdecafbad)]);
    const report = await analyzeDocument(bytes, `noise.${kind}`);
    expect(report.findings.length).toBeGreaterThan(0);
    for (const f of report.findings) valid(f);
    const degraded =
      report.findings.some((f) => f.error) || (report.pdf?.anomalies.length ?? 0) > 0 || (report.archive?.errors.length ?? 0) > 0;
    expect(degraded).toBe(true);
  });

  test('each analyzer directly on noise', async () => {
    const bytes = noise(4096, 42);
    expect(valid(analyzeOleVba(bytes).finding).error).toBeDefined();
    expect(valid(analyzePdf(bytes).finding).error).toBeDefined();
    expect(valid((await analyzeArchive(bytes)).finding).error).toBeDefined();
    expect(valid((await analyzeOoxml(bytes)).finding).error).toBeDefined();
  });

  test('property: any bytes behind any magic give valid findings and never throw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.values(MAGICS)), fc.uint8Array({ maxLength: 3000 }), async (magic, tail) => {
        const report = await analyzeDocument(Buffer.concat([Buffer.from(magic), Buffer.from(tail)]));
        expect(report.findings.length).toBeGreaterThan(0);
        for (const f of report.findings) valid(f);
      }),
      { numRuns: 150 },
    );
  });
});

describe('mutation fuzzing of well-formed files', () => {
  /** Overwrite bytes of `base` (within its first `span` bytes, where the structure lives). */
  const mutated = (base: Uint8Array, span: number) =>
    fc
      .array(fc.tuple(fc.nat({ max: Math.min(span, base.length) - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 24 })
      .map((edits) => {
        const copy = Buffer.from(base);
        for (const [at, value] of edits) copy[at] = value;
        return copy;
      });

  test('compound files with corrupted header, FAT and directory bytes', () => {
    const doc = buildMacroDoc([{ name: 'Module1', code: DROPPER_CODE }]);
    fc.assert(
      fc.property(mutated(doc, 4096), (bytes) => {
        valid(analyzeOleVba(bytes).finding);
      }),
      { numRuns: 300 },
    );
  });

  test('Office packages with corrupted zip structures', async () => {
    const docm = await buildDocm(buildVbaProjectBin([{ name: 'Module1', code: DROPPER_CODE }]));
    await fc.assert(
      fc.asyncProperty(mutated(docm, docm.length), async (bytes) => {
        const report = await analyzeDocument(bytes, 'x.docm');
        for (const f of report.findings) valid(f);
      }),
      { numRuns: 100 },
    );
  });

  test('PDFs with corrupted bytes', () => {
    const pdf = fixture('endless-object.pdf');
    fc.assert(
      fc.property(mutated(pdf, 200), (bytes) => {
        valid(analyzePdf(bytes).finding);
      }),
      { numRuns: 300 },
    );
  });
});
