import { Finding } from '../../../src/domain/finding';
import { analyzeOleVba, ANALYZER_VERSION, scanForSource } from '../../../src/analyzers/documents/ole-vba';
import { parseVbaDir } from '../../../src/analyzers/documents/vba-dir';
import { findAutoExec, findKeywords } from '../../../src/analyzers/documents/vba-keywords';
import {
  BENIGN_CODE,
  biffWorkbook,
  buildCfb,
  buildMacroDoc,
  buildMacroXls,
  buildVbaProjectBin,
  CfbPatcher,
  dirStream,
  DOCUMENT_OPEN_CODE,
  DROPPER_CODE,
  moduleSource,
} from './builders';

// The documents here are built per [MS-OVBA] by ./builders; the same builders' output was
// cross-checked with olevba 0.60.2 (oletools), which extracted identical module source.

describe('VBA projects in compound files', () => {
  test('a .doc with AutoOpen + download + Shell is malicious, with the module source extracted', () => {
    const doc = buildMacroDoc([
      { name: 'ThisDocument', code: DOCUMENT_OPEN_CODE, type: 'document' },
      { name: 'Module1', code: DROPPER_CODE },
    ]);
    const { finding, facts } = analyzeOleVba(doc);
    expect(Finding.parse(finding)).toEqual(finding);
    expect(finding.verdict).toBe('malicious');
    expect(finding.score).toBeGreaterThanOrEqual(80);
    expect(finding.error).toBeUndefined();
    expect(facts.projects).toHaveLength(1);
    expect(facts.projects[0].storage).toBe('Macros/VBA');
    const byName = Object.fromEntries(facts.projects[0].modules.map((m) => [m.name, m]));
    expect(byName.Module1.source).toBe(moduleSource({ name: 'Module1', code: DROPPER_CODE }));
    expect(byName.Module1.type).toBe('procedural');
    expect(byName.ThisDocument.type).toBe('document-or-class');
    expect(facts.autoExec).toEqual(['AutoOpen', 'Document_Open']);
    expect(facts.keywords.map((k) => k.id)).toEqual(
      expect.arrayContaining(['shell', 'urldownloadtofile', 'environ', 'chr-obfuscation', 'create-object', 'declare']),
    );
    expect(finding.attack).toEqual(expect.arrayContaining(['T1204.002', 'T1059.005', 'T1105', 'T1027']));
    expect(finding.evidence.join('\n')).toContain('URLDownloadToFile 0, url, path, 0, 0');
  });

  test('an .xls project under _VBA_PROJECT_CUR with harmless code is benign', () => {
    const { finding, facts } = analyzeOleVba(buildMacroXls([{ name: 'Module1', code: BENIGN_CODE }]));
    expect(facts.projects[0].storage).toBe('_VBA_PROJECT_CUR/VBA');
    expect(facts.projects[0].modules[0].codeLineCount).toBe(3);
    expect(finding.verdict).toBe('benign');
    expect(finding.score).toBeLessThan(30);
    expect(finding.attack).toEqual(['T1059.005']);
  });

  test('Workbook_Open alone is suspicious, not malicious', () => {
    const { finding, facts } = analyzeOleVba(
      buildVbaProjectBin([{ name: 'ThisWorkbook', code: 'Private Sub Workbook_Open()\n    MsgBox "Hello"\nEnd Sub', type: 'document' }]),
    );
    expect(facts.autoExec).toEqual(['Workbook_Open']);
    expect(finding.verdict).toBe('suspicious');
    expect(finding.attack).toContain('T1204.002');
  });

  test('the p-code area before the source is skipped by MODULEOFFSET, whatever its size', () => {
    for (const pcodeBytes of [0, 1, 4096, 9000]) {
      const { facts } = analyzeOleVba(buildMacroDoc([{ name: 'Module1', code: BENIGN_CODE }], { pcodeBytes }));
      expect(facts.projects[0].modules[0].source).toBe(moduleSource({ name: 'Module1', code: BENIGN_CODE }));
    }
  });

  test('a document without VBA is benign with no attack ids', () => {
    const { finding, facts } = analyzeOleVba(buildCfb({ WordDocument: Buffer.alloc(600, 1), '1Table': Buffer.alloc(64) }));
    expect(facts.projects).toEqual([]);
    expect(finding.verdict).toBe('benign');
    expect(finding.score).toBe(0);
    expect(finding.attack).toEqual([]);
  });

  test('ANALYZER_VERSION is exported for the result cache', () => {
    expect(ANALYZER_VERSION).toMatch(/^\d+$/);
  });
});

