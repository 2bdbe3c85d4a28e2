// TLSH (Trend Micro locality-sensitive hash) as Debian's tlsh 3.4.4 computes it: 1-byte
// checksum, 70 hex digits, no "T1" prefix; digests from 256 bytes on, as the C library does.
// Our own implementation on the bytes (tlsh-buckets.ts: the pass over the input;
// tlsh-digest.ts: digest, hex form and distance), checked against Debian's `tlsh`
// (test/fixtures/similarity) and against the npm tlsh package on random inputs.
import { countTlshBuckets } from './tlsh-buckets';
import { buildTlshDigest, formatTlshDigest, parseTlshDigest, TLSH_MIN_DATA_LENGTH, tlshTotalDiff } from './tlsh-digest';

/** TLSH 3.4.4's MIN_DATA_LENGTH. */
export const TLSH_MIN_INPUT_BYTES = TLSH_MIN_DATA_LENGTH;
/**
 * Largest input we hash: 1 GiB, about 10 s at ~100 MB/s (what 64 MiB took through the npm
 * package). The C library counts the length in 32 bits, so 4 GiB is its own end.
 */
export const TLSH_MAX_INPUT_BYTES = 1024 * 1024 * 1024;
const DIGEST = /^(?:T1)?([0-9A-F]{70})$/i;

/**
 * The TLSH digest of some bytes as Debian's `tlsh -f` prints it (70 upper-case hex digits), or
 * undefined when TLSH declines: fewer than 256 bytes, or too little variety (e.g. all zeros).
 * Throws a RangeError above TLSH_MAX_INPUT_BYTES.
 */
export function tlshHash(data: Uint8Array): string | undefined {
  if (data.length > TLSH_MAX_INPUT_BYTES)
    throw new RangeError(`input of ${data.length} bytes exceeds the TLSH limit of ${TLSH_MAX_INPUT_BYTES}`);
  if (data.length < TLSH_MIN_INPUT_BYTES) return undefined;
  const digest = buildTlshDigest(countTlshBuckets(data), data.length);
  return digest && formatTlshDigest(digest);
}

/** The digest without a "T1" version prefix (TLSH 4.x and feeds add it), upper case; or undefined if malformed. */
export function normalizeTlsh(digest: string): string | undefined {
  const m = DIGEST.exec(digest.trim());
  return m ? m[1].toUpperCase() : undefined;
}

/**
 * TLSH distance as Tlsh::totalDiff: 0 for the same digest, growing without bound (≥ 200 is
 * unrelated). `includeLength` false is `tlsh -xlen`. Throws on a malformed digest.
 */
export function tlshDistance(a: string, b: string, includeLength = true): number {
  const da = normalizeTlsh(a);
  const db = normalizeTlsh(b);
  if (!da || !db) throw new Error(`not a TLSH digest: ${da ? b : a}`);
  return tlshTotalDiff(parseTlshDigest(da), parseTlshDigest(db), includeLength);
}
