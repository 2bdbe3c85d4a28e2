// TLSH (Trend Micro locality-sensitive hash) through the tlsh npm package, which computes the
// same digests as Debian's tlsh 3.4.4 (1-byte checksum, 70 hex digits, no "T1" prefix) and the
// same distance. One difference is closed here: the package refuses inputs under 512 bytes,
// Debian's library hashes from 256 bytes on. For 256-511 bytes we build the digest from the
// package's own buckets and apply the C library's complexity test ourselves.
import processBuckets from 'tlsh/lib/buckets/bucket-processor';
import SlideWindow from 'tlsh/lib/buckets/slide-window';
import DigestHashBuilder from 'tlsh/lib/digests/digest-hash-builder';

/** TLSH 3.4.4's MIN_DATA_LENGTH. */
export const TLSH_MIN_INPUT_BYTES = 256;
/** The package wants a string of byte-valued chars and is ~8x slower than C: 64 MiB takes ~9 s. */
export const TLSH_MAX_INPUT_BYTES = 64 * 1024 * 1024;
const PACKAGE_MIN_INPUT_BYTES = 512;
const DIGEST = /^(?:T1)?([0-9A-F]{70})$/i;

/**
 * The C library's second test: more than half of the 128 buckets the body encodes are non-zero
 * (buckets filled through the package's own sliding window and Pearson hash).
 */
function hasEnoughNonZeroBuckets(bytes: string): boolean {
  const window = new SlideWindow();
  const used = new Set<number>();
  for (let i = 0; i < bytes.length; i++) {
    const start = window.getPivot();
    window.put(bytes.charCodeAt(i));
    for (const bucket of window.getTripletHashes(start)) if (bucket < 128) used.add(bucket);
  }
  return used.size > 64;
}

/**
 * The TLSH digest of some bytes as Debian's `tlsh -f` prints it (70 upper-case hex digits), or
 * undefined when TLSH declines: fewer than 256 bytes, or too little variety (e.g. all zeros).
 * Throws a RangeError above TLSH_MAX_INPUT_BYTES.
 */
export function tlshHash(data: Uint8Array): string | undefined {
  if (data.length > TLSH_MAX_INPUT_BYTES) throw new RangeError(`input of ${data.length} bytes exceeds the TLSH limit of ${TLSH_MAX_INPUT_BYTES}`);
  if (data.length < TLSH_MIN_INPUT_BYTES) return undefined;
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
  const buckets = processBuckets(bytes);
  if (data.length >= PACKAGE_MIN_INPUT_BYTES) return buckets.isProcessedDataTooSimple() ? undefined : buckets.buildDigest().toString();
  return hasEnoughNonZeroBuckets(bytes) ? buckets.buildDigest().toString() : undefined;
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
  return DigestHashBuilder().withHash(da).build().calculateDifference(DigestHashBuilder().withHash(db).build(), includeLength);
}
