// Hostile and broken input: analyzeFileStatic must return a finding (degraded or with `error`),
// never throw, and finish quickly however the headers lie.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Finding } from '../../../src/domain/finding';
import { analyzeFileStatic, describeFile } from '../../../src/analyzers/file';
import { parseElf } from '../../../src/analyzers/file/elf';
import { parsePe } from '../../../src/analyzers/file/pe';
import * as entropy from '../../../src/analyzers/file/entropy';
import * as hashes from '../../../src/analyzers/file/hashes';
import * as strings from '../../../src/analyzers/file/strings';
import { craftPe, noise, SCN } from './craft-pe';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'file');
const HELLO_PE = new Uint8Array(readFileSync(join(FIXTURES, 'hello-x64.exe')));
const HELLO_ELF = new Uint8Array(readFileSync(join(FIXTURES, 'hello-elf-upx')));
const LS = new Uint8Array(readFileSync('/usr/bin/ls'));

// hello-x64.exe layout (pefile): e_lfanew 0x80, file header 0x84, optional header 0x98 (240 bytes), section table 0x188.
const FILE_HEADER = 0x84;
const SECTION_TABLE = 0x188;

function safeAnalyze(bytes: Uint8Array, name?: string): Finding {
  const f = analyzeFileStatic(bytes, name);
  expect(Finding.parse(f)).toEqual(f);
  return f;
}

function patched(base: Uint8Array, edit: (v: DataView) => void): Uint8Array {
  const copy = new Uint8Array(base);
  edit(new DataView(copy.buffer));
  return copy;
}

/** Bytes handed to the byte scanners (whole-file and per-region entropy, hashes, strings) while
 *  fn runs: the work of file analysis, counted instead of timed. */
function scanned<T>(fn: () => T): { value: T; bytes: number; entropyBytes: number } {
  let bytes = 0,
    entropyBytes = 0;
  const count = <A extends unknown[], R>(spy: jest.SpyInstance<R, A>, original: (...a: A) => R, isEntropy = false) =>
    spy.mockImplementation((...args: A) => {
      const n = (args[0] as Uint8Array).length;
      bytes += n;
      if (isEntropy) entropyBytes += n;
      return original(...args);
    });
  const { shannonEntropy } = entropy,
    { sha256Hex } = hashes,
    { extractStringIndicators } = strings;
  const measure = entropy.EntropyBudget.prototype.measure;
  const spies = [
    count(jest.spyOn(entropy, 'shannonEntropy'), shannonEntropy, true),
    count(jest.spyOn(hashes, 'sha256Hex'), sha256Hex),
    count(jest.spyOn(strings, 'extractStringIndicators'), extractStringIndicators),
    jest.spyOn(entropy.EntropyBudget.prototype, 'measure').mockImplementation(function (this: entropy.EntropyBudget, region: Uint8Array) {
      const h = measure.call(this, region);
      if (h !== undefined) {
        bytes += region.length;
        entropyBytes += region.length;
      }
      return h;
    }),
  ];
  try {
    return { value: fn(), bytes, entropyBytes };
  } finally {
    spies.forEach((s) => s.mockRestore());
  }
}

test('the header offsets this suite patches are where pefile says they are', () => {
  const v = new DataView(HELLO_PE.buffer, HELLO_PE.byteOffset);
  expect(v.getUint32(0x3c, true)).toBe(FILE_HEADER - 4);
  expect(v.getUint16(FILE_HEADER + 2, true)).toBe(10);
  expect(Buffer.from(HELLO_PE.subarray(SECTION_TABLE, SECTION_TABLE + 5)).toString()).toBe('.text');
});

describe('empty and shapeless input', () => {
  test('empty input is an error finding, not an exception', () => {
    const f = safeAnalyze(new Uint8Array(0));
    expect(f.error).toMatch(/empty/);
    expect(f).toMatchObject({ verdict: 'unknown', score: 0, confidence: 0 });
  });

  test('random bytes: unknown data, high entropy, no crash', () => {
    const f = safeAnalyze(noise(1024 * 1024, 42));
    expect(f.verdict).toBe('unknown');
    expect(f.evidence[0]).toMatch(/^unrecognized binary data, 1048576 bytes, entropy (?:8|7\.99\d*)$/);
  });

  test('a 50 MB zero buffer is scanned a bounded number of times', () => {
    const size = 50 * 1024 * 1024;
    const { value: f, bytes } = scanned(() => safeAnalyze(new Uint8Array(size), 'zeros.bin'));
    expect(f.verdict).toBe('unknown');
    expect(f.evidence[0]).toContain('entropy 0');
    expect(bytes).toBeGreaterThanOrEqual(size); // the counters see the work
    expect(bytes).toBeLessThanOrEqual(3 * size); // entropy, hashes, strings: one pass each
  });
});

