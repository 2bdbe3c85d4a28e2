// ELF (Linux/Unix executable) headers, segments, sections, dynamic dependencies and symbols.
// Our own bounded reader rather than elfy: elfy throws on files without section headers (all
// UPX-packed ELF files), reads 64-bit sh_addralign/sh_entsize from the wrong offsets (46/54
// instead of 48/56) and slices every section into memory. Layout per the System V gABI.
import { hex, Reader } from './bytes';
import { EntropyBudget } from './entropy';

export interface ElfSection {
  name: string;
  type: string;
  offset: number;
  size: number;
  flags: string[];
  entropy?: number;
}

export interface ElfInfo {
  class: 'ELF32' | 'ELF64';
  endian: 'little' | 'big';
  osabi: number;
  type: string;
  machine: string;
  entry: number;
  /** Position-independent executable: ET_DYN with an interpreter. */
  pie: boolean;
  interpreter?: string;
  needed: string[];
  soname?: string;
  runpath?: string;
  sections: ElfSection[];
  /** Program headers; LOAD segments carry the entropy of their file bytes (packed files often have no sections). */
  segments: { type: string; offset: number; vaddr: number; fileSize: number; memSize: number; flags: string; entropy?: number }[];
  symbolCount: number;
  dynamicSymbolCount: number;
  importedSymbols: string[];
  stripped: boolean;
  anomalies: string[];
}

const MACHINES: Record<number, string> = {
  2: 'SPARC',
  3: 'x86',
  8: 'MIPS',
  20: 'PowerPC',
  21: 'PowerPC64',
  22: 'S/390',
  40: 'ARM',
  43: 'SPARCv9',
  50: 'IA-64',
  62: 'x86-64',
  183: 'AArch64',
  243: 'RISC-V',
  258: 'LoongArch',
  247: 'BPF',
};
const TYPES: Record<number, string> = { 0: 'none', 1: 'relocatable', 2: 'executable', 3: 'shared object', 4: 'core dump' };
const SECTION_TYPES: Record<number, string> = {
  0: 'NULL',
  1: 'PROGBITS',
  2: 'SYMTAB',
  3: 'STRTAB',
  4: 'RELA',
  5: 'HASH',
  6: 'DYNAMIC',
  7: 'NOTE',
  8: 'NOBITS',
  9: 'REL',
  11: 'DYNSYM',
  14: 'INIT_ARRAY',
  15: 'FINI_ARRAY',
  16: 'PREINIT_ARRAY',
  17: 'GROUP',
  18: 'SYMTAB_SHNDX',
  0x6ffffff6: 'GNU_HASH',
  0x6ffffffd: 'VERDEF',
  0x6ffffffe: 'VERNEED',
  0x6fffffff: 'VERSYM',
};
const SEGMENT_TYPES: Record<number, string> = {
  0: 'NULL',
  1: 'LOAD',
  2: 'DYNAMIC',
  3: 'INTERP',
  4: 'NOTE',
  5: 'SHLIB',
  6: 'PHDR',
  7: 'TLS',
  0x6474e550: 'GNU_EH_FRAME',
  0x6474e551: 'GNU_STACK',
  0x6474e552: 'GNU_RELRO',
  0x6474e553: 'GNU_PROPERTY',
};
const SHF_WRITE = 1;
const SHF_ALLOC = 2;
const SHF_EXECINSTR = 4;
const SHT_NOBITS = 8;
const SHT_SYMTAB = 2;
const SHT_DYNSYM = 11;
const DT = { NULL: 0, NEEDED: 1, STRTAB: 5, SONAME: 14, RPATH: 15, RUNPATH: 29 } as const;

const MAX_HEADERS = 0x10000;
const MAX_DYNAMIC_ENTRIES = 4096;
const MAX_SYMBOLS_READ = 200_000;
const MAX_IMPORTED_LISTED = 4096;

interface Layout {
  is64: boolean;
  r: Reader;
}

