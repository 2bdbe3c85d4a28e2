// Builds small, well-formed PE files in memory for tests: chosen sections, imports (by name or
// ordinal) and header fields. Never written into the repository, so no scanner sees a file
// with injection imports; the layout follows the PE/COFF specification.

export const SCN = { CODE: 0x20, IDATA: 0x40, UDATA: 0x80, EXEC: 0x20000000, READ: 0x40000000, WRITE: 0x80000000 } as const;

export interface CraftSection {
  name: string;
  data: Uint8Array;
  characteristics: number;
  /** Defaults to the data length. */
  virtualSize?: number;
}

export interface CraftOptions {
  is64?: boolean;
  dll?: boolean;
  timestamp?: number;
  sections?: CraftSection[];
  imports?: { dll: string; functions: (string | number)[] }[];
  /** Index into sections of the section holding the entry point (default 0). */
  entrySection?: number;
  /** Bytes appended as an Authenticode certificate table. */
  certificate?: Uint8Array;
}

const FILE_ALIGN = 0x200;
const SECTION_ALIGN = 0x1000;
const align = (n: number, a: number) => Math.ceil(n / a) * a;

export function craftPe(o: CraftOptions = {}): Uint8Array {
  const is64 = o.is64 ?? true;
  const sections = [
    ...(o.sections ?? [{ name: '.text', data: new Uint8Array(0x200).fill(0xc3), characteristics: SCN.CODE | SCN.EXEC | SCN.READ }]),
  ];
  const optionalSize = is64 ? 240 : 224;
  const headersSize = align(0x40 + 4 + 20 + optionalSize + 40 * (sections.length + (o.imports ? 1 : 0)), FILE_ALIGN);

  // Virtual addresses first: the import section needs its own RVA to build pointers.
  let rva = SECTION_ALIGN;
  const rvas = sections.map((s) => {
    const r = rva;
    rva += align(Math.max(s.virtualSize ?? s.data.length, 1), SECTION_ALIGN);
    return r;
  });
  let importDir = { rva: 0, size: 0 };
  if (o.imports) {
    const built = buildImports(o.imports, rva, is64);
    importDir = { rva, size: built.directorySize };
    sections.push({ name: '.idata', data: built.data, characteristics: SCN.IDATA | SCN.READ | SCN.WRITE });
    rvas.push(rva);
    rva += align(built.data.length, SECTION_ALIGN);
  }
  const imageSize = rva;

  let raw = headersSize;
  const rawOffsets = sections.map((s) => {
    const r = raw;
    raw += align(s.data.length, FILE_ALIGN);
    return r;
  });
  const certAt = raw;
  const total = raw + (o.certificate?.length ?? 0);
  const b = new Uint8Array(total);
  const v = new DataView(b.buffer);

  b.set([0x4d, 0x5a]);
  v.setUint32(0x3c, 0x40, true);
  v.setUint32(0x40, 0x00004550, true);
  const fh = 0x44;
  v.setUint16(fh, is64 ? 0x8664 : 0x14c, true);
  v.setUint16(fh + 2, sections.length, true);
  v.setUint32(fh + 4, o.timestamp ?? 0x5f000000, true);
  v.setUint16(fh + 16, optionalSize, true);
  v.setUint16(fh + 18, 0x0002 | (is64 ? 0x20 : 0x100) | (o.dll ? 0x2000 : 0), true);

  const oh = fh + 20;
  v.setUint16(oh, is64 ? 0x20b : 0x10b, true);
  v.setUint32(oh + 16, rvas[o.entrySection ?? 0], true);
  if (is64) v.setBigUint64(oh + 24, 0x140000000n, true);
  else v.setUint32(oh + 28, 0x400000, true);
  v.setUint32(oh + 32, SECTION_ALIGN, true);
  v.setUint32(oh + 36, FILE_ALIGN, true);
  v.setUint16(oh + 40, 6, true); // OS version 6.0
  v.setUint16(oh + 48, 6, true); // subsystem version
  v.setUint32(oh + 56, imageSize, true);
  v.setUint32(oh + 60, headersSize, true);
  v.setUint16(oh + 68, 3, true); // console
  const countAt = oh + (is64 ? 108 : 92);
  v.setUint32(countAt, 16, true);
  const dir = (i: number, r: number, size: number) => {
    v.setUint32(countAt + 4 + i * 8, r, true);
    v.setUint32(countAt + 8 + i * 8, size, true);
  };
  dir(1, importDir.rva, importDir.size);
  if (o.certificate) dir(4, certAt, o.certificate.length);

  const table = oh + optionalSize;
  sections.forEach((s, i) => {
    const at = table + i * 40;
    b.set(Buffer.from(s.name.slice(0, 8), 'latin1'), at);
    v.setUint32(at + 8, s.virtualSize ?? s.data.length, true);
    v.setUint32(at + 12, rvas[i], true);
    v.setUint32(at + 16, align(s.data.length, FILE_ALIGN), true);
    v.setUint32(at + 20, s.data.length ? rawOffsets[i] : 0, true);
    v.setUint32(at + 36, s.characteristics >>> 0, true);
    b.set(s.data, rawOffsets[i]);
  });
  if (o.certificate) b.set(o.certificate, certAt);
  return b;
}

/** Import descriptors, lookup and address tables, hint/name entries and DLL names in one section. */
function buildImports(
  imports: NonNullable<CraftOptions['imports']>,
  base: number,
  is64: boolean,
): { data: Uint8Array; directorySize: number } {
  const ptr = is64 ? 8 : 4;
  const descriptors = (imports.length + 1) * 20;
  let at = descriptors;
  const tables = imports.map((imp) => {
    const t = { ilt: at, iat: 0 };
    at += (imp.functions.length + 1) * ptr;
    t.iat = at;
    at += (imp.functions.length + 1) * ptr;
    return t;
  });
  const names: { offset: number; bytes: Buffer }[] = [];
  const place = (bytes: Buffer) => {
    const offset = at;
    names.push({ offset, bytes });
    at += align(bytes.length, 2);
    return offset;
  };
  const thunkValues = imports.map((imp) =>
    imp.functions.map((f) => {
      if (typeof f === 'number') return is64 ? (1n << 63n) | BigInt(f) : BigInt((0x80000000 | f) >>> 0);
      return BigInt(base + place(Buffer.concat([Buffer.from([0, 0]), Buffer.from(`${f}\0`, 'latin1')])));
    }),
  );
  const dllNames = imports.map((imp) => place(Buffer.from(`${imp.dll}\0`, 'latin1')));
  const data = new Uint8Array(align(at, 16));
  const v = new DataView(data.buffer);
  imports.forEach((imp, i) => {
    const d = i * 20;
    v.setUint32(d, base + tables[i].ilt, true);
    v.setUint32(d + 12, base + dllNames[i], true);
    v.setUint32(d + 16, base + tables[i].iat, true);
    thunkValues[i].forEach((value, k) => {
      for (const t of [tables[i].ilt, tables[i].iat]) {
        if (is64) v.setBigUint64(t + k * ptr, value, true);
        else v.setUint32(t + k * ptr, Number(value), true);
      }
    });
  });
  for (const n of names) data.set(n.bytes, n.offset);
  return { data, directorySize: descriptors };
}

/** Deterministic pseudo-random bytes (xorshift32): high-entropy section content without Math.random. */
export function noise(length: number, seed = 0x9e3779b9): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}
