// Entries of a POSIX/GNU tar stream: 512-byte headers, data padded to 512. Only regular files
// are returned; GNU long names ('L') and pax 'path' records are honoured.

export interface TarEntry {
  name: string;
  data: Uint8Array;
  /** Size the header declared; data is shorter when the stream was cut. */
  declaredSize: number;
}

const BLOCK = 512;

export function isTar(bytes: Uint8Array): boolean {
  return bytes.length >= 263 && Buffer.from(bytes.buffer, bytes.byteOffset + 257, 5).toString('latin1') === 'ustar';
}

function field(bytes: Uint8Array, start: number, len: number): string {
  let end = start;
  while (end < start + len && bytes[end] !== 0) end++;
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8');
}

function parseSize(bytes: Uint8Array, start: number): number {
  if (bytes[start] & 0x80) {
    // GNU base-256 for sizes over 8 GB: far beyond any cap here, so report it as huge.
    let n = 0;
    for (let i = start + 1; i < start + 12; i++) n = n * 256 + bytes[i];
    return n;
  }
  const n = parseInt(field(bytes, start, 12).trim() || '0', 8);
  return Number.isFinite(n) && n >= 0 ? n : 0;
}

export function readTar(bytes: Uint8Array, maxEntries: number): { entries: TarEntry[]; error?: string } {
  const entries: TarEntry[] = [];
  let pos = 0;
  let longName: string | undefined;
  for (let headers = 0; pos + BLOCK <= bytes.length && headers < maxEntries * 3; headers++) {
    const header = bytes.subarray(pos, pos + BLOCK);
    if (header.every((b) => b === 0)) break;
    const size = parseSize(bytes, pos + 124);
    const type = String.fromCharCode(header[156] || 0x30);
    const prefix = field(bytes, pos + 345, 155);
    const base = field(bytes, pos, 100);
    const dataStart = pos + BLOCK;
    const dataEnd = Math.min(bytes.length, dataStart + size);
    const data = bytes.subarray(dataStart, dataEnd);
    if (type === 'L') longName = field(data, 0, data.length);
    else if (type === 'x') longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(Buffer.from(data).toString('utf8'))?.[1] ?? longName;
    else {
      if (type === '0' || type === '7') {
        entries.push({ name: longName ?? (prefix ? `${prefix}/${base}` : base), data, declaredSize: size });
        if (entries.length >= maxEntries) break;
      }
      longName = undefined;
    }
    if (dataStart + size > bytes.length) return { entries, error: `tar entry ${base} cut short (${dataEnd - dataStart} of ${size} bytes)` };
    pos = dataStart + Math.ceil(size / BLOCK) * BLOCK;
  }
  return { entries };
}
