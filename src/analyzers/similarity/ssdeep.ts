// ssdeep (context-triggered piecewise hashing, after Tridgell's spamsum), ported from ssdeep
// 2.14.1 (git 57fcfff, the Debian package): fuzzy.c and edit_dist.c. The npm ports differ from
// it, so this one is checked byte for byte against Debian's `ssdeep` (test/fixtures/similarity).
//
// Hashing: a rolling hash over a 7-byte window picks reset points (for block size b, where
// rolling + 1 is a multiple of b); each piece between two reset points becomes one base64
// character of an FNV-style hash (only its low 6 bits matter). Classic spamsum guessed b from
// the length, hashed, and retried with b/2 while the signature came out shorter than 32
// characters. ssdeep 2.14 runs every candidate block size (3 << i) in one pass, then walks the
// same guess-and-halve loop over the results (digest() below): the retry loop's answer
// without rereading the input.

export const SPAMSUM_LENGTH = 64;
const ROLLING_WINDOW = 7;
const MIN_BLOCKSIZE = 3;
const HASH_INIT = 0x27;
const NUM_BLOCKHASHES = 31;
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Largest input ssdeep accepts: the biggest block size times the signature length (192 GiB). */
export const SSDEEP_TOTAL_SIZE_MAX = (MIN_BLOCKSIZE * 2 ** (NUM_BLOCKHASHES - 1)) * SPAMSUM_LENGTH;

const blockSize = (index: number): number => MIN_BLOCKSIZE * 2 ** index;

// Bound once: a global lookup per byte is slow where the global object is a proxy (jest's vm).
const imul = Math.imul;

/** The FNV-1 step truncated to 6 bits: sum_table[h][c & 0x3f] in ssdeep's sum_table.h. */
function sumHash(c: number, h: number): number {
  return (imul(h, 0x01000193) ^ (c & 0x3f)) & 0x3f;
}

class RollState {
  private readonly window = new Uint8Array(ROLLING_WINDOW);
  private h1 = 0;
  private h2 = 0;
  private h3 = 0;
  private n = 0;

  /** Adler-like sums h1/h2 and a shift-xor h3, all modulo 2^32 as in C's uint32_t. */
  roll(c: number): void {
    this.h2 = (this.h2 - this.h1 + ROLLING_WINDOW * c) >>> 0;
    this.h1 = (this.h1 + c - this.window[this.n]) >>> 0;
    this.window[this.n] = c;
    this.n = this.n + 1 === ROLLING_WINDOW ? 0 : this.n + 1;
    this.h3 = ((this.h3 << 5) ^ c) >>> 0;
  }

  sum(): number {
    return (this.h1 + this.h2 + this.h3) >>> 0;
  }
}

interface BlockHash {
  digest: Uint8Array; // base64 characters; 0 plays C's '\0'
  dindex: number;
  halfdigest: number;
  h: number;
  halfh: number;
}

const newBlockHash = (h: number, halfh: number): BlockHash =>
  ({ digest: new Uint8Array(SPAMSUM_LENGTH), dindex: 0, halfdigest: 0, h, halfh });

/** fuzzy_state with the total length fixed up front, as `ssdeep FILE` (fuzzy_hash_file) does. */
class FuzzyState {
  private bhstart = 0;
  private bhend = 1;
  private readonly bhendlimit: number;
  private readonly bh: BlockHash[] = [newBlockHash(HASH_INIT, HASH_INIT)];
  private reduceBorder = MIN_BLOCKSIZE * SPAMSUM_LENGTH;
  private rollmask = 0;
  private needLastHash = false;
  private lasth = 0;
  private readonly roll = new RollState();

  constructor(private readonly totalSize: number) {
    // fuzzy_set_total_input_length: no block size beyond the one the length calls for is forked.
    let bi = 0;
    while (blockSize(bi) * SPAMSUM_LENGTH < totalSize) {
      bi++;
      if (bi === NUM_BLOCKHASHES - 2) break;
    }
    this.bhendlimit = bi + 1;
  }

