// PE (Windows executable) headers, sections and data directories, read with bounds checks.
// Our own reader rather than pe-library: pe-library is ESM-only (jest's CommonJS realm cannot
// load it synchronously), builds a writable model we do not need, and has no import table.
// Field offsets follow the Microsoft PE/COFF specification; address mapping follows pefile so
// section entropy and imphash agree with it.
import { EntropyBudget } from './entropy';
import { hex, Reader } from './bytes';
import { parseImports, type PeImport } from './pe-imports';

export interface PeSection {
  name: string;
  virtualAddress: number;
  virtualSize: number;
  rawOffset: number;
  rawSize: number;
  /** Of the raw data inside the file; absent when the entropy budget ran out. */
  entropy?: number;
  characteristics: number;
  flags: string[];
}

export interface PeInfo {
  format: 'PE32' | 'PE32+' | 'unknown';
  machine: string;
  timestamp: number;
  /** ISO time of TimeDateStamp; reproducible builds put a hash here, so it may be nonsense. */
  timestampIso?: string;
  characteristics: string[];
  isDll: boolean;
  subsystem: string;
  entryPoint: number;
  entrySection?: string;
  imageBase: number;
  declaredSections: number;
  sections: PeSection[];
  imports: PeImport[];
  importCount: number;
  imphash?: string;
  exportCount: number;
  /** An Authenticode blob is present (the certificate table); whether it verifies is not checked here. */
  signed: boolean;
  dotnet: boolean;
  overlaySize: number;
  anomalies: string[];
}

export const MACHINES: Record<number, string> = {
  0x14c: 'x86',
  0x8664: 'x64',
  0xaa64: 'ARM64',
  0xa641: 'ARM64EC',
  0xa64e: 'ARM64X',
  0x1c0: 'ARM',
  0x1c4: 'ARMv7 Thumb-2',
  0x200: 'IA-64',
  0xebc: 'EFI byte code',
  0x5064: 'RISC-V 64',
  0x166: 'MIPS',
  0x1f0: 'PowerPC',
  0: 'unknown',
};
const SUBSYSTEMS: Record<number, string> = {
  1: 'native',
  2: 'Windows GUI',
  3: 'Windows console',
  5: 'OS/2 console',
  7: 'POSIX console',
  9: 'Windows CE GUI',
  10: 'EFI application',
  11: 'EFI boot driver',
  12: 'EFI runtime driver',
  13: 'EFI ROM',
  14: 'Xbox',
  16: 'Windows boot application',
};
const FILE_CHARACTERISTICS: [number, string][] = [
  [0x0001, 'relocs-stripped'],
  [0x0002, 'executable'],
  [0x0020, 'large-address-aware'],
  [0x0100, '32-bit'],
  [0x0200, 'debug-stripped'],
  [0x0400, 'removable-run-from-swap'],
  [0x0800, 'net-run-from-swap'],
  [0x1000, 'system'],
  [0x2000, 'dll'],
];
const SECTION_FLAGS: [number, string][] = [
  [0x20, 'code'],
  [0x40, 'initialized-data'],
  [0x80, 'uninitialized-data'],
  [0x02000000, 'discardable'],
  [0x10000000, 'shared'],
  [0x20000000, 'execute'],
  [0x40000000, 'read'],
  [0x80000000, 'write'],
];
export const SCN_EXECUTE = 0x20000000;
export const SCN_WRITE = 0x80000000;
export const SCN_CODE = 0x20;

/** The Windows loader refuses more sections than this; pefile stops at 0x800. */
const LOADER_MAX_SECTIONS = 96;
const MAX_SECTIONS_PARSED = 0x800;
/**
 * Per-section entropy reads at most this many bytes in total (see EntropyBudget): honest sections
 * do not overlap, so twice the file is room enough; overlapping hostile ones run out.
 */
const entropyBudget = (fileLength: number) => new EntropyBudget(2 * fileLength + 1024 * 1024);

const DIR = { export: 0, import: 1, resource: 2, security: 4, clr: 14 } as const;

interface Directory {
  rva: number;
  size: number;
}

