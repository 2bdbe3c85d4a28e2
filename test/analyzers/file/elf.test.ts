// ELF parsing on this machine's own binaries and on ELF files shipped in node_modules, checked
// against elfy (section names, offsets, sizes, entry, interpreter) and against readelf output
// recorded in comments; plus a UPX-packed fixture and a crafted 32-bit big-endian file.
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import * as elfy from 'elfy';
import { parseElf } from '../../../src/analyzers/file/elf';
import { elfAnomalySignals, elfPackingSignals } from '../../../src/analyzers/file/signals';

const ROOT = join(__dirname, '..', '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'file');
const SYSTEM = ['/usr/bin/ls', realpathSync('/usr/bin/python3'), '/usr/lib/x86_64-linux-gnu/libc.so.6'];
const TS_LINUX_ARM64 = join(ROOT, 'node_modules/tree-sitter-powershell/prebuilds/linux-arm64/tree-sitter-powershell.node'); // 0.26.4

interface ElfySection {
  name: string;
  type: string | number;
  off: number;
  size: number;
}
interface ElfyProgram {
  type: string;
  data: Buffer;
}
interface ElfyResult {
  class: string;
  machine: string;
  entry: number;
  body: { sections: ElfySection[]; programs: ElfyProgram[] };
}

describe('parseElf agrees with elfy on real binaries', () => {
  test.each([...SYSTEM, TS_LINUX_ARM64])('%s', (path) => {
    const bytes = readFileSync(path);
    const ours = parseElf(bytes);
    const theirs = elfy.parse(bytes) as ElfyResult;
    expect(ours.class).toBe(theirs.class === '64' ? 'ELF64' : 'ELF32');
    expect(ours.entry).toBe(theirs.entry);
    expect(ours.sections.map((s) => [s.name, s.offset, s.size])).toEqual(theirs.body.sections.map((s) => [s.name, s.off, s.size]));
    const interp = theirs.body.programs.find((p) => p.type === 'interp');
    expect(ours.interpreter).toBe(interp ? interp.data.toString('latin1').replace(/\0+$/, '') : undefined);
    expect(ours.anomalies).toEqual([]);
    // Compiled code and data never look encrypted.
    for (const s of ours.sections.filter((x) => x.flags.includes('exec'))) expect(s.entropy).toBeLessThan(7);
    expect(elfPackingSignals(ours, bytes)).toEqual([]);
    expect(elfAnomalySignals(ours)).toEqual([]);
  });
});

describe('ELF facts', () => {
  test('ls: a PIE needing libc through the standard interpreter', () => {
    const ls = parseElf(readFileSync('/usr/bin/ls'));
    expect(ls.machine).toBe('x86-64');
    expect(ls.pie).toBe(true);
    expect(ls.interpreter).toBe('/lib64/ld-linux-x86-64.so.2');
    expect(ls.needed).toContain('libc.so.6');
    expect(ls.importedSymbols).toEqual(expect.arrayContaining(['opendir', 'readdir', 'closedir']));
    expect(ls.dynamicSymbolCount).toBeGreaterThan(ls.importedSymbols.length);
  });

  test('libc: a shared object with a soname and a symbol table', () => {
    const libc = parseElf(readFileSync('/usr/lib/x86_64-linux-gnu/libc.so.6'));
    expect(libc.type).toBe('shared object');
    expect(libc.soname).toBe('libc.so.6');
    expect(libc.needed).toEqual(['ld-linux-x86-64.so.2']);
    expect(libc.dynamicSymbolCount).toBeGreaterThan(2000);
  });

  test('an AArch64 Node addon: DT_NEEDED and DT_SONAME as readelf -d lists them', () => {
    const addon = parseElf(readFileSync(TS_LINUX_ARM64));
    expect(addon.machine).toBe('AArch64');
    expect(addon.needed).toEqual(['libstdc++.so.6', 'libgcc_s.so.1', 'libc.so.6', 'ld-linux-aarch64.so.1']);
    expect(addon.soname).toBe('tree_sitter_powershell_binding.node');
    expect(addon.interpreter).toBeUndefined();
    expect(addon.pie).toBe(false);
  });
});

describe('UPX-packed ELF (fixture built by make-fixtures.sh)', () => {
  const bytes = readFileSync(join(FIXTURES, 'hello-elf-upx'));

  test('elfy cannot read it at all; we read its segments', () => {
    expect(() => elfy.parse(bytes)).toThrow();
    const elf = parseElf(bytes);
    expect(elf.sections).toEqual([]);
    expect(elf.stripped).toBe(true);
    expect(elf.segments.filter((s) => s.type === 'LOAD')).toHaveLength(2);
    const code = elf.segments.find((s) => s.flags === 'R-X');
    expect(code?.entropy).toBeGreaterThan(7);
  });

  test('is flagged packed (T1027.002) with its UPX header named', () => {
    const [signal] = elfPackingSignals(parseElf(bytes), bytes);
    expect(signal.attack).toEqual(['T1027.002']);
    expect(signal.what).toBe('packed by UPX');
    expect(signal.line).toContain('no section headers');
  });
});

/** A minimal big-endian ELF32 (MIPS) executable with an interpreter, .shstrtab and a symbol table. */
function craftElf32BigEndian(interp: string): Uint8Array {
  const b = Buffer.alloc(0x400);
  b.write('\x7fELF', 0, 'latin1');
  b[4] = 1; // ELFCLASS32
  b[5] = 2; // big endian
  b[6] = 1;
  b.writeUInt16BE(2, 16); // ET_EXEC
  b.writeUInt16BE(8, 18); // MIPS
  b.writeUInt32BE(1, 20);
  b.writeUInt32BE(0x400100, 24); // entry
  b.writeUInt32BE(0x34, 28); // phoff
  b.writeUInt32BE(0x200, 32); // shoff
  b.writeUInt16BE(0x34, 40);
  b.writeUInt16BE(32, 42);
  b.writeUInt16BE(1, 44); // one program header
  b.writeUInt16BE(40, 46);
  b.writeUInt16BE(3, 48); // null, .shstrtab, .symtab
  b.writeUInt16BE(1, 50);
  // PT_INTERP at 0x100
  b.writeUInt32BE(3, 0x34);
  b.writeUInt32BE(0x100, 0x38);
  b.writeUInt32BE(interp.length + 1, 0x44);
  b.write(`${interp}\0`, 0x100, 'latin1');
  // section names at 0x180, symbols (3 x 16 bytes) at 0x1a0
  const names = '\0.shstrtab\0.symtab\0';
  b.write(names, 0x180, 'latin1');
  const sh = (i: number, name: number, type: number, off: number, size: number, entsize: number) => {
    const at = 0x200 + i * 40;
    b.writeUInt32BE(name, at);
    b.writeUInt32BE(type, at + 4);
    b.writeUInt32BE(off, at + 16);
    b.writeUInt32BE(size, at + 20);
    b.writeUInt32BE(entsize, at + 36);
  };
  sh(1, 1, 3, 0x180, names.length, 0);
  sh(2, 11, 2, 0x1a0, 48, 16);
  return new Uint8Array(b);
}

describe('crafted ELF32 big-endian', () => {
  test('fields read in the right byte order, cross-checked with elfy', () => {
    const bytes = craftElf32BigEndian('/lib/ld.so.1');
    const ours = parseElf(bytes);
    const theirs = elfy.parse(Buffer.from(bytes)) as ElfyResult;
    expect(ours).toMatchObject({
      class: 'ELF32',
      endian: 'big',
      machine: 'MIPS',
      type: 'executable',
      entry: 0x400100,
      interpreter: '/lib/ld.so.1',
      symbolCount: 3,
      stripped: false,
    });
    expect(ours.sections.map((s) => s.name)).toEqual(theirs.body.sections.map((s) => s.name));
    expect(ours.entry).toBe(theirs.entry);
  });

  test('an interpreter outside the system loader paths is unusual', () => {
    const elf = parseElf(craftElf32BigEndian('/tmp/.x/ld'));
    expect(elfAnomalySignals(elf).map((s) => s.id)).toEqual(['elf-interpreter']);
  });
});
