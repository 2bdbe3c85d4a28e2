// Bounds-checked reads over untrusted bytes. Every parser in this folder reads through these,
// so a field that points outside the file raises one catchable error instead of garbage.

export class Truncated extends Error {
  constructor(what: string) {
    super(`truncated: ${what}`);
    this.name = 'Truncated';
  }
}

/** A Buffer view of the same memory: jest's separate realm breaks `instanceof`, so never test for it. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export class Reader {
  readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly littleEndian = true,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  has(offset: number, size: number): boolean {
    return Number.isSafeInteger(offset) && offset >= 0 && size >= 0 && offset + size <= this.bytes.length;
  }

  private need(offset: number, size: number, what: string): void {
    if (!this.has(offset, size)) throw new Truncated(`${what} at 0x${Math.max(0, offset || 0).toString(16)}`);
  }

  u8(o: number, what = 'byte'): number {
    this.need(o, 1, what);
    return this.view.getUint8(o);
  }
  u16(o: number, what = 'u16'): number {
    this.need(o, 2, what);
    return this.view.getUint16(o, this.littleEndian);
  }
  u32(o: number, what = 'u32'): number {
    this.need(o, 4, what);
    return this.view.getUint32(o, this.littleEndian);
  }
  /** 64-bit fields as numbers; values past 2^53 lose precision, which only matters for absurd inputs. */
  u64(o: number, what = 'u64'): number {
    this.need(o, 8, what);
    return Number(this.view.getBigUint64(o, this.littleEndian));
  }

  /** NUL-terminated ASCII at `o`, at most `max` bytes; stops at the end of the data. */
  cString(o: number, max: number): string {
    if (!this.has(o, 1)) throw new Truncated(`string at 0x${o.toString(16)}`);
    const end = Math.min(this.bytes.length, o + max);
    let i = o;
    while (i < end && this.bytes[i] !== 0) i++;
    return asBuffer(this.bytes.subarray(o, i)).toString('latin1');
  }

  /** Bytes [start, start+size) clipped to the data (sections often claim more than the file holds). */
  clip(start: number, size: number): Uint8Array {
    if (!Number.isFinite(start) || start < 0 || start >= this.bytes.length || size <= 0) return this.bytes.subarray(0, 0);
    return this.bytes.subarray(start, Math.min(this.bytes.length, start + size));
  }
}

export function hex(n: number, width = 0): string {
  return `0x${n.toString(16).padStart(width, '0')}`;
}