/** Maps RVAs to file offsets the way pefile does (sector-rounded raw pointers, aligned RVAs). */
export class AddressMap {
  private readonly ranges: { start: number; end: number; raw: number }[];
  constructor(
    private readonly fileLength: number,
    sections: PeSection[],
    sectionAlignment: number,
    fileAlignment: number,
  ) {
    const alignVa = (va: number) => {
      const a = sectionAlignment < 0x1000 ? fileAlignment : sectionAlignment;
      return a && va % a ? a * Math.floor(va / a) : va;
    };
    this.ranges = sections.map((s, i) => {
      const start = alignVa(s.virtualAddress);
      let raw = Math.floor(s.rawOffset / 0x200) * 0x200;
      if (sectionAlignment < 0x1000 && s.rawOffset === s.virtualAddress) raw = s.virtualAddress;
      let size = fileLength - raw < s.rawSize ? s.virtualSize : Math.max(s.rawSize, s.virtualSize);
      const next = sections[i + 1]?.virtualAddress;
      if (next !== undefined && next > s.virtualAddress && start + size > next) size = next - start;
      return { start, end: start + size, raw };
    });
  }

  offset(rva: number): number | undefined {
    for (const r of this.ranges) if (rva >= r.start && rva < r.end) return rva - r.start + r.raw;
    return rva < this.fileLength ? rva : undefined;
  }
}

export function parsePe(bytes: Uint8Array): PeInfo {
  const r = new Reader(bytes);
  if (r.u16(0, 'DOS header') !== 0x5a4d) throw new Error('not an MZ file');
  const lfanew = r.u32(0x3c, 'e_lfanew');
  if (r.u32(lfanew, 'PE signature') !== 0x00004550) throw new Error(`no PE signature at ${hex(lfanew)}`);
  const anomalies: string[] = [];

  const fh = lfanew + 4;
  const machineCode = r.u16(fh, 'file header');
  const declaredSections = r.u16(fh + 2, 'file header');
  const timestamp = r.u32(fh + 4, 'file header');
  const optionalSize = r.u16(fh + 16, 'file header');
  const fileCharacteristics = r.u16(fh + 18, 'file header');

  const oh = fh + 20;
  const magic = r.u16(oh, 'optional header');
  const format = magic === 0x10b ? 'PE32' : magic === 0x20b ? 'PE32+' : 'unknown';
  if (format === 'unknown') anomalies.push(`optional header magic ${hex(magic)} is neither PE32 nor PE32+`);
  const is64 = format === 'PE32+';
  const entryPoint = r.u32(oh + 16, 'optional header');
  const imageBase = is64 ? r.u64(oh + 24, 'optional header') : r.u32(oh + 28, 'optional header');
  const sectionAlignment = r.u32(oh + 32, 'optional header');
  const fileAlignment = r.u32(oh + 36, 'optional header');
  const subsystemCode = r.u16(oh + 68, 'optional header');

  const directories = readDirectories(r, oh, is64, optionalSize, anomalies);

  const sections = readSections(r, oh + optionalSize, declaredSections, anomalies);
  const map = new AddressMap(bytes.length, sections, sectionAlignment, fileAlignment);
  const entrySection = sections.find(
    (s) => entryPoint >= s.virtualAddress && entryPoint < s.virtualAddress + Math.max(s.virtualSize, s.rawSize),
  );
  if (entryPoint !== 0 && !entrySection) anomalies.push(`entry point ${hex(entryPoint)} lies outside every section`);

  const imports = directories[DIR.import]?.rva
    ? parseImports(r, map, directories[DIR.import].rva, is64)
    : { imports: [], count: 0, imphash: undefined, anomalies: [] };
  anomalies.push(...imports.anomalies);

  const security = directories[DIR.security];
  // The certificate table's "RVA" is a file offset (PE/COFF spec, "The Attribute Certificate Table").
  const signed = !!security && security.rva > 0 && security.size >= 8 && r.has(security.rva, security.size);
  if (security && security.size > 0 && !signed) anomalies.push('certificate table points outside the file');

  const rawEnd = sections.reduce(
    (end, s) => (s.rawSize > 0 && s.rawOffset < bytes.length ? Math.max(end, Math.min(bytes.length, s.rawOffset + s.rawSize)) : end),
    0,
  );
  const signatureBytes = signed && security.rva >= rawEnd ? security.size : 0;
  const overlaySize = rawEnd > 0 ? Math.max(0, bytes.length - rawEnd - signatureBytes) : 0;

  return {
    format,
    machine: MACHINES[machineCode] ?? `unknown (${hex(machineCode)})`,
    timestamp,
    timestampIso: timestamp > 0 ? new Date(timestamp * 1000).toISOString() : undefined,
    characteristics: FILE_CHARACTERISTICS.filter(([bit]) => fileCharacteristics & bit).map(([, n]) => n),
    isDll: (fileCharacteristics & 0x2000) !== 0,
    subsystem: SUBSYSTEMS[subsystemCode] ?? `unknown (${subsystemCode})`,
    entryPoint,
    entrySection: entrySection?.name,
    imageBase,
    declaredSections,
    sections,
    imports: imports.imports,
    importCount: imports.count,
    imphash: imports.imphash,
    exportCount: countExports(r, map, directories[DIR.export]),
    signed,
    dotnet: !!directories[DIR.clr]?.rva,
    overlaySize,
    anomalies,
  };
}

