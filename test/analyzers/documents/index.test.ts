import { gzipSync } from 'node:zlib';
import { PDFDocument } from 'pdf-lib';
import { Finding } from '../../../src/domain/finding';
import { analyzeDocument, sniffDocument } from '../../../src/analyzers/documents';
import { buildDocm, buildMacroDoc, buildTar, buildVbaProjectBin, buildZip, DROPPER_CODE } from './builders';
import { corpusAttachment } from './corpus-attachments';

describe('analyzeDocument dispatches on magic bytes', () => {
  test('compound file → ole-vba', async () => {
    const report = await analyzeDocument(buildMacroDoc([{ name: 'Module1', code: DROPPER_CODE }]), 'a.doc');
    expect(report.kind).toBe('ole');
    expect(report.findings.map((f) => [f.analyzer, f.verdict])).toEqual([['ole-vba', 'malicious']]);
    expect(report.ole?.autoExec).toEqual(['AutoOpen']);
  });

  test('%PDF → pdf', async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    const report = await analyzeDocument(await doc.save());
    expect(report.kind).toBe('pdf');
    expect(report.findings.map((f) => [f.analyzer, f.verdict])).toEqual([['pdf', 'benign']]);
    expect(report.pdf?.objects).toBeGreaterThan(0);
  });

  test('an Office package → the ooxml finding only; its parts are still returned as members', async () => {
    const report = await analyzeDocument(await buildDocm(buildVbaProjectBin([{ name: 'Module1', code: DROPPER_CODE }])), 'x.docm');
    expect(report).toMatchObject({ kind: 'zip', ooxml: true });
    expect(report.findings.map((f) => f.analyzer)).toEqual(['ooxml']);
    expect(report.members.map((m) => m.path)).toContain('word/vbaProject.bin');
  });

  test('a plain zip → archive, with members for further analysis', async () => {
    const report = await analyzeDocument(await buildZip([{ name: 'a.js', data: 'x' }]));
    expect(report).toMatchObject({ kind: 'zip', ooxml: false });
    expect(report.findings.map((f) => f.analyzer)).toEqual(['archive']);
    expect(report.members[0].name).toBe('a.js');
  });

  test('gzip and tar → archive', async () => {
    const tar = buildTar([{ name: 'a.txt', data: 'x' }]);
    expect(sniffDocument(tar)).toBe('tar');
    expect(sniffDocument(gzipSync(tar))).toBe('gzip');
    const report = await analyzeDocument(gzipSync(tar), 'a.tar.gz');
    expect(report.members.map((m) => m.path)).toEqual(['a.tar', 'a.tar/a.txt']);
  });

  test('a real ISO attachment (corpus) is flagged as a disk image', async () => {
    const iso = await corpusAttachment('1266', 'quotation.iso');
    const report = await analyzeDocument(iso, 'quotation.iso');
    expect(report.kind).toBe('iso');
    expect(report.findings[0]).toMatchObject({ verdict: 'suspicious', attack: ['T1553.005'] });
  });

  test('a real phishing PDF (corpus) → its link, no active content', async () => {
    const report = await analyzeDocument(await corpusAttachment('177', 'q1iR5VGqk5.pdf'));
    expect(report.pdf?.uris).toEqual(['https://cutt.us/UTPlqi4dg']);
    expect(report.findings[0].verdict).toBe('benign');
  });

  test('anything else → one finding with error', async () => {
    const report = await analyzeDocument(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'x.png');
    expect(report.kind).toBe('unknown');
    expect(report.findings).toHaveLength(1);
    expect(Finding.parse(report.findings[0]).error).toMatch(/89504e470d0a1a0a/);
  });
});