export function parseElf(bytes: Uint8Array): ElfInfo {
  const probe = new Reader(bytes);
  if (probe.u32(0, 'ELF ident') !== 0x464c457f) throw new Error('not an ELF file');
  const cls = probe.u8(4, 'ELF ident');
  const data = probe.u8(5, 'ELF ident');
  if (cls !== 1 && cls !== 2) throw new Error(`invalid ELF class ${cls}`);
  if (data !== 1 && data !== 2) throw new Error(`invalid ELF data encoding ${data}`);
  const is64 = cls === 2;
  const r = new Reader(bytes, data === 1);
  const L: Layout = { is64, r };
  const anomalies: string[] = [];
  const word = (o32: number, o64: number) => (is64 ? r.u64(o64, 'ELF header') : r.u32(o32, 'ELF header'));

  const typeCode = r.u16(16, 'ELF header');
  const machineCode = r.u16(18, 'ELF header');
  const entry = word(24, 24);
  const phoff = word(28, 32);
  const shoff = word(32, 40);
  const phentsize = r.u16(is64 ? 54 : 42, 'ELF header');
  let phnum = r.u16(is64 ? 56 : 44, 'ELF header');
  const shentsize = r.u16(is64 ? 58 : 46, 'ELF header');
  let shnum = r.u16(is64 ? 60 : 48, 'ELF header');
  let shstrndx = r.u16(is64 ? 62 : 50, 'ELF header');

  // Extended numbering: the real counts live in section header 0 when the fields overflow.
  if (shoff && r.has(shoff, is64 ? 64 : 40)) {
    if (shnum === 0) shnum = Math.min(MAX_HEADERS, is64 ? r.u64(shoff + 32) : r.u32(shoff + 20));
    if (shstrndx === 0xffff) shstrndx = r.u32(shoff + (is64 ? 40 : 24));
    if (phnum === 0xffff) phnum = Math.min(MAX_HEADERS, r.u32(shoff + (is64 ? 44 : 28)));
  }

  // Segments and the sections inside them cover the file about twice; more means overlapping lies.
  const budget = new EntropyBudget(2 * bytes.length + 1024 * 1024);
  const segments = readSegments(L, phoff, phnum, phentsize, anomalies, budget);
  const sections = readSections(L, shoff, shnum, shentsize, shstrndx, anomalies, budget);

  const interpSeg = segments.find((s) => s.type === 'INTERP');
  const interpreter = interpSeg && r.has(interpSeg.offset, 1) ? r.cString(interpSeg.offset, Math.min(interpSeg.fileSize, 4096)) : undefined;
  const dyn = readDynamic(L, segments, sections.raw);
  const symbols = readSymbols(L, sections.raw);

  return {
    class: is64 ? 'ELF64' : 'ELF32',
    endian: data === 1 ? 'little' : 'big',
    osabi: r.u8(7),
    type: TYPES[typeCode] ?? `unknown (${hex(typeCode)})`,
    machine: MACHINES[machineCode] ?? `unknown (${machineCode})`,
    entry,
    pie: typeCode === 3 && interpreter !== undefined,
    interpreter,
    needed: dyn.needed,
    soname: dyn.soname,
    runpath: dyn.runpath,
    sections: sections.described,
    segments,
    symbolCount: symbols.symtab,
    dynamicSymbolCount: symbols.dynsym,
    importedSymbols: symbols.imported,
    stripped: !sections.raw.some((s) => s.type === SHT_SYMTAB),
    anomalies: [...anomalies, ...dyn.anomalies],
  };
}

type Segment = ElfInfo['segments'][number];