function readDirectories(r: Reader, oh: number, is64: boolean, optionalSize: number, anomalies: string[]): Directory[] {
  const countAt = oh + (is64 ? 108 : 92);
  if (!r.has(countAt, 4)) {
    anomalies.push('optional header too short for data directories');
    return [];
  }
  const declared = r.u32(countAt);
  const first = countAt + 4;
  // The count is attacker-controlled; only 16 directories are defined and they must fit the header.
  const fits = Math.max(0, Math.floor((oh + optionalSize - first) / 8));
  const n = Math.min(declared, 16, fits);
  if (declared > 16) anomalies.push(`NumberOfRvaAndSizes ${declared} exceeds 16`);
  const dirs: Directory[] = [];
  for (let i = 0; i < n && r.has(first + i * 8, 8); i++) dirs.push({ rva: r.u32(first + i * 8), size: r.u32(first + i * 8 + 4) });
  return dirs;
}

function readSections(r: Reader, tableAt: number, declared: number, anomalies: string[]): PeSection[] {
  if (declared > LOADER_MAX_SECTIONS)
    anomalies.push(`NumberOfSections ${declared} exceeds the Windows loader limit of ${LOADER_MAX_SECTIONS}`);
  const budget = entropyBudget(r.length);
  const sections: PeSection[] = [];
  const n = Math.min(declared, MAX_SECTIONS_PARSED);
  for (let i = 0; i < n; i++) {
    const at = tableAt + i * 40;
    if (!r.has(at, 40)) {
      anomalies.push(`section table truncated after ${i} of ${declared} sections`);
      break;
    }
    const rawName = r.bytes.subarray(at, at + 8);
    const nul = rawName.indexOf(0);
    const name = Buffer.from(rawName.subarray(0, nul < 0 ? 8 : nul)).toString('latin1');
    const section: PeSection = {
      name,
      virtualSize: r.u32(at + 8),
      virtualAddress: r.u32(at + 12),
      rawSize: r.u32(at + 16),
      rawOffset: r.u32(at + 20),
      characteristics: r.u32(at + 36),
      flags: [],
    };
    section.flags = SECTION_FLAGS.filter(([bit]) => (section.characteristics & bit) >>> 0).map(([, f]) => f);
    if (section.rawSize > 0 && section.rawOffset + section.rawSize > r.length) {
      anomalies.push(
        `section ${JSON.stringify(name)} claims raw data ${hex(section.rawOffset)}+${hex(section.rawSize)} beyond the end of the file (${hex(r.length)})`,
      );
    }
    // Same bytes pefile's section.get_data() hashes: from the sector-rounded pointer, SizeOfRawData long.
    const data = r.clip(Math.floor(section.rawOffset / 0x200) * 0x200, section.rawSize);
    const entropy = budget.measure(data);
    if (entropy !== undefined) section.entropy = entropy;
    sections.push(section);
  }
  return sections;
}

function countExports(r: Reader, map: AddressMap, dir: Directory | undefined): number {
  if (!dir?.rva) return 0;
  const at = map.offset(dir.rva);
  return at !== undefined && r.has(at, 40) ? r.u32(at + 24) : 0; // NumberOfNames
}