describe('broken PE headers', () => {
  test('every truncation of a real PE header region degrades instead of throwing', () => {
    for (let len = 1; len <= 0x600; len += 7) {
      const f = safeAnalyze(HELLO_PE.subarray(0, len), 'cut.exe');
      expect(f.error).toBeUndefined();
    }
  });

  test('a PE cut inside its optional header reports the unreadable structure', () => {
    const facts = describeFile(HELLO_PE.subarray(0, 0xa0));
    expect(facts.type.id).toBe('pe');
    expect(facts.pe).toBeUndefined();
    expect(facts.parseErrors[0]).toMatch(/PE structure unreadable: truncated: optional header/);
    const f = safeAnalyze(HELLO_PE.subarray(0, 0xa0));
    expect(f.summary).toMatch(/unreadable structure/);
    expect(f.confidence).toBeLessThan(0.3);
  });

  test('a PE cut inside its section table keeps the sections it could read', () => {
    const pe = parsePe(HELLO_PE.subarray(0, SECTION_TABLE + 40 * 3 + 10));
    expect(pe.sections.map((s) => s.name)).toEqual(['.text', '.data', '.rdata']);
    expect(pe.anomalies).toContain('section table truncated after 3 of 10 sections');
  });

  test('NumberOfSections 0xFFFF is bounded and reported', () => {
    const bytes = patched(HELLO_PE, (v) => v.setUint16(FILE_HEADER + 2, 0xffff, true));
    const { value: f, bytes: work } = scanned(() => safeAnalyze(bytes));
    expect(f.evidence.join('\n')).toContain('NumberOfSections 65535 exceeds the Windows loader limit of 96');
    expect(work).toBeLessThanOrEqual(3 * bytes.length + 2 * bytes.length + 1024 * 1024);
    expect(describeFile(bytes).pe!.sections.length).toBeLessThan(bytes.length / 40); // what the file can hold
  });

  test('SizeOfRawData far beyond the file is reported and clipped', () => {
    const bytes = patched(HELLO_PE, (v) => v.setUint32(SECTION_TABLE + 16, 0x7fffffff, true));
    const pe = parsePe(bytes);
    expect(pe.anomalies[0]).toMatch(/section "\.text" claims raw data 0x400\+0x7fffffff beyond the end of the file/);
    expect(pe.sections[0].entropy).toBeGreaterThan(0);
    expect(safeAnalyze(bytes).evidence.join('\n')).toContain('header anomalies:');
  });

  test('e_lfanew pointing past the file leaves a DOS MZ file, not a crash', () => {
    const bytes = patched(HELLO_PE, (v) => v.setUint32(0x3c, 0xfffffff0, true));
    const facts = describeFile(bytes);
    expect(facts.type.id).toBe('dos-mz');
    expect(facts.pe).toBeUndefined();
  });

  test('0x800 sections all pointing at the same 8 MB stay within the entropy budget', () => {
    const sections = Array.from({ length: 0x800 }, (_, i) => ({
      name: `.s${i}`,
      data: new Uint8Array(0),
      characteristics: SCN.IDATA | SCN.READ,
    }));
    const base = craftPe({ sections });
    const bytes = new Uint8Array(8 * 1024 * 1024);
    bytes.set(base);
    const v = new DataView(bytes.buffer);
    const table = v.getUint32(0x3c, true) + 4 + 20 + 240;
    for (let i = 0; i < 0x800; i++) {
      v.setUint32(table + i * 40 + 16, bytes.length, true); // SizeOfRawData: whole file
      v.setUint32(table + i * 40 + 20, 0, true); // PointerToRawData: start
    }
    const { value: pe, entropyBytes } = scanned(() => parsePe(bytes));
    expect(pe.sections).toHaveLength(0x800);
    expect(pe.sections.filter((s) => s.entropy === undefined).length).toBeGreaterThan(0x700);
    expect(entropyBytes).toBeGreaterThan(0);
    expect(entropyBytes).toBeLessThanOrEqual(2 * bytes.length + 1024 * 1024); // not 0x800 × 8 MB
  });

  test('an import table with 20,000 thunks is capped exactly as pefile caps it', () => {
    // pefile 2024.8.26 on this file: 8193 imports ("Excessive number of imports 8193 (>8192)"),
    // imphash 72674ef1a9a188883c3faf645ef78a12.
    const bytes = craftPe({ imports: [{ dll: 'k.dll', functions: Array.from({ length: 20_000 }, (_, i) => `F${i}`) }] });
    const pe = parsePe(bytes);
    expect(pe.importCount).toBe(8193);
    expect(pe.imphash).toBe('72674ef1a9a188883c3faf645ef78a12');
    expect(pe.anomalies.join()).toMatch(/more than 8192 imported symbols/);
    expect(pe.imports.reduce((n, d) => n + d.functions.length, 0)).toBeLessThanOrEqual(8193);
  });

  test('an import directory pointing outside the file is an anomaly', () => {
    const base = craftPe({ imports: [{ dll: 'k.dll', functions: ['A'] }] });
    const bytes = patched(base, (v) => v.setUint32(v.getUint32(0x3c, true) + 24 + 112 + 8, 0x7ffffff0, true));
    const pe = parsePe(bytes);
    expect(pe.imports).toEqual([]);
    expect(pe.anomalies.join()).toMatch(/import directory at 0x7ffffff0 is outside the file/);
  });
});