  private tryForkBlockHash(): void {
    const obh = this.bh[this.bhend - 1];
    if (this.bhend <= this.bhendlimit) {
      this.bh[this.bhend] = newBlockHash(obh.h, obh.halfh);
      this.bhend++;
    } else if (this.bhend === NUM_BLOCKHASHES && !this.needLastHash) {
      this.needLastHash = true;
      this.lasth = obh.h;
    }
  }

  /** Drops the smallest block size once it can no longer be chosen. */
  private tryReduceBlockHash(): void {
    if (this.bhend - this.bhstart < 2) return;
    if (this.reduceBorder >= this.totalSize) return;
    if (this.bh[this.bhstart + 1].dindex < SPAMSUM_LENGTH / 2) return;
    this.bhstart++;
    this.reduceBorder *= 2;
    this.rollmask = this.rollmask * 2 + 1;
  }

  step(c: number): void {
    this.roll.roll(c);
    const horg = (this.roll.sum() + 1) >>> 0;
    let h = (horg / MIN_BLOCKSIZE) >>> 0;
    for (let i = this.bhstart; i < this.bhend; i++) {
      const b = this.bh[i];
      b.h = sumHash(c, b.h);
      b.halfh = sumHash(c, b.halfh);
    }
    if (this.needLastHash) this.lasth = sumHash(c, this.lasth);

    if (horg === 0) return; // 0xffffffff + 1 wraps to 0, which is not -1 (mod 3)
    if ((h & this.rollmask) !== 0) return;
    if (horg % MIN_BLOCKSIZE !== 0) return;
    h = h >>> this.bhstart;

    // A reset point for block size 3<<i is one for every smaller size too: emit a character for
    // each block size from the smallest live one up while the quotient keeps dividing by two.
    let i = this.bhstart;
    do {
      const b = this.bh[i];
      if (b.dindex === 0) this.tryForkBlockHash();
      b.digest[b.dindex] = B64.charCodeAt(b.h);
      b.halfdigest = B64.charCodeAt(b.halfh);
      if (b.dindex < SPAMSUM_LENGTH - 1) {
        // The last character keeps absorbing the tail once the signature is full.
        b.digest[++b.dindex] = 0;
        b.h = HASH_INIT;
        if (b.dindex < SPAMSUM_LENGTH / 2) {
          b.halfh = HASH_INIT;
          b.halfdigest = 0;
        }
      } else {
        this.tryReduceBlockHash();
      }
      if (h & 1) break;
      h = h >>> 1;
    } while (++i < this.bhend);
  }

  /** fuzzy_digest with flags 0 (no sequence elimination, second part truncated to 32). */
  digest(): string {
    let bi = this.bhstart;
    const h = this.roll.sum();
    // Initial guess from the length, then halve while the signature is too short: the classic
    // spamsum retry loop.
    while (blockSize(bi) * SPAMSUM_LENGTH < this.totalSize) bi++;
    if (bi >= this.bhend) bi = this.bhend - 1;
    while (bi > this.bhstart && this.bh[bi].dindex < SPAMSUM_LENGTH / 2) bi--;

    const chars = (b: BlockHash, n: number) => String.fromCharCode(...b.digest.subarray(0, n));
    const first = this.bh[bi];
    let out = `${blockSize(bi)}:${chars(first, first.dindex)}`;
    if (h !== 0) out += B64[first.h];
    else if (first.digest[first.dindex] !== 0) out += String.fromCharCode(first.digest[first.dindex]);
    out += ':';
    if (bi < this.bhend - 1) {
      const second = this.bh[bi + 1];
      out += chars(second, Math.min(second.dindex, SPAMSUM_LENGTH / 2 - 1));
      if (h !== 0) out += B64[second.halfh];
      else if (second.halfdigest !== 0) out += String.fromCharCode(second.halfdigest);
    } else if (h !== 0) {
      out += B64[bi === 0 ? first.h : this.lasth];
    }
    return out;
  }
}

/** The ssdeep signature of some bytes, "blocksize:sig1:sig2", as `ssdeep FILE` prints it. */
export function ssdeepHash(data: Uint8Array): string {
  if (data.length > SSDEEP_TOTAL_SIZE_MAX) throw new RangeError(`input of ${data.length} bytes exceeds ssdeep's limit`);
  const state = new FuzzyState(data.length);
  for (let i = 0; i < data.length; i++) state.step(data[i]);
  return state.digest();
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
