// A bounded reader of Compound File Binary files ([MS-CFB]: .doc/.xls/.ppt/.msg, vbaProject.bin).
// Why not the `cfb` package's reader: CFB.read follows FAT chains without a cycle check
// (get_sector_list) and walks the directory tree with an unbounded queue, so an 8 KB file with
// a cyclic chain exhausts the heap and kills the process. Here every chain walk is stamped
// against revisits and capped by the sectors the file can hold, the directory tree is walked
// with a visited set, and streams are read lazily, only when asked for.

const HEADER_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const MAX_REG_SECT = 0xfffffffa;
const END_OF_CHAIN = 0xfffffffe;
const FREE_SECT = 0xffffffff;
const NO_STREAM = 0xffffffff;
const DIR_ENTRY_SIZE = 128;
const MINI_SECTOR_SIZE = 64;

export class CfbError extends Error {}

export interface CfbLimits {
  /** Directory entries read at most (real documents have tens to a few hundred). */
  maxDirEntries: number;
  /** Bytes one stream may be read as, at most. */
  maxStreamBytes: number;
}
export const DEFAULT_CFB_LIMITS: CfbLimits = { maxDirEntries: 8192, maxStreamBytes: 32 * 1024 * 1024 };

export interface CfbEntry {
  /** Path from the root, '/'-separated, without the root's name: 'Macros/VBA/dir'. */
  path: string;
  name: string;
  type: 'storage' | 'stream';
  size: number;
  id: number;
}

interface RawDirEntry {
  name: string;
  type: number;
  left: number;
  right: number;
  child: number;
  start: number;
  size: number;
}

export function isCfb(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && HEADER_SIGNATURE.every((b, i) => bytes[i] === b);
}