describe('broken ELF headers', () => {
  test('every truncation of a real ELF header region degrades instead of throwing', () => {
    for (let len = 1; len <= 0x400; len += 5) expect(safeAnalyze(LS.subarray(0, len)).error).toBeUndefined();
  });

  test('absurd counts and offsets are bounded and reported', () => {
    const bytes = patched(LS, (v) => {
      v.setUint16(60, 0xfffe, true); // e_shnum
      v.setUint16(56, 0xfffe, true); // e_phnum
      v.setUint16(62, 0x7000, true); // e_shstrndx past the table
    });
    const { value: elf, entropyBytes } = scanned(() => parseElf(bytes));
    expect(entropyBytes).toBeLessThanOrEqual(2 * bytes.length + 1024 * 1024);
    expect(elf.sections.length).toBeLessThan(bytes.length / 64); // only the headers that fit in the file
    expect(elf.anomalies.join('\n')).toMatch(/section headers truncated/);
    expect(elf.anomalies.join('\n')).toMatch(/program headers truncated/);
  });

  test('an invalid class is a parse error in the facts, the finding still forms', () => {
    const bytes = patched(LS, (v) => v.setUint8(4, 9));
    expect(describeFile(bytes).parseErrors).toEqual(['ELF structure unreadable: invalid ELF class 9']);
    safeAnalyze(bytes);
  });
});

describe('random corruption (fast-check)', () => {
  const mutations = fc.array(fc.tuple(fc.nat(0x5ff), fc.nat(255)), { minLength: 1, maxLength: 24 });
  const corrupt = (base: Uint8Array, muts: [number, number][]) => {
    const copy = new Uint8Array(base);
    for (const [at, value] of muts) if (at < copy.length) copy[at] = value;
    return copy;
  };

  test.each([
    ['PE fixture', HELLO_PE],
    ['packed ELF fixture', HELLO_ELF],
    [
      'crafted PE with imports',
      craftPe({
        imports: [
          { dll: 'WS2_32.dll', functions: [1, 2, 'send'] },
          { dll: 'k.dll', functions: ['A', 'B'] },
        ],
      }),
    ],
  ])('byte flips in the headers of the %s never escape as exceptions', (_name, base) => {
    fc.assert(
      fc.property(mutations, (muts) => {
        const f = analyzeFileStatic(corrupt(base, muts), 'x.exe');
        return Finding.safeParse(f).success && f.error === undefined;
      }),
      { numRuns: 300, seed: 20240601 },
    );
  });

  test('arbitrary bytes behind an MZ/PE or ELF prefix never escape as exceptions', () => {
    const prefixes = [
      Buffer.from('MZ'),
      Buffer.from(HELLO_PE.subarray(0, 0x90)),
      Buffer.from(LS.subarray(0, 0x40)),
      Buffer.from('\x7fELF\x02\x01\x01', 'latin1'),
    ];
    fc.assert(
      fc.property(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 2048 }), (prefix, tail) => {
        const f = analyzeFileStatic(Buffer.concat([prefix, tail]));
        return Finding.safeParse(f).success;
      }),
      { numRuns: 400, seed: 7 },
    );
  });
});