describe('other risky contents of compound files', () => {
  test('an Excel 4.0 macro sheet, very hidden, is found from BoundSheet8 records', () => {
    const workbook = biffWorkbook([
      { name: 'Sheet1', type: 0, state: 0 },
      { name: 'Auto_Open', type: 1, state: 2 },
    ]);
    const { finding, facts } = analyzeOleVba(buildCfb({ Workbook: workbook }));
    expect(facts.objects?.xlmSheets).toEqual([{ name: 'Auto_Open', state: 'very hidden' }]);
    expect(finding.verdict).toBe('suspicious');
    expect(finding.score).toBeGreaterThanOrEqual(60);
  });

  test('an OLE Package carrying an executable, and an Equation Editor stream', () => {
    const label = Buffer.from('invoice.pdf.exe\0', 'latin1');
    const source = Buffer.from('C:\\Users\\a\\invoice.pdf.exe\0', 'latin1');
    const temp = Buffer.from('C:\\Temp\\invoice.pdf.exe\0', 'latin1');
    const payload = Buffer.from('MZ\x90\x00', 'latin1');
    const u32 = (n: number): Buffer => {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(n);
      return b;
    };
    const native = Buffer.concat([
      u32(0),
      Buffer.from([2, 0]),
      label,
      source,
      u32(0x00030000),
      u32(temp.length),
      temp,
      u32(payload.length),
      payload,
    ]);
    const { finding, facts } = analyzeOleVba(
      buildCfb({ 'ObjectPool/_1/\u0001Ole10Native': native, 'ObjectPool/_2/Equation Native': Buffer.alloc(80, 3) }),
    );
    expect(facts.objects?.packages[0]).toMatchObject({
      label: 'invoice.pdf.exe',
      sourcePath: 'C:\\Users\\a\\invoice.pdf.exe',
      dataSize: 4,
    });
    expect(facts.objects?.packages[0].flags.map((f) => f.id)).toEqual(expect.arrayContaining(['double-extension', 'executable']));
    expect(facts.objects?.equationEditor).toEqual(['ObjectPool/_2/Equation Native']);
    expect(finding.verdict).toBe('malicious');
    expect(finding.attack).toEqual(expect.arrayContaining(['T1036.007', 'T1203', 'T1204.002']));
  });

  test('an encrypted Office document is flagged as not inspectable', () => {
    const { finding, facts } = analyzeOleVba(buildCfb({ EncryptionInfo: Buffer.alloc(200, 1), EncryptedPackage: Buffer.alloc(5000, 2) }));
    expect(facts.objects?.encrypted).toBe(true);
    expect(finding.summary).toMatch(/encrypted/);
    expect(finding.attack).toContain('T1027.013');
  });
});

