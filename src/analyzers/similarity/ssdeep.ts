// ssdeep (context-triggered piecewise hashing, after Tridgell's spamsum), ported from ssdeep
// 2.14.1 (git 57fcfff, the Debian package): fuzzy.c and edit_dist.c. The npm ports differ from
// it, so this one is checked byte for byte against Debian's `ssdeep` (test/fixtures/similarity).
//
// Hashing: a rolling hash over a 7-byte window picks reset points (for block size b, where
// rolling + 1 is a multiple of b); each piece between two reset points becomes one base64
// character of an FNV-style hash (only its low 6 bits matter). Classic spamsum guessed b from
// the length, hashed, and retried with b/2 while the signature came out shorter than 32
// characters. ssdeep 2.14 runs every candidate block size (3 << i) in one pass, then walks the
// same guess-and-halve loop over the results (formatDigest below): the retry loop's answer
// without rereading the input. Only the block sizes still in the running are updated per byte:
// bhstart drops the smallest once it can no longer be chosen, bhendlimit stops forking sizes
// beyond the one the length calls for.

export const SPAMSUM_LENGTH = 64;
const ROLLING_WINDOW = 7;
const MIN_BLOCKSIZE = 3;
const HASH_INIT = 0x27;
const NUM_BLOCKHASHES = 31;
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_CODES = Uint8Array.from(B64, (ch) => ch.charCodeAt(0));
/** Largest input ssdeep accepts: the biggest block size times the signature length (192 GiB). */
export const SSDEEP_TOTAL_SIZE_MAX = (MIN_BLOCKSIZE * 2 ** (NUM_BLOCKHASHES - 1)) * SPAMSUM_LENGTH;

const blockSize = (index: number): number => MIN_BLOCKSIZE * 2 ** index;

// Bound once: a global lookup per byte is slow where the global object is a proxy (jest's vm).
const imul = Math.imul;

// Each block size keeps two 6-bit FNV states, h (the current piece) and halfh (the same, but
// no longer reset once the first half of the signature is written). Both live in one int32, h
// in bits 0-5 and halfh in bits 16-21, so one multiply updates both: sum_hash(c, h) is
// (h * 0x01000193 ^ c) mod 64, and 0x01000193 ≡ 0x13 (mod 64) keeps each lane's product
// (at most 63 * 0x13) inside its 16 bits.
const FNV_PRIME_MOD_64 = 0x13;
const LANES = 0x3f003f;
const HALF = 16;
const INIT_PAIR = (HASH_INIT << HALF) | HASH_INIT;

/** fuzzy_set_total_input_length: one past the last block size worth forking for this length. */
function blockHashEndLimit(totalSize: number): number {
  let bi = 0;
  while (blockSize(bi) * SPAMSUM_LENGTH < totalSize) {
    bi++;
    if (bi === NUM_BLOCKHASHES - 2) break;
  }
  return bi + 1;
}

/** fuzzy_state with the total length fixed up front, as `ssdeep FILE` (fuzzy_hash_file) does. */
class FuzzyState {
  bhstart = 0;
  bhend = 1;
  readonly bhendlimit: number;
  reduceBorder = MIN_BLOCKSIZE * SPAMSUM_LENGTH;
  rollmask = 0;
  needLastHash = false;
  lasth = 0;
  // roll_state without its window (the input is at hand): h1 is the sum of the last 7 bytes, h2
  // their sum weighted by age (both far below 2^31), h3 a shift-xor that wraps at 32 bits.
  h1 = 0;
  h2 = 0;
  h3 = 0;
  /** Per block size, h | halfh << 16. */
  readonly pairs = new Int32Array(NUM_BLOCKHASHES);
  /** Block size i's characters at digests[i * SPAMSUM_LENGTH ..]; 0 plays C's '\0'. */
  readonly digests = new Uint8Array(NUM_BLOCKHASHES * SPAMSUM_LENGTH);
  readonly dindex = new Int32Array(NUM_BLOCKHASHES);
  readonly halfdigest = new Uint8Array(NUM_BLOCKHASHES);

  constructor(readonly totalSize: number) {
    this.bhendlimit = blockHashEndLimit(totalSize);
    this.pairs[0] = INIT_PAIR;
  }
}

