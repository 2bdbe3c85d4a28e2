// analyzeFileStatic / describeFile: one verdict from the static facts, on real and crafted files.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Finding } from '../../../src/domain/finding';
import { analyzeFileStatic, ANALYZER_VERSION, describeFile, FILE_STATIC_ANALYZER } from '../../../src/analyzers/file';
import { craftPe, noise, SCN } from './craft-pe';

const ROOT = join(__dirname, '..', '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'file');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

// The EICAR test string, assembled here so this file is not itself flagged by scanners.
const EICAR = ['X5O!P%@AP[4\\PZX54(P^)7CC)7}$', 'EICAR-STANDARD-ANTIVIRUS-', 'TEST-FILE!$H+H*'].join('');

const INJECTION = {
  dll: 'KERNEL32.dll',
  functions: ['OpenProcess', 'VirtualAllocEx', 'WriteProcessMemory', 'CreateRemoteThread', 'ExitProcess'],
};
const upxSections = [
  { name: 'UPX0', data: new Uint8Array(0), virtualSize: 0x20000, characteristics: SCN.UDATA | SCN.EXEC | SCN.READ | SCN.WRITE },
  { name: 'UPX1', data: noise(0x6000), characteristics: SCN.IDATA | SCN.EXEC | SCN.READ | SCN.WRITE },
];

function analyze(bytes: Uint8Array, name?: string): Finding {
  const f = analyzeFileStatic(bytes, name);
  expect(Finding.parse(f)).toEqual(f); // always a well-formed finding
  expect(f.analyzer).toBe(FILE_STATIC_ANALYZER);
  return f;
}

test('the analyzer has a version for result caching', () => {
  expect(ANALYZER_VERSION).toMatch(/^\d+$/);
});

describe('EICAR', () => {
  test('the standard test file is malicious with full score, and says it is the test file', () => {
    const f = analyze(Buffer.from(`${EICAR}\r\n`), 'eicar.com');
    expect(f).toMatchObject({ verdict: 'malicious', score: 100, confidence: 1 });
    expect(f.summary).toMatch(/EICAR anti-malware test file/);
    expect(f.summary).toMatch(/not real malware/);
  });

  test('the string embedded later in a file is reported with its offset', () => {
    const f = analyze(Buffer.concat([Buffer.alloc(500, 0x20), Buffer.from(EICAR)]));
    expect(f.score).toBe(100);
    expect(f.summary).toContain('offset 500');
  });

  test('a near miss is not EICAR', () => {
    expect(analyze(Buffer.from(EICAR.replace('TEST', 'TEXT'))).verdict).toBe('unknown');
  });
});

describe('verdicts on real binaries', () => {
  test.each([
    ['hello-x64.exe', fixture('hello-x64.exe')],
    ['ordinals-x86.exe', fixture('ordinals-x86.exe')],
    ['/usr/bin/ls', readFileSync('/usr/bin/ls')],
    [
      'tree-sitter win32-x64 addon',
      readFileSync(join(ROOT, 'node_modules/tree-sitter-powershell/prebuilds/win32-x64/tree-sitter-powershell.node')),
    ],
  ])('%s: ordinary, so unknown with low confidence and no techniques', (_name, bytes) => {
    const f = analyze(bytes);
    expect(f.verdict).toBe('unknown');
    expect(f.score).toBeLessThan(30);
    expect(f.confidence).toBeLessThanOrEqual(0.3);
    expect(f.attack).toEqual([]);
    expect(f.summary).toMatch(/no static indicators/);
  });

  test('UPX-packed PE and ELF fixtures are suspicious for packing only', () => {
    for (const name of ['hello-x64-upx.exe', 'hello-elf-upx']) {
      const f = analyze(fixture(name), name);
      expect(f.verdict).toBe('suspicious');
      expect(f.attack).toEqual(['T1027.002']);
      expect(f.summary).toContain('packed by UPX');
    }
  });
});

describe('verdicts on crafted PE files', () => {
  test('injection imports alone: suspicious, T1055', () => {
    const f = analyze(craftPe({ imports: [INJECTION] }), 'tool.exe');
    expect(f.verdict).toBe('suspicious');
    expect(f.attack).toEqual(['T1055']);
    expect(f.evidence.some((e) => e.includes('VirtualAllocEx, WriteProcessMemory, CreateRemoteThread'))).toBe(true);
  });

  test('injection imports in a packed file: malicious, with both reasons', () => {
    const f = analyze(craftPe({ imports: [INJECTION], sections: upxSections, entrySection: 1 }), 'tool.exe');
    expect(f.verdict).toBe('malicious');
    expect(f.score).toBeGreaterThanOrEqual(75);
    expect(f.attack).toEqual(['T1027.002', 'T1055']);
    expect(f.summary).toMatch(/process injection/);
    expect(f.summary).toMatch(/packed by UPX/);
  });

  test('a PE named as a PDF: the extension mismatch is an evidence line (T1036.008)', () => {
    const f = analyze(craftPe(), 'Invoice_2024.pdf');
    expect(f.verdict).toBe('suspicious');
    expect(f.attack).toEqual(['T1036.008']);
    expect(f.evidence).toContain('extension mismatch: Windows PE executable named ".pdf" (document) — masquerading file type (T1036.008)');
  });

  test('a Run key among the strings is named as persistence', () => {
    const rdata = Buffer.from('Software\\Microsoft\\Windows\\CurrentVersion\\Run\0http://198.51.100.23/c2\0', 'latin1');
    const f = analyze(
      craftPe({
        sections: [
          { name: '.text', data: new Uint8Array(0x200).fill(0xc3), characteristics: SCN.CODE | SCN.EXEC | SCN.READ },
          { name: '.rdata', data: rdata, characteristics: SCN.IDATA | SCN.READ },
        ],
      }),
    );
    expect(f.attack).toEqual(['T1547.001']);
    expect(f.evidence).toEqual(
      expect.arrayContaining([
        expect.stringContaining('persistence Run key: Software\\Microsoft\\Windows\\CurrentVersion\\Run'),
        'URLs in strings: http://198.51.100.23/c2',
        'IPv4 addresses in strings: 198.51.100.23',
      ]),
    );
  });
});

describe('describeFile', () => {
  test('structured facts of a PE for other analyzers and reports', () => {
    const facts = describeFile(fixture('ordinals-x86.exe'), 'ordinals-x86.exe');
    expect(facts).toMatchObject({
      name: 'ordinals-x86.exe',
      size: 44032,
      type: { id: 'pe', category: 'executable' },
      imphash: '6f74aa2219cc777fd88384d497adc697',
      pe: { format: 'PE32', machine: 'x86', isDll: false, signed: false, importCount: 59 },
      signals: [],
      parseErrors: [],
    });
    expect(facts.sha256).toBe(createHash('sha256').update(fixture('ordinals-x86.exe')).digest('hex'));
    expect(facts.entropy).toBeGreaterThan(4);
    expect(facts.elf).toBeUndefined();
    expect(facts.eicar).toBeUndefined();
  });

  test('the sha256 the caller holds (the evidence store key) is reported, not computed again', () => {
    const known = 'f'.repeat(64); // no input hashes to it: a recomputed digest would differ
    expect(describeFile(fixture('ordinals-x86.exe'), undefined, { sha256: known }).sha256).toBe(known);
    expect(analyzeFileStatic(fixture('ordinals-x86.exe'), undefined, { sha256: known }).evidence).toContain(`sha256 ${known}`);
  });

  test('structured facts of an ELF', () => {
    const facts = describeFile(readFileSync('/usr/lib/x86_64-linux-gnu/libc.so.6'));
    expect(facts.type.id).toBe('elf');
    expect(facts.elf?.soname).toBe('libc.so.6');
    expect(facts.pe).toBeUndefined();
    expect(facts.imphash).toBeUndefined();
    expect(facts.strings.ascii).toBeGreaterThan(1000);
  });

  test('a DLL says so in its type', () => {
    expect(describeFile(craftPe({ dll: true })).type.description).toBe('Windows PE DLL');
  });
});
