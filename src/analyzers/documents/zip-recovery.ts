// Reading a zip whose central directory is gone (a truncated download or attachment): walk
// the local file headers from the front and inflate each entry on its own. Entries with a
// data descriptor (sizes written after the data) are inflated until the deflate stream ends.
import { constants, inflateRawSync } from 'node:zlib';

export interface RecoveredEntry {
  name: string;
  encrypted: boolean;
  method: number;
  compressedSize: number;
  /** Decompressed bytes, or undefined when the entry could not be decoded. */
  data?: Uint8Array;
  /** True when the compressed data stopped early and `data` holds what came out before. */
  cut: boolean;
  /** True when inflating would have produced more than `maxOutput` bytes. */
  overLimit: boolean;
  error?: string;
}

const LOCAL_HEADER = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

/** Inflate raw deflate data, at most maxOutput bytes; partial output when the input is cut. */
export function boundedInflateRaw(
  data: Uint8Array,
  maxOutput: number,
): { data?: Uint8Array; cut: boolean; overLimit: boolean; error?: string } {
  try {
    return { data: inflateRawSync(data, { maxOutputLength: Math.max(1, maxOutput) }), cut: false, overLimit: false };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE') return { cut: false, overLimit: true, error: `more than ${maxOutput} bytes` };
    if (e.code === 'Z_BUF_ERROR') {
      try {
        const partial = inflateRawSync(data, { maxOutputLength: Math.max(1, maxOutput), finishFlush: constants.Z_SYNC_FLUSH });
        return { data: partial, cut: true, overLimit: false, error: 'compressed data cut short' };
      } catch {
        return { cut: true, overLimit: false, error: 'compressed data cut short' };
      }
    }
    return { cut: false, overLimit: false, error: e.message };
  }
}

/**
 * Entries found by local headers, in file order, one at a time so the caller's budget is
 * current: `maxOutputFor(compressedSize)` gives the most bytes the next entry may inflate to.
 */
export function* recoverZipEntries(
  bytes: Uint8Array,
  maxEntries: number,
  maxOutputFor: (compressedSize: number) => number,
): Generator<RecoveredEntry> {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const signature = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
  let found = 0;
  let pos = buf.indexOf(signature);
  while (pos >= 0 && pos + 30 <= bytes.length && found < maxEntries) {
    if (dv.getUint32(pos, true) !== LOCAL_HEADER) break;
    const flags = dv.getUint16(pos + 6, true);
    const method = dv.getUint16(pos + 8, true);
    let compressedSize = dv.getUint32(pos + 18, true);
    const nameLen = dv.getUint16(pos + 26, true);
    const extraLen = dv.getUint16(pos + 28, true);
    const dataStart = pos + 30 + nameLen + extraLen;
    if (dataStart > bytes.length) break;
    const name = buf.subarray(pos + 30, pos + 30 + nameLen).toString(flags & 0x800 ? 'utf8' : 'latin1');
    const encrypted = (flags & 0x1) !== 0;
    const sizeKnown = !(flags & 0x8) || compressedSize > 0;
    const available = bytes.length - dataStart;
    if (!sizeKnown || compressedSize > available) compressedSize = available;
    const entry: RecoveredEntry = { name, encrypted, method, compressedSize, cut: false, overLimit: false };
    const raw = bytes.subarray(dataStart, dataStart + compressedSize);
    const limit = maxOutputFor(compressedSize);
    if (encrypted) entry.error = 'encrypted';
    else if (method === STORED) {
      entry.data = raw.subarray(0, limit);
      entry.overLimit = raw.length > limit;
      entry.cut = !sizeKnown ? false : dv.getUint32(pos + 18, true) > available;
    } else if (method === DEFLATED) Object.assign(entry, boundedInflateRaw(raw, limit));
    else entry.error = `compression method ${method} not supported`;
    found++;
    yield entry;
    // Next header: right after the data when the size is known, else the next signature.
    const next = sizeKnown && dataStart + compressedSize < bytes.length ? dataStart + compressedSize : dataStart;
    pos = buf.indexOf(signature, next);
  }
}