function readSegments(
  { is64, r }: Layout,
  phoff: number,
  phnum: number,
  entsize: number,
  anomalies: string[],
  budget: EntropyBudget,
): Segment[] {
  const segments: Segment[] = [];
  if (!phoff || !phnum) return segments;
  const minSize = is64 ? 56 : 32;
  if (entsize < minSize) {
    anomalies.push(`program header entry size ${entsize} is too small`);
    return segments;
  }
  for (let i = 0; i < Math.min(phnum, MAX_HEADERS); i++) {
    const at = phoff + i * entsize;
    if (!r.has(at, minSize)) {
      anomalies.push(`program headers truncated after ${i} of ${phnum}`);
      break;
    }
    const type = r.u32(at);
    const flags = is64 ? r.u32(at + 4) : r.u32(at + 24);
    const segment: Segment = {
      type: SEGMENT_TYPES[type] ?? hex(type),
      offset: is64 ? r.u64(at + 8) : r.u32(at + 4),
      vaddr: is64 ? r.u64(at + 16) : r.u32(at + 8),
      fileSize: is64 ? r.u64(at + 32) : r.u32(at + 16),
      memSize: is64 ? r.u64(at + 40) : r.u32(at + 20),
      flags: `${flags & 4 ? 'R' : '-'}${flags & 2 ? 'W' : '-'}${flags & 1 ? 'X' : '-'}`,
    };
    if (segment.type === 'LOAD' && segment.fileSize > 0) {
      const entropy = budget.measure(r.clip(segment.offset, segment.fileSize));
      if (entropy !== undefined) segment.entropy = entropy;
    }
    segments.push(segment);
  }
  return segments;
}

interface RawSection {
  name: string;
  type: number;
  flags: number;
  offset: number;
  size: number;
  link: number;
  entsize: number;
}

function readSections(
  { is64, r }: Layout,
  shoff: number,
  shnum: number,
  entsize: number,
  shstrndx: number,
  anomalies: string[],
  budget: EntropyBudget,
) {
  const raw: RawSection[] = [];
  const described: ElfSection[] = [];
  if (!shoff || !shnum) return { raw, described };
  const minSize = is64 ? 64 : 40;
  if (entsize < minSize) {
    anomalies.push(`section header entry size ${entsize} is too small`);
    return { raw, described };
  }
  const nameOffsets: number[] = [];
  for (let i = 0; i < Math.min(shnum, MAX_HEADERS); i++) {
    const at = shoff + i * entsize;
    if (!r.has(at, minSize)) {
      anomalies.push(`section headers truncated after ${i} of ${shnum}`);
      break;
    }
    nameOffsets.push(r.u32(at));
    raw.push({
      name: '',
      type: r.u32(at + 4),
      flags: is64 ? r.u64(at + 8) : r.u32(at + 8),
      offset: is64 ? r.u64(at + 24) : r.u32(at + 16),
      size: is64 ? r.u64(at + 32) : r.u32(at + 20),
      link: r.u32(at + (is64 ? 40 : 24)),
      entsize: is64 ? r.u64(at + 56) : r.u32(at + 36),
    });
  }
  const strtab = raw[shstrndx];
  raw.forEach((s, i) => {
    const nameAt = strtab ? strtab.offset + nameOffsets[i] : -1;
    s.name = strtab && nameOffsets[i] < strtab.size && r.has(nameAt, 1) ? r.cString(nameAt, 256) : '';
    if (s.type !== SHT_NOBITS && s.size > 0 && s.offset + s.size > r.length) {
      anomalies.push(
        `section ${JSON.stringify(s.name)} claims ${hex(s.offset)}+${hex(s.size)} beyond the end of the file (${hex(r.length)})`,
      );
    }
    const entropy = s.type === SHT_NOBITS || s.size === 0 ? undefined : budget.measure(r.clip(s.offset, s.size));
    described.push({
      name: s.name,
      type: SECTION_TYPES[s.type] ?? hex(s.type),
      offset: s.offset,
      size: s.size,
      flags: [s.flags & SHF_ALLOC ? 'alloc' : '', s.flags & SHF_WRITE ? 'write' : '', s.flags & SHF_EXECINSTR ? 'exec' : ''].filter(
        Boolean,
      ),
      ...(entropy === undefined ? {} : { entropy }),
    });
  });
  return { raw, described };
}