export class CfbFile {
  readonly entries: CfbEntry[];
  /** Problems met while listing that did not stop the reader (e.g. a broken sibling link). */
  readonly warnings: string[] = [];
  private readonly view: DataView;
  private readonly sectorSize: number;
  private readonly sectorCount: number;
  private readonly fat: Uint32Array;
  private readonly miniCutoff: number;
  private readonly dir: RawDirEntry[];
  private miniFat?: Uint32Array;
  private miniStream?: Uint8Array;
  private readonly stamps: Uint32Array;
  private stamp = 0;
  /** What the last chain walk had collected when it stopped (for lenient reads). */
  private lastChainBytes = new Uint8Array(0);
  private readonly firstMiniFatSector: number;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly limits: CfbLimits = DEFAULT_CFB_LIMITS,
  ) {
    if (!isCfb(bytes)) throw new CfbError('not a compound file (bad signature)');
    if (bytes.length < 512) throw new CfbError(`truncated header (${bytes.length} bytes)`);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const sectorShift = this.view.getUint16(30, true);
    if (sectorShift !== 9 && sectorShift !== 12) throw new CfbError(`bad sector shift ${sectorShift}`);
    if (this.view.getUint16(32, true) !== 6) throw new CfbError('bad mini sector shift');
    this.sectorSize = 1 << sectorShift;
    // Sector n starts at (n + 1) * sectorSize; a partly present last sector still counts.
    this.sectorCount = Math.max(0, Math.ceil((bytes.length - this.sectorSize) / this.sectorSize));
    this.stamps = new Uint32Array(this.sectorCount);
    this.miniCutoff = this.view.getUint32(56, true) || 4096;
    this.firstMiniFatSector = this.view.getUint32(60, true);
    this.fat = this.readFat();
    this.dir = this.readDirectory(this.view.getUint32(48, true));
    this.entries = this.listTree();
  }

  /** Entry by path, case-insensitive (Office itself compares storage names case-insensitively). */
  find(path: string): CfbEntry | undefined {
    const want = path.toLowerCase();
    return this.entries.find((e) => e.path.toLowerCase() === want);
  }

  /** The bytes of a stream; throws CfbError on a broken chain, truncation or a stream over the cap. */
  read(entry: CfbEntry): Uint8Array {
    const raw = this.dir[entry.id];
    if (raw.type !== 2) throw new CfbError(`${entry.path} is not a stream`);
    if (raw.size > this.limits.maxStreamBytes) throw new CfbError(`${entry.path}: stream of ${raw.size} bytes over the cap`);
    if (raw.size === 0) return new Uint8Array(0);
    if (raw.size < this.miniCutoff) return this.readMini(raw.start, raw.size, entry.path);
    return this.readChain(raw.start, raw.size, entry.path);
  }

  private sectorOffset(sector: number): number {
    return (sector + 1) * this.sectorSize;
  }

  private nextStamp(): number {
    this.stamp++;
    return this.stamp;
  }

  /** FAT sector numbers from the header's 109 slots and the DIFAT chain, then the FAT itself. */
  private readFat(): Uint32Array {
    const fatSectors: number[] = [];
    const perSector = this.sectorSize / 4;
    for (let i = 0; i < 109; i++) {
      const s = this.view.getUint32(76 + i * 4, true);
      if (s < this.sectorCount) fatSectors.push(s);
    }
    let difat = this.view.getUint32(68, true);
    const stamp = this.nextStamp();
    while (difat <= MAX_REG_SECT && difat !== END_OF_CHAIN) {
      if (difat >= this.sectorCount) throw new CfbError(`DIFAT chain points past the end of the file (sector ${difat})`);
      if (this.stamps[difat] === stamp) throw new CfbError(`cyclic DIFAT chain at sector ${difat}`);
      this.stamps[difat] = stamp;
      const base = this.sectorOffset(difat);
      for (let i = 0; i < perSector - 1; i++) {
        const s = this.u32At(base + i * 4);
        if (s < this.sectorCount) fatSectors.push(s);
      }
      difat = this.u32At(base + (perSector - 1) * 4);
    }
    if (fatSectors.length === 0) throw new CfbError('no FAT sectors');
    // Only entries for sectors that exist matter; more FAT sectors than that are padding.
    const needed = Math.min(fatSectors.length, Math.ceil(this.sectorCount / perSector) + 1);
    const fat = new Uint32Array(needed * perSector).fill(FREE_SECT);
    for (let f = 0; f < needed; f++) {
      const base = this.sectorOffset(fatSectors[f]);
      for (let i = 0; i < perSector; i++) fat[f * perSector + i] = this.u32At(base + i * 4);
    }
    return fat;
  }

  private u32At(offset: number): number {
    return offset + 4 <= this.bytes.length ? this.view.getUint32(offset, true) : FREE_SECT;
  }

  /**
   * Follow a FAT chain from `start`, collecting `size` bytes (or, with size undefined, until the
   * end of the chain). Each sector may be visited once per walk: a revisit is a cycle.
   */
  private readChain(start: number, size: number | undefined, what: string, maxSectors = this.sectorCount, lenient = false): Uint8Array {
    if (lenient) {
      // Keep what the chain yields before it breaks (a cut mini stream still holds whole streams).
      try {
        return this.readChain(start, size, what, maxSectors, false);
      } catch (err) {
        if (!(err instanceof CfbError)) throw err;
        const got = this.lastChainBytes;
        this.warnings.push(`${err.message}; using the first ${got.length} bytes`);
        return got;
      }
    }
    const want = size ?? maxSectors * this.sectorSize;
    const out = new Uint8Array(Math.min(want, this.sectorCount * this.sectorSize));
    const stamp = this.nextStamp();
    let sector = start;
    let got = 0;
    let walked = 0;
    this.lastChainBytes = out.subarray(0, 0);
    while (got < out.length) {
      this.lastChainBytes = out.subarray(0, got);
      if (sector === END_OF_CHAIN) {
        if (size === undefined) break;
        throw new CfbError(`${what}: chain ends after ${got} of ${size} bytes`);
      }
      if (sector >= this.sectorCount)
        throw new CfbError(`${what}: chain points past the end of the file (sector ${sector}; file truncated?)`);
      if (this.stamps[sector] === stamp) throw new CfbError(`${what}: cyclic FAT chain at sector ${sector}`);
      if (++walked > maxSectors) throw new CfbError(`${what}: chain longer than ${maxSectors} sectors`);
      this.stamps[sector] = stamp;
      const from = this.sectorOffset(sector);
      const n = Math.min(this.sectorSize, out.length - got, this.bytes.length - from);
      out.set(this.bytes.subarray(from, from + n), got);
      got += n;
      if (n < this.sectorSize && got < out.length) throw new CfbError(`${what}: file truncated inside sector ${sector}`);
      sector = sector < this.fat.length ? this.fat[sector] : FREE_SECT;
      if (sector === FREE_SECT && got < out.length) throw new CfbError(`${what}: chain runs into a free sector`);
    }
    return size === undefined ? out.subarray(0, got) : out;
  }

  private readDirectory(start: number): RawDirEntry[] {
    const maxSectors = Math.ceil((this.limits.maxDirEntries * DIR_ENTRY_SIZE) / this.sectorSize);
    const data = this.readChain(start, undefined, 'directory', Math.min(maxSectors, this.sectorCount));
    const count = Math.min(Math.floor(data.length / DIR_ENTRY_SIZE), this.limits.maxDirEntries);
    if (count === 0) throw new CfbError('empty directory');
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const entries: RawDirEntry[] = [];
    for (let i = 0; i < count; i++) {
      const o = i * DIR_ENTRY_SIZE;
      const nameLen = Math.min(dv.getUint16(o + 64, true), 64);
      const name = Buffer.from(data.buffer, data.byteOffset + o, Math.max(0, nameLen - 2)).toString('utf16le');
      entries.push({
        name,
        type: data[o + 66],
        left: dv.getUint32(o + 68, true),
        right: dv.getUint32(o + 72, true),
        child: dv.getUint32(o + 76, true),
        start: dv.getUint32(o + 116, true),
        // Version 3 files may leave garbage in the high 32 bits of the size: ignore them.
        size: dv.getUint32(o + 120, true),
      });
    }
    if (entries[0].type !== 5) throw new CfbError('first directory entry is not the root');
    return entries;
  }

  /** Paths for every reachable entry: each storage's children form a tree of left/right siblings. */
  private listTree(): CfbEntry[] {
    const out: CfbEntry[] = [];
    const seen = new Uint8Array(this.dir.length);
    seen[0] = 1;
    const stack: { id: number; parent: string }[] = [];
    const push = (id: number, parent: string): void => {
      if (id === NO_STREAM) return;
      if (id >= this.dir.length) {
        this.warnings.push(`directory link to missing entry ${id}`);
        return;
      }
      if (seen[id]) {
        this.warnings.push(`directory entry ${id} linked twice (cycle)`);
        return;
      }
      seen[id] = 1;
      stack.push({ id, parent });
    };
    push(this.dir[0].child, '');
    while (stack.length > 0) {
      const { id, parent } = stack.pop() as { id: number; parent: string };
      const e = this.dir[id];
      push(e.left, parent);
      push(e.right, parent);
      if (e.type !== 1 && e.type !== 2) continue; // unused or invalid entries
      const path = parent ? `${parent}/${e.name}` : e.name;
      out.push({ path, name: e.name, type: e.type === 1 ? 'storage' : 'stream', size: e.type === 2 ? e.size : 0, id });
      if (e.type === 1) push(e.child, path);
    }
    return out.sort((a, b) => a.path.localeCompare(b.path));
  }

  private readMini(start: number, size: number, what: string): Uint8Array {
    if (!this.miniStream) {
      const root = this.dir[0];
      this.miniStream =
        root.size > 0
          ? this.readChain(root.start, Math.min(root.size, this.sectorCount * this.sectorSize), 'mini stream', this.sectorCount, true)
          : new Uint8Array(0);
      const fatBytes =
        this.firstMiniFatSector <= MAX_REG_SECT
          ? this.readChain(this.firstMiniFatSector, undefined, 'mini FAT', this.sectorCount, true)
          : new Uint8Array(0);
      this.miniFat = new Uint32Array(fatBytes.length >> 2);
      const dv = new DataView(fatBytes.buffer, fatBytes.byteOffset, fatBytes.byteLength);
      for (let i = 0; i < this.miniFat.length; i++) this.miniFat[i] = dv.getUint32(i * 4, true);
    }
    const mini = this.miniStream;
    const miniFat = this.miniFat as Uint32Array;
    const out = new Uint8Array(size);
    const visited = new Set<number>();
    let sector = start;
    let got = 0;
    while (got < size) {
      if (sector === END_OF_CHAIN || sector === FREE_SECT) throw new CfbError(`${what}: mini chain ends after ${got} of ${size} bytes`);
      if (visited.has(sector)) throw new CfbError(`${what}: cyclic mini FAT chain at ${sector}`);
      visited.add(sector);
      const from = sector * MINI_SECTOR_SIZE;
      if (from + Math.min(MINI_SECTOR_SIZE, size - got) > mini.length)
        throw new CfbError(`${what}: mini sector ${sector} outside the mini stream`);
      const n = Math.min(MINI_SECTOR_SIZE, size - got);
      out.set(mini.subarray(from, from + n), got);
      got += n;
      sector = sector < miniFat.length ? miniFat[sector] : FREE_SECT;
    }
    return out;
  }
}
