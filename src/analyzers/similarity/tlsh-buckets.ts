// TLSH's pass over the bytes (TlshImpl::update in tlsh 3.4.4's tlsh_impl.cpp): a window of the
// last 5 bytes, six Pearson hashes of byte triplets per position counted into 256 buckets, and a
// running 1-byte checksum. The digest is built from these counts (tlsh-digest.ts).
//
// Written for speed: the window lives in five locals and every Pearson hash is spelled out, so the
// loop touches only the input, the 256-byte table and the counts (no allocation, no calls).

/** Pearson's permutation of 0..255 (v_table in tlsh_util.cpp). */
const PEARSON = Uint8Array.from([
  1, 87, 49, 12, 176, 178, 102, 166, 121, 193, 6, 84, 249, 230, 44, 163, 14, 197, 213, 181, 161, 85, 218, 80, 64, 239, 24, 226, 236, 142,
  38, 200, 110, 177, 104, 103, 141, 253, 255, 50, 77, 101, 81, 18, 45, 96, 31, 222, 25, 107, 190, 70, 86, 237, 240, 34, 72, 242, 20, 214,
  244, 227, 149, 235, 97, 234, 57, 22, 60, 250, 82, 175, 208, 5, 127, 199, 111, 62, 135, 248, 174, 169, 211, 58, 66, 154, 106, 195, 245,
  171, 17, 187, 182, 179, 0, 243, 132, 56, 148, 75, 128, 133, 158, 100, 130, 126, 91, 13, 153, 246, 216, 219, 119, 68, 223, 78, 83, 88, 201,
  99, 122, 11, 92, 32, 136, 114, 52, 10, 138, 30, 48, 183, 156, 35, 61, 26, 143, 74, 251, 94, 129, 162, 63, 152, 170, 7, 115, 167, 241, 206,
  3, 150, 55, 59, 151, 220, 90, 53, 23, 131, 125, 173, 15, 238, 79, 95, 89, 16, 105, 137, 225, 224, 217, 160, 37, 123, 118, 73, 2, 157, 46,
  116, 9, 145, 134, 228, 207, 212, 202, 215, 69, 229, 27, 188, 67, 124, 168, 252, 42, 4, 29, 108, 21, 247, 19, 205, 39, 203, 233, 40, 186,
  147, 198, 192, 155, 33, 164, 191, 98, 204, 165, 180, 117, 76, 140, 36, 210, 172, 41, 54, 159, 8, 185, 232, 113, 196, 231, 47, 146, 120,
  51, 65, 28, 144, 254, 221, 93, 189, 194, 139, 112, 43, 71, 109, 184, 209,
]);

const TLSH_BUCKETS = 256;

export interface TlshCounts {
  /** How many triplet hashes fell in each of the 256 buckets (C's unsigned int: wraps at 2^32). */
  buckets: Uint32Array;
  /** The 1-byte checksum (lsh_bin.checksum[0]) after the last byte. */
  checksum: number;
}

/**
 * Counts the triplet hashes of data[4..] into `buckets` and returns the checksum.
 * b_mapping(salt, i, j, k) is T[T[T[T[salt] ^ i] ^ j] ^ k]; the first lookup per salt is
 * hoisted out of the loop. Nothing after the loop but a return: V8 compiles the loop while it
 * runs (on-stack replacement), before any code after it has run, and code there without type
 * feedback (say a property store) bailed out of the optimized loop at the end of every input.
 */
function countInto(buckets: Uint32Array, data: Uint8Array): number {
  const T = PEARSON;
  let checksum = 0;
  const s0 = T[0],
    s2 = T[2],
    s3 = T[3],
    s5 = T[5],
    s7 = T[7],
    s11 = T[11],
    s13 = T[13];
  // c0 is the newest byte (slide_window[j]), c1..c4 the four before it (j-1 .. j-4).
  let c1 = data[3],
    c2 = data[2],
    c3 = data[1],
    c4 = data[0];
  for (let i = 4; i < data.length; i++) {
    const c0 = data[i];
    checksum = T[T[T[s0 ^ c0] ^ c1] ^ checksum];
    buckets[T[T[T[s2 ^ c0] ^ c1] ^ c2]]++;
    buckets[T[T[T[s3 ^ c0] ^ c1] ^ c3]]++;
    buckets[T[T[T[s5 ^ c0] ^ c2] ^ c3]]++;
    buckets[T[T[T[s7 ^ c0] ^ c2] ^ c4]]++;
    buckets[T[T[T[s11 ^ c0] ^ c1] ^ c4]]++;
    buckets[T[T[T[s13 ^ c0] ^ c3] ^ c4]]++;
    c4 = c3;
    c3 = c2;
    c2 = c1;
    c1 = c0;
  }
  return checksum;
}

/** Counts the triplet hashes of `data` as TlshImpl::update does in one call: nothing before the fifth byte. */
export function countTlshBuckets(data: Uint8Array): TlshCounts {
  const buckets = new Uint32Array(TLSH_BUCKETS);
  const checksum = data.length < 5 ? 0 : countInto(buckets, data);
  return { buckets, checksum };
}