describe('damaged files still show their macros', () => {
  test('a file whose directory is gone: modules are found by scanning the raw bytes', () => {
    const p = new CfbPatcher(buildMacroDoc([{ name: 'Module1', code: DROPPER_CODE }]));
    p.header(48, 0x7ffffff0); // first directory sector far past the end
    const { finding, facts } = analyzeOleVba(p.bytes());
    expect(facts.recoveredByScan).toBe(true);
    expect(facts.structureError).toMatch(/past the end/);
    expect(facts.projects[0].modules[0].name).toBe('Module1');
    expect(facts.projects[0].modules[0].source).toContain('URLDownloadToFile 0, url, path, 0, 0');
    expect(finding.verdict).toBe('malicious');
    expect(finding.confidence).toBeLessThan(0.8);
  });

  test('a module stream whose chain loops: a module error, the rest of the project still read', () => {
    const big = Array.from({ length: 300 }, (_, i) => `    x = x + ${i}`).join('\n');
    const doc = buildMacroDoc(
      [
        { name: 'Module1', code: `Sub Big()\n${big}\nEnd Sub` },
        { name: 'Module2', code: DROPPER_CODE },
      ],
      { pcodeBytes: 4096 },
    );
    const p = new CfbPatcher(doc);
    const start = p.start('Module1');
    p.setFat(start + 1, start); // Module1 is over 4096 bytes with its p-code: a FAT chain, now cyclic
    const { finding, facts } = analyzeOleVba(p.bytes());
    const byName = Object.fromEntries(facts.projects[0].modules.map((m) => [m.name, m]));
    expect(byName.Module1.error).toMatch(/cyclic/);
    expect(byName.Module2.source).toContain('Sub AutoOpen()');
    expect(finding.verdict).toBe('malicious');
    expect(finding.evidence.join('\n')).toMatch(/Module1: .*cyclic/);
  });

  test('not a compound file at all: a finding with error', () => {
    const { finding } = analyzeOleVba(Buffer.from('just some text, not OLE'));
    expect(finding.error).toMatch(/not a compound file/);
    expect(finding.verdict).toBe('unknown');
    expect(finding.confidence).toBe(0);
  });

  test('scanForSource ignores "Attribut" text that is not compressed source', () => {
    expect(scanForSource(Buffer.from('\x00\x00\x00\x00Attribute VB_Name = "x"'), 's', 'l')).toEqual([]);
  });
});

describe('dir stream and keyword rules', () => {
  test('dir records: PROJECTVERSION reserved size, unicode names preferred, offsets read', () => {
    const dir = parseVbaDir(
      dirStream(
        [
          { name: 'Module1', code: '' },
          { name: 'ThisDocument', code: '', type: 'document' },
        ],
        1234,
        1252,
        'Invoice',
      ),
    );
    expect(dir.projectName).toBe('Invoice');
    expect(dir.codePage).toBe(1252);
    expect(dir.declaredModuleCount).toBe(2);
    expect(dir.modules).toEqual([
      { name: 'Module1', streamName: 'Module1', textOffset: 1234, type: 'procedural' },
      { name: 'ThisDocument', streamName: 'ThisDocument', textOffset: 1234, type: 'document-or-class' },
    ]);
    expect(dir.error).toBeUndefined();
  });

  test('a dir stream cut inside a record keeps what was read before the cut', () => {
    const full = dirStream(
      [
        { name: 'A', code: '' },
        { name: 'B', code: '' },
      ],
      10,
    );
    // The last 40 bytes hold B's terminators, type, cookie, help context and part of its MODULEOFFSET.
    const dir = parseVbaDir(full.subarray(0, full.length - 40));
    expect(dir.modules.map((m) => [m.name, m.textOffset])).toEqual([
      ['A', 10],
      ['B', 0],
    ]);
    expect(dir.error).toMatch(/runs past the end/);
  });

  test('auto-exec names count only as procedure definitions', () => {
    expect(findAutoExec('Sub AutoOpen()\r\nEnd Sub')).toEqual(['AutoOpen']);
    expect(findAutoExec('Public Sub Auto_Open()')).toEqual(['Auto_Open']);
    expect(findAutoExec('Private Sub InkPicture1_Painted(ByVal hDC As Long)')).toEqual(['InkPicture1_Painted']);
    expect(findAutoExec('\' call AutoOpen later\r\nMsgBox "Document_Open"')).toEqual([]);
  });

  test('keywords in comments and Attribute lines do not count; a few Chr() calls are not obfuscation', () => {
    expect(findKeywords('Attribute VB_Name = "Shell"\r\n\' Shell "calc"\r\nx = Chr(65) & Chr(66)')).toEqual([]);
    expect(findKeywords('Set o = CreateObject("WScript.Shell")').map((h) => h.id)).toEqual(['shell', 'create-object']);
    expect(findKeywords('cmd = "powershell -enc AAAA"').map((h) => h.id)).toEqual(['powershell']);
    expect(findKeywords('Shell "cmd.exe /c whoami", vbHide').map((h) => h.id)).toEqual(['shell', 'cmd']);
  });
});
