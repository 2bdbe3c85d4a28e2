// The TLSH digest built from the bucket counts, its hex form and the distance between two
// digests: TlshImpl::final, hash, fromTlshStr and totalDiff of tlsh 3.4.4 as Debian builds it
// (128 buckets, 1-byte checksum: 35 bytes, 70 hex digits).
//
// Two steps compute in single precision in C: the length code takes std::log((float) len), and
// the quartile ratios divide floats. Math.fround reproduces both. In doubles (as the npm tlsh
// package computes) the length code steps a few bytes off at most steps from 190,336 bytes on,
// and large inputs can get other ratios.
import type { TlshCounts } from './tlsh-buckets';

/** MIN_DATA_LENGTH: fewer bytes get no digest. */
export const TLSH_MIN_DATA_LENGTH = 256;
const CODE_SIZE = 32; // bytes of body: 2 bits for each of the 128 buckets used
const EFFECTIVE_BUCKETS = CODE_SIZE * 4;

export interface TlshDigest {
  checksum: number;
  /** l_capturing(length): a log scale of the input length, 0-255. */
  lvalue: number;
  q1ratio: number;
  q2ratio: number;
  /** lsh_bin.tmp_code: code[i] holds buckets 4i..4i+3, two bits each (low bits first). */
  code: Uint8Array;
}

const f32 = Math.fround;
const LOG_1_5 = 0.4054651;
const LOG_1_3 = 0.26236426;
const LOG_1_1 = 0.09531018;

/**
 * l_capturing: the log of the length in three scales, with the log taken of a float as C's
 * std::log((float) len) does. Checked against the C function (with glibc's logf) at each of its
 * 157 steps between 256 and 2^32 - 1; both are monotonic, so they agree on every length.
 */
export function lengthCode(length: number): number {
  const log = f32(Math.log(f32(length)));
  let code: number;
  if (length <= 656) code = Math.floor(log / LOG_1_5);
  else if (length <= 3199) code = Math.floor(log / LOG_1_3 - 8.72777);
  else code = Math.floor(log / LOG_1_1 - 62.5472);
  return code & 0xff;
}

/** (unsigned int) ((float)(q * 100) / (float) q3) % 16, with C's 32-bit wrap of q * 100. */
export function quartileRatio(q: number, q3: number): number {
  return Math.floor(f32(f32(Math.imul(q, 100) >>> 0) / f32(q3))) % 16;
}

/**
 * TlshImpl::final: the digest of `length` bytes counted into `counts`, or undefined when the C
 * library declines: fewer than 256 bytes, or half or fewer of the 128 effective buckets non-zero.
 */
export function buildTlshDigest({ buckets, checksum }: TlshCounts, length: number): TlshDigest | undefined {
  if (length < TLSH_MIN_DATA_LENGTH) return undefined;
  let nonZero = 0;
  for (let i = 0; i < EFFECTIVE_BUCKETS; i++) if (buckets[i] > 0) nonZero++;
  if (nonZero <= EFFECTIVE_BUCKETS / 2) return undefined;

  // find_quartile's quickselect picks these order statistics of the first 128 counts.
  const sorted = buckets.slice(0, EFFECTIVE_BUCKETS).sort();
  const q1 = sorted[EFFECTIVE_BUCKETS / 4 - 1];
  const q2 = sorted[EFFECTIVE_BUCKETS / 2 - 1];
  const q3 = sorted[EFFECTIVE_BUCKETS - EFFECTIVE_BUCKETS / 4 - 1];

  const code = new Uint8Array(CODE_SIZE);
  for (let i = 0; i < CODE_SIZE; i++) {
    let h = 0;
    for (let j = 0; j < 4; j++) {
      const k = buckets[4 * i + j];
      if (q3 < k) h += 3 << (j * 2);
      else if (q2 < k) h += 2 << (j * 2);
      else if (q1 < k) h += 1 << (j * 2);
    }
    code[i] = h;
  }
  return { checksum, lvalue: lengthCode(length), q1ratio: quartileRatio(q1, q3), q2ratio: quartileRatio(q2, q3), code };
}

const swapNibbles = (b: number) => ((b >> 4) | (b << 4)) & 0xff;
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).toUpperCase().padStart(2, '0'));

/** TlshImpl::hash: checksum, lvalue and q ratios with nibbles swapped, then the body last byte first. */
export function formatTlshDigest(d: TlshDigest): string {
  let out = HEX[swapNibbles(d.checksum)] + HEX[swapNibbles(d.lvalue)] + HEX[swapNibbles(d.q1ratio | (d.q2ratio << 4))];
  for (let i = CODE_SIZE - 1; i >= 0; i--) out += HEX[d.code[i]];
  return out;
}

/** The value of an upper-case hex digit's char code. */
const nibble = (code: number) => (code <= 0x39 ? code - 0x30 : code - 0x37);

/** TlshImpl::fromTlshStr on 70 upper-case hex digits (the caller validates them). */
export function parseTlshDigest(hex: string): TlshDigest {
  const byte = (i: number) => (nibble(hex.charCodeAt(2 * i)) << 4) | nibble(hex.charCodeAt(2 * i + 1));
  const q = swapNibbles(byte(2));
  const code = new Uint8Array(CODE_SIZE);
  for (let i = 0; i < CODE_SIZE; i++) code[i] = byte(3 + CODE_SIZE - 1 - i);
  return { checksum: swapNibbles(byte(0)), lvalue: swapNibbles(byte(1)), q1ratio: q & 0x0f, q2ratio: q >> 4, code };
}

/** mod_diff: the distance between x and y on a circle of R values. */
function modDiff(x: number, y: number, range: number): number {
  const d = Math.abs(x - y);
  return Math.min(d, range - d);
}

/**
 * bit_pairs_diff_table: the distance of two body bytes, summed over their four 2-bit quartile
 * codes; codes 0 and 3 (the extremes) cost 6 rather than 3.
 */
const BIT_PAIRS_DIFF = (() => {
  const table = new Uint8Array(256 * 256);
  for (let x = 0; x < 256; x++) {
    for (let y = 0; y < 256; y++) {
      let diff = 0;
      for (let shift = 0; shift < 8; shift += 2) {
        const d = Math.abs(((x >> shift) & 3) - ((y >> shift) & 3));
        diff += d === 3 ? 6 : d;
      }
      table[(x << 8) | y] = diff;
    }
  }
  return table;
})();

const ratioDiff = (d: number) => (d <= 1 ? d : (d - 1) * 12);

/** TlshImpl::totalDiff: 0 for equal digests; `includeLength` false leaves out the length code. */
export function tlshTotalDiff(a: TlshDigest, b: TlshDigest, includeLength: boolean): number {
  let diff = 0;
  if (includeLength) {
    const ldiff = modDiff(a.lvalue, b.lvalue, 256);
    diff += ldiff <= 1 ? ldiff : ldiff * 12;
  }
  diff += ratioDiff(modDiff(a.q1ratio, b.q1ratio, 16));
  diff += ratioDiff(modDiff(a.q2ratio, b.q2ratio, 16));
  if (a.checksum !== b.checksum) diff++;
  for (let i = 0; i < CODE_SIZE; i++) diff += BIT_PAIRS_DIFF[(a.code[i] << 8) | b.code[i]];
  return diff;
}