/**
 * Bytes per update() call. One loop over a large input gets compiled while it runs (on-stack
 * replacement), before the write-back after it has ever run; without type feedback there, the
 * optimized loop bailed out at its end on every input, at half the speed. Short slices let
 * update() run whole a few times first, so V8 optimizes all of it.
 */
const SLICE_BYTES = 4096;

/** (2^33 + 1) / 3, the inverse of 3 modulo 2^32: x * it is x / 3 when 3 divides x, else above 0x55555555. */
const INVERSE_OF_3 = 0xaaaaaaab;

/**
 * fuzzy_engine_step for each of data[from..to): the state in locals during the loop, written
 * back after it. The rare path (a reset point) is inline: a closure over the locals, or a
 * method call with them, would slow down every byte.
 */
function update(s: FuzzyState, data: Uint8Array, from: number, to: number): void {
  const { pairs, digests, dindex, halfdigest, totalSize, bhendlimit } = s;
  let { bhstart, bhend, reduceBorder, rollmask, needLastHash, lasth, h1, h2, h3 } = s;
  for (let i = from; i < to; i++) {
    const c = data[i];
    h2 = h2 - h1 + ROLLING_WINDOW * c;
    h1 = h1 + c - (i >= ROLLING_WINDOW ? data[i - ROLLING_WINDOW] : 0);
    h3 = (h3 << 5) ^ c;

    const lanes = (c & 0x3f) * 0x10001;
    for (let k = bhstart; k < bhend; k++) pairs[k] = (imul(pairs[k], FNV_PRIME_MOD_64) ^ lanes) & LANES;
    if (needLastHash) lasth = (imul(lasth, FNV_PRIME_MOD_64) ^ c) & 0x3f;

    // A reset point for the smallest live block size 3 << bhstart: roll_sum + 1 (horg) is a
    // multiple of it. Tested as ssdeep does (horg / 3 has bhstart low zero bits), with the
    // power-of-two part first: with growing block sizes it rejects nearly every byte, and a
    // branch that rarely goes the other way costs little.
    const horg = (h1 + h2 + 1 + h3) | 0;
    if ((horg & rollmask) !== 0) continue;
    if (horg === 0) continue; // 0xffffffff + 1 wraps to 0, which is not -1 (mod 3)
    let h = imul(horg, INVERSE_OF_3) >>> 0;
    if (h > 0x55555555) continue; // not a multiple of 3
    h = h >>> bhstart;

    // A reset point for block size 3<<k is one for every smaller size too: emit a character for
    // each block size from the smallest live one up while the quotient keeps dividing by two.
    let k = bhstart;
    do {
      if (dindex[k] === 0) {
        // fuzzy_try_fork_blockhash: the next block size starts from this one's state.
        if (bhend <= bhendlimit) {
          pairs[bhend] = pairs[bhend - 1];
          bhend++;
        } else if (bhend === NUM_BLOCKHASHES && !needLastHash) {
          needLastHash = true;
          lasth = pairs[bhend - 1] & 0x3f;
        }
      }
      const pair = pairs[k];
      const at = k * SPAMSUM_LENGTH + dindex[k];
      digests[at] = B64_CODES[pair & 0x3f];
      halfdigest[k] = B64_CODES[pair >>> HALF];
      if (dindex[k] < SPAMSUM_LENGTH - 1) {
        // The last character keeps absorbing the tail once the signature is full.
        digests[at + 1] = 0;
        const d = ++dindex[k];
        if (d < SPAMSUM_LENGTH / 2) {
          pairs[k] = INIT_PAIR;
          halfdigest[k] = 0;
        } else {
          pairs[k] = (pair & (0x3f << HALF)) | HASH_INIT;
        }
      } else if (bhend - bhstart >= 2 && reduceBorder < totalSize && dindex[bhstart + 1] >= SPAMSUM_LENGTH / 2) {
        // fuzzy_try_reduce_blockhash: the smallest block size can no longer be chosen.
        bhstart++;
        reduceBorder *= 2;
        rollmask = rollmask * 2 + 1;
      }
      if (h & 1) break;
      h = h >>> 1;
    } while (++k < bhend);
  }
  s.bhstart = bhstart;
  s.bhend = bhend;
  s.reduceBorder = reduceBorder;
  s.rollmask = rollmask;
  s.needLastHash = needLastHash;
  s.lasth = lasth;
  s.h1 = h1;
  s.h2 = h2;
  s.h3 = h3;
}