/** DT_NEEDED and friends, found through PT_DYNAMIC (present even when section headers are stripped). */
function readDynamic({ is64, r }: Layout, segments: Segment[], sections: RawSection[]) {
  const out = {
    needed: [] as string[],
    soname: undefined as string | undefined,
    runpath: undefined as string | undefined,
    anomalies: [] as string[],
  };
  const dynSeg = segments.find((s) => s.type === 'DYNAMIC');
  const dynSec = sections.find((s) => s.type === 6);
  const start = dynSeg?.offset ?? dynSec?.offset;
  const size = dynSeg?.fileSize ?? dynSec?.size ?? 0;
  if (start === undefined) return out;
  const entSize = is64 ? 16 : 8;
  const entries: [number, number][] = [];
  for (let i = 0; i < Math.min(Math.floor(size / entSize), MAX_DYNAMIC_ENTRIES); i++) {
    const at = start + i * entSize;
    if (!r.has(at, entSize)) break;
    const tag = is64 ? r.u64(at) : r.u32(at);
    if (tag === DT.NULL) break;
    entries.push([tag, is64 ? r.u64(at + 8) : r.u32(at + 4)]);
  }
  const strtabAddr = entries.find(([t]) => t === DT.STRTAB)?.[1];
  let strtab = strtabAddr === undefined ? undefined : vaddrToOffset(segments, strtabAddr);
  if (strtab === undefined && dynSec) strtab = sections[dynSec.link]?.offset;
  if (strtab === undefined) {
    if (entries.some(([t]) => t === DT.NEEDED)) out.anomalies.push('dynamic section has no readable string table');
    return out;
  }
  const str = (v: number) => (r.has(strtab + v, 1) ? r.cString(strtab + v, 4096) : undefined);
  for (const [tag, v] of entries) {
    const s = tag === DT.NEEDED || tag === DT.SONAME || tag === DT.RPATH || tag === DT.RUNPATH ? str(v) : undefined;
    if (s === undefined) continue;
    if (tag === DT.NEEDED) out.needed.push(s);
    else if (tag === DT.SONAME) out.soname = s;
    else out.runpath = s;
  }
  return out;
}

function vaddrToOffset(segments: Segment[], vaddr: number): number | undefined {
  const load = segments.find((s) => s.type === 'LOAD' && vaddr >= s.vaddr && vaddr < s.vaddr + s.fileSize);
  return load ? vaddr - load.vaddr + load.offset : undefined;
}

function readSymbols({ is64, r }: Layout, sections: RawSection[]) {
  const entSize = is64 ? 24 : 16;
  const count = (s: RawSection | undefined) => (s ? Math.floor(s.size / (s.entsize || entSize)) : 0);
  const symtab = sections.find((s) => s.type === SHT_SYMTAB);
  const dynsym = sections.find((s) => s.type === SHT_DYNSYM);
  const imported: string[] = [];
  if (dynsym && (dynsym.entsize === 0 || dynsym.entsize >= entSize)) {
    const names = sections[dynsym.link];
    const step = dynsym.entsize || entSize;
    const n = Math.min(count(dynsym), MAX_SYMBOLS_READ);
    for (let i = 1; i < n && imported.length < MAX_IMPORTED_LISTED; i++) {
      const at = dynsym.offset + i * step;
      if (!r.has(at, entSize)) break;
      const shndx = r.u16(at + (is64 ? 6 : 14));
      const nameOff = r.u32(at);
      if (shndx !== 0 || nameOff === 0 || !names || nameOff >= names.size || !r.has(names.offset + nameOff, 1)) continue;
      imported.push(r.cString(names.offset + nameOff, 512));
    }
  }
  return { symtab: count(symtab), dynsym: count(dynsym), imported };
}