/** fuzzy_digest with flags 0 (no sequence elimination, second part truncated to 32). */
function formatDigest(s: FuzzyState): string {
  const { bhstart, bhend, pairs, digests, dindex, halfdigest } = s;
  const h = ((s.h1 + s.h2 + s.h3) | 0) >>> 0; // roll_sum
  let bi = bhstart;
  // Initial guess from the length, then halve while the signature is too short: the classic
  // spamsum retry loop.
  while (blockSize(bi) * SPAMSUM_LENGTH < s.totalSize) bi++;
  if (bi >= bhend) bi = bhend - 1;
  while (bi > bhstart && dindex[bi] < SPAMSUM_LENGTH / 2) bi--;

  const chars = (k: number, n: number) => String.fromCharCode(...digests.subarray(k * SPAMSUM_LENGTH, k * SPAMSUM_LENGTH + n));
  const pendingChar = (k: number) => digests[k * SPAMSUM_LENGTH + dindex[k]];
  let out = `${blockSize(bi)}:${chars(bi, dindex[bi])}`;
  if (h !== 0) out += B64[pairs[bi] & 0x3f];
  else if (pendingChar(bi) !== 0) out += String.fromCharCode(pendingChar(bi));
  out += ':';
  if (bi < bhend - 1) {
    const next = bi + 1;
    out += chars(next, Math.min(dindex[next], SPAMSUM_LENGTH / 2 - 1));
    if (h !== 0) out += B64[pairs[next] >>> HALF];
    else if (halfdigest[next] !== 0) out += String.fromCharCode(halfdigest[next]);
  } else if (h !== 0) {
    out += B64[bi === 0 ? pairs[0] & 0x3f : s.lasth];
  }
  return out;
}

/** The ssdeep signature of some bytes, "blocksize:sig1:sig2", as `ssdeep FILE` prints it. */
export function ssdeepHash(data: Uint8Array): string {
  if (data.length > SSDEEP_TOTAL_SIZE_MAX) throw new RangeError(`input of ${data.length} bytes exceeds ssdeep's limit`);
  const state = new FuzzyState(data.length);
  for (let from = 0; from < data.length; from += SLICE_BYTES) update(state, data, from, Math.min(data.length, from + SLICE_BYTES));
  return formatDigest(state);
}

// ---- comparison (fuzzy_compare) ----

const ULONG_MAX = (1n << 64n) - 1n;

/** sscanf(s, "%lu"): optional blanks and sign, then digits; strtoul saturates on overflow. */
function scanUnsignedLong(s: string): bigint | undefined {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)/.exec(s);
  if (!m) return undefined;
  const digits = m[2].replace(/^0+(?=\d)/, '');
  if (digits.length > 20) return ULONG_MAX; // 2^64 has 20 digits; spare BigInt a huge parse
  let v = BigInt(digits);
  if (v > ULONG_MAX) return ULONG_MAX;
  if (m[1] === '-') v = (ULONG_MAX + 1n - v) & ULONG_MAX;
  return v;
}

/**
 * copy_eliminate_sequences: reads from `pos` up to `stop` (or the end), keeping at most three of
 * any run of one character. Returns undefined when more than SPAMSUM_LENGTH characters remain.
 */
function readPart(s: string, pos: number, stop: string): { part: string; end: number } | undefined {
  let part = '';
  let seq = 0;
  let i = pos;
  for (; i < s.length && s[i] !== stop; i++) {
    const c = s[i];
    if (part.length > 0 && c === part[part.length - 1]) {
      if (++seq >= 3) { seq = 3; continue; }
    } else {
      seq = 0;
    }
    if (part.length === SPAMSUM_LENGTH) return undefined;
    part += c;
  }
  return { part, end: i };
}

/** Does some substring of length ROLLING_WINDOW occur in both? (has_common_substring) */
function hasCommonSubstring(s1: string, s2: string): boolean {
  if (s1.length < ROLLING_WINDOW || s2.length < ROLLING_WINDOW) return false;
  const grams = new Set<string>();
  for (let i = 0; i + ROLLING_WINDOW <= s1.length; i++) grams.add(s1.slice(i, i + ROLLING_WINDOW));
  for (let j = 0; j + ROLLING_WINDOW <= s2.length; j++) if (grams.has(s2.slice(j, j + ROLLING_WINDOW))) return true;
  return false;
}

/** edit_distn: insertions and deletions cost 1, a replacement 2 (both strings ≤ 64 chars). */
export function editDistance(s1: string, s2: string): number {
  let prev = Array.from({ length: s2.length + 1 }, (_, i) => i);
  let cur = new Array<number>(s2.length + 1);
  for (let i1 = 0; i1 < s1.length; i1++) {
    cur[0] = i1 + 1;
    for (let i2 = 0; i2 < s2.length; i2++) {
      const replace = prev[i2] + (s1[i1] === s2[i2] ? 0 : 2);
      cur[i2 + 1] = Math.min(prev[i2 + 1] + 1, cur[i2] + 1, replace);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[s2.length];
}

/** score_strings: 0 (unrelated) .. 100 (same), with small block sizes capped. */
function scoreStrings(s1: string, s2: string, blockSizeValue: bigint): number {
  if (!hasCommonSubstring(s1, s2)) return 0;
  let score = editDistance(s1, s2);
  score = Math.floor((score * SPAMSUM_LENGTH) / (s1.length + s2.length));
  score = Math.floor((100 * score) / SPAMSUM_LENGTH);
  score = 100 - score;
  // A short message at a small block size must not look like a strong match.
  if (blockSizeValue >= BigInt(Math.floor((99 + ROLLING_WINDOW) / ROLLING_WINDOW) * MIN_BLOCKSIZE)) return score;
  const cap = Number(blockSizeValue / BigInt(MIN_BLOCKSIZE)) * Math.min(s1.length, s2.length);
  return Math.min(score, cap);
}

interface ParsedSignature { blockSize: bigint; part1: string; part2: string }

function parseForCompare(sig: string): ParsedSignature | undefined {
  const bs = scanUnsignedLong(sig);
  if (bs === undefined) return undefined;
  const colon = sig.indexOf(':');
  if (colon < 0) return undefined;
  const p1 = readPart(sig, colon + 1, ':');
  if (!p1 || p1.end >= sig.length) return undefined; // no second part
  const p2 = readPart(sig, p1.end + 1, ',');
  if (!p2) return undefined;
  return { blockSize: bs, part1: p1.part, part2: p2.part };
}

/**
 * fuzzy_compare: how alike two ssdeep signatures are, 0-100, or -1 when either is malformed.
 * Signatures of unrelated block sizes (not equal, not a factor of two apart) score 0.
 */
export function ssdeepCompare(a: string, b: string): number {
  // C strings end at the first NUL.
  const str1 = a.split('\0', 1)[0];
  const str2 = b.split('\0', 1)[0];
  const bs1 = scanUnsignedLong(str1);
  const bs2 = scanUnsignedLong(str2);
  if (bs1 === undefined || bs2 === undefined) return -1;
  const half = ULONG_MAX / 2n;
  if (bs1 !== bs2 && (bs1 > half || bs1 * 2n !== bs2) && (bs1 % 2n === 1n || bs1 / 2n !== bs2)) return 0;

  const s1 = parseForCompare(str1);
  const s2 = parseForCompare(str2);
  if (!s1 || !s2) return -1;

  if (bs1 === bs2 && s1.part1 === s2.part1 && s1.part2 === s2.part2) return 100;

  if (bs1 <= half) {
    if (bs1 === bs2) {
      return Math.max(scoreStrings(s1.part1, s2.part1, bs1), scoreStrings(s1.part2, s2.part2, bs1 * 2n));
    }
    if (bs1 * 2n === bs2) return scoreStrings(s2.part1, s1.part2, bs2);
    return scoreStrings(s1.part1, s2.part2, bs1);
  }
  if (bs1 === bs2) return scoreStrings(s1.part1, s2.part1, bs1);
  if (bs1 % 2n === 0n && bs1 / 2n === bs2) return scoreStrings(s1.part1, s2.part2, bs1);
  return 0;
}

/** A well-formed signature as ssdeep prints it: "blocksize:sig1:sig2" in base64 characters. */
export function isSsdeepSignature(s: string): boolean {
  const m = /^(\d{1,12}):([A-Za-z0-9+/]{0,64}):([A-Za-z0-9+/]{0,64})$/.exec(s);
  if (!m) return false;
  const bs = Number(m[1]);
  return bs >= MIN_BLOCKSIZE && Number.isInteger(Math.log2(bs / MIN_BLOCKSIZE));
}
