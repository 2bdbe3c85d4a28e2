// ssdeep: context-triggered piecewise hashing, written for autosoc (Apache-2.0) from the
// published algorithm: J. Kornblum, "Identifying almost identical files using context
// triggered piecewise hashing", Digital Investigation 3S (DFRWS 2006), pp. S91-S97. No ssdeep
// or spamsum source was used; Debian's `ssdeep` 2.14.1 served only as an oracle, and the tests
// compare every hash and score with what it printed (test/fixtures/similarity).
//
// The algorithm, as the paper gives it:
// - a rolling hash over the last 7 bytes (h1: their sum, h2: their sum weighted 7..1,
//   h3: shift-by-5-and-xor) picks the trigger points: for block size b, after every byte where
//   rolling % b == b - 1;
// - a piecewise FNV-style hash (h = h * 0x01000193 ^ byte, from 0x28021967) runs over the
//   bytes since the last trigger; each trigger turns it into one base64 character (its low six
//   bits) and restarts it;
// - b starts at the smallest 3 * 2^k with b * 64 >= length and halves while the signature at b
//   has fewer than 32 characters; the result is "b:signature at b:signature at 2b";
// - the signature at b keeps 63 trigger characters, the one at 2b 31; a last character
//   covers the bytes after the last restart when the rolling hash ends non-zero (else the value
//   at the last trigger past the limit, if any).
//
// Speed: only the low six bits of the FNV state are ever used, and they depend only on the low
// six bits before (multiplication mod 2^6), so the state is 6 bits and a step is one lookup in a
// 64 x 256 table. One pass over the bytes runs the rolling hash once and three block sizes
// side by side (the guess, half of it and twice it); a file whose signature comes out short
// at all three (long runs of one byte) takes another pass for the next three sizes down.

export const SPAMSUM_LENGTH = 64;
const HALF_LENGTH = SPAMSUM_LENGTH / 2;
const WINDOW = 7;
const MIN_BLOCKSIZE = 3;
/** Block sizes 3 * 2^0 .. 3 * 2^30, as ssdeep. */
const MAX_LEVEL = 30;
/** Largest input ssdeep accepts: the biggest block size times the signature length (192 GiB). */
export const SSDEEP_TOTAL_SIZE_MAX = MIN_BLOCKSIZE * 2 ** MAX_LEVEL * SPAMSUM_LENGTH;
/** Block sizes below this cap a score by block size / 3 * the shorter signature. */
const CAP_BELOW_BLOCKSIZE = Math.floor((99 + WINDOW) / WINDOW) * MIN_BLOCKSIZE;

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const FNV_INIT_6 = 0x28021967 & 63;
const FNV_PRIME_6 = 0x01000193 & 63;
/** NEXT[state << 8 | byte]: the next 6-bit piece-hash state. */
const NEXT = new Uint8Array(64 * 256);
for (let s = 0; s < 64; s++) for (let c = 0; c < 256; c++) NEXT[(s << 8) | c] = ((s * FNV_PRIME_6) ^ c) & 63;

const levelBlockSize = (level: number): number => MIN_BLOCKSIZE * 2 ** level;

/** What one block size saw over the whole input. */
interface LevelRun {
  /** Trigger characters; index 63 is overwritten by every trigger past the 63rd. */
  digest: Uint8Array;
  /** Triggers seen (may exceed 64). */
  triggers: number;
  /** Piece-hash state at the end (restarted at triggers 1..63 only). */
  state: number;
  /** Position of the 31st trigger (the second signature's last restart), or -1. */
  at31: number;
  /** Position of the last trigger, or -1. */
  last: number;
}

const newRun = (): LevelRun => ({ digest: new Uint8Array(SPAMSUM_LENGTH), triggers: 0, state: FNV_INIT_6, at31: -1, last: -1 });

/** Records a trigger at position p for a block size whose piece state is `state`; returns the state after. */
function trigger(run: LevelRun, state: number, p: number): number {
  const n = run.triggers++;
  run.last = p;
  if (n < SPAMSUM_LENGTH - 1) {
    run.digest[n] = state;
    if (n === HALF_LENGTH - 2) run.at31 = p;
    return FNV_INIT_6;
  }
  run.digest[SPAMSUM_LENGTH - 1] = state;
  return state;
}

/**
 * One pass over `data` for block sizes at levels base, base + 1 and base + 2. Returns their
 * runs and whether the rolling hash ended non-zero.
 */
function pass(data: Uint8Array, base: number): { runs: LevelRun[]; endsNonZero: boolean } {
  const runs = [newRun(), newRun(), newRun()];
  const [r0, r1, r2] = runs;
  const next = NEXT;
  const n = data.length;
  // Trigger when roll + 1 is a multiple of 3 * 2^level: first its low bits (cheap, rare to pass), then 3.
  const mask0 = 2 ** base - 1;
  const mask1 = 2 ** (base + 1) - 1;
  const mask2 = 2 ** (base + 2) - 1;
  let h1 = 0;
  let h2 = 0;
  let h3 = 0;
  let roll = 0;
  let s0 = FNV_INIT_6;
  let s1 = FNV_INIT_6;
  let s2 = FNV_INIT_6;
  for (let p = 0; p < n; p++) {
    const c = data[p];
    h2 = h2 - h1 + WINDOW * c;
    h1 = h1 + c - (p >= WINDOW ? data[p - WINDOW] : 0);
    h3 = (h3 << 5) ^ c;
    roll = (h1 + h2 + h3) | 0;
    s0 = next[(s0 << 8) | c];
    s1 = next[(s1 << 8) | c];
    s2 = next[(s2 << 8) | c];
    const r = (roll + 1) | 0;
    // r === 0 is roll 0xFFFFFFFF: roll + 1 is 2^32, not a multiple of 3.
    if ((r & mask0) !== 0 || r === 0) continue;
    const u = r >>> 0;
    if (((u >>> 16) + (u & 0xffff)) % 3 !== 0) continue; // 2^16 = 1 (mod 3)
    s0 = trigger(r0, s0, p);
    if ((r & mask1) !== 0) continue;
    s1 = trigger(r1, s1, p);
    if ((r & mask2) !== 0) continue;
    s2 = trigger(r2, s2, p);
  }
  r0.state = s0;
  r1.state = s1;
  r2.state = s2;
  return { runs, endsNonZero: roll !== 0 };
}

/** The 6-bit piece hash of data[from..to], inclusive. */
function pieceHash(data: Uint8Array, from: number, to: number): number {
  let s = FNV_INIT_6;
  for (let p = from; p <= to; p++) s = NEXT[(s << 8) | data[p]];
  return s;
}

function chars(digest: Uint8Array, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += B64[digest[i]];
  return out;
}

/** The first signature: up to 63 trigger characters and the tail. */
function firstSignature(run: LevelRun, endsNonZero: boolean): string {
  const kept = Math.min(run.triggers, SPAMSUM_LENGTH - 1);
  let out = chars(run.digest, kept);
  if (endsNonZero) out += B64[run.state];
  else if (run.triggers > kept) out += B64[run.digest[SPAMSUM_LENGTH - 1]];
  return out;
}

/** The second signature: up to 31 trigger characters and the tail after the 31st. */
function secondSignature(data: Uint8Array, run: LevelRun, endsNonZero: boolean): string {
  const kept = Math.min(run.triggers, HALF_LENGTH - 1);
  let out = chars(run.digest, kept);
  if (run.triggers <= kept) {
    if (endsNonZero) out += B64[run.state];
  } else if (endsNonZero) out += B64[pieceHash(data, run.at31 + 1, data.length - 1)];
  else out += B64[pieceHash(data, run.at31 + 1, run.last)];
  return out;
}

/** The ssdeep signature of `data`, exactly as `ssdeep -s` prints it ("b:sig1:sig2"). */
export function ssdeepHash(data: Uint8Array): string {
  let guess = 0;
  while (guess < MAX_LEVEL && levelBlockSize(guess) * SPAMSUM_LENGTH < data.length) guess++;
  const runs = new Map<number, LevelRun>();
  let endsNonZero = false;
  const ensure = (level: number) => {
    if (runs.has(level)) return;
    const base = Math.max(0, Math.min(level, guess) - (runs.size === 0 ? 1 : 2));
    const result = pass(data, base);
    result.runs.forEach((run, i) => runs.set(base + i, run));
    endsNonZero = result.endsNonZero;
  };
  let level = guess;
  ensure(level);
  ensure(level + 1);
  for (;;) {
    ensure(level);
    if (level === 0 || runs.get(level)!.triggers >= HALF_LENGTH) break;
    level--;
  }
  ensure(level + 1);
  return `${levelBlockSize(level)}:${firstSignature(runs.get(level)!, endsNonZero)}:${secondSignature(data, runs.get(level + 1)!, endsNonZero)}`;
}

// ---- comparison -------------------------------------------------------------------------

interface ParsedSignature {
  blockSize: bigint;
  first: string;
  second: string;
}

const ULONG_MAX = 2n ** 64n - 1n;

/**
 * The block size as C's strtoul reads it (the format's "%lu"): leading white space, a sign,
 * digits, saturating at 2^64 - 1; a minus negates modulo 2^64. Undefined without digits.
 */
function readBlockSize(s: string): bigint | undefined {
  let i = 0;
  while (i < s.length && ' \t\n\v\f\r'.includes(s[i])) i++;
  let negative = false;
  if (s[i] === '+' || s[i] === '-') negative = s[i++] === '-';
  const start = i;
  let value = 0n;
  let saturated = false;
  for (; i < s.length && s[i] >= '0' && s[i] <= '9'; i++) {
    if (saturated) continue;
    value = value * 10n + BigInt(s.charCodeAt(i) - 48);
    if (value > ULONG_MAX) saturated = true;
  }
  if (i === start) return undefined;
  if (saturated) return ULONG_MAX;
  return negative && value !== 0n ? 2n ** 64n - value : value;
}

/**
 * Collapses runs of more than three identical characters to three (they carry no information).
 * Stops once past the signature length: the caller refuses that anyway.
 */
function collapseRuns(s: string): string {
  let out = '';
  let run = 0;
  for (let i = 0; i < s.length && out.length <= SPAMSUM_LENGTH; i++) {
    run = i > 0 && s[i] === s[i - 1] ? run + 1 : 1;
    if (run <= 3) out += s[i];
  }
  return out;
}

/** Edit distance with insertions and deletions costing 1 and replacements 2. */
export function editDistance(a: string, b: string): number {
  let previous = Uint32Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const replace = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 2);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, replace);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length];
}

function shareSubstringOfWindow(a: string, b: string): boolean {
  if (a.length < WINDOW || b.length < WINDOW) return false;
  const seen = new Set<string>();
  for (let i = 0; i + WINDOW <= a.length; i++) seen.add(a.slice(i, i + WINDOW));
  for (let i = 0; i + WINDOW <= b.length; i++) if (seen.has(b.slice(i, i + WINDOW))) return true;
  return false;
}

/** 0..100 for two signature parts at block size `blockSize` (the paper's match score). */
function scoreParts(a: string, b: string, blockSize: bigint): number {
  if (!shareSubstringOfWindow(a, b)) return 0;
  const scaled = Math.floor((editDistance(a, b) * SPAMSUM_LENGTH) / (a.length + b.length));
  const score = 100 - Math.floor((100 * scaled) / SPAMSUM_LENGTH);
  if (blockSize >= BigInt(CAP_BELOW_BLOCKSIZE)) return score;
  // Small block sizes: short signatures match by chance, so the score is capped.
  return Math.min(score, Number(blockSize / BigInt(MIN_BLOCKSIZE)) * Math.min(a.length, b.length));
}

/** Whether ssdeep compares these block sizes at all: equal, or one twice the other. */
function comparableBlockSizes(a: bigint, b: bigint): boolean {
  return a === b || (a <= ULONG_MAX / 2n && a * 2n === b) || (a % 2n === 0n && a / 2n === b);
}

/** The two parts after the block size, runs collapsed, or undefined when malformed (-1 for ssdeep). */
function readParts(s: string): { first: string; second: string } | undefined {
  const colon1 = s.indexOf(':');
  if (colon1 < 0) return undefined;
  const colon2 = s.indexOf(':', colon1 + 1);
  if (colon2 < 0) return undefined;
  const first = collapseRuns(s.slice(colon1 + 1, colon2));
  const comma = s.indexOf(',', colon2 + 1);
  const second = collapseRuns(s.slice(colon2 + 1, comma < 0 ? s.length : comma));
  // The limit applies to the parts with their runs collapsed.
  if (first.length > SPAMSUM_LENGTH || second.length > SPAMSUM_LENGTH) return undefined;
  return { first, second };
}

/**
 * ssdeep's match score of two signatures: 0 (no match) to 100, or -1 when either is malformed,
 * as `ssdeep -a -k` prints it (a trailing ,"filename" is ignored; text after a NUL is not read).
 */
export function ssdeepCompare(a: string, b: string): number {
  const cut = (s: string) => (s.includes('\0') ? s.slice(0, s.indexOf('\0')) : s);
  const [sa, sb] = [cut(a), cut(b)];
  const bsA = readBlockSize(sa);
  const bsB = readBlockSize(sb);
  if (bsA === undefined || bsB === undefined) return -1;
  if (!comparableBlockSizes(bsA, bsB)) return 0;
  const pa = readParts(sa);
  const pb = readParts(sb);
  if (!pa || !pb) return -1;
  const x: ParsedSignature = { blockSize: bsA, ...pa };
  const y: ParsedSignature = { blockSize: bsB, ...pb };
  if (x.blockSize === y.blockSize) {
    if (x.first === y.first && x.second === y.second) return 100;
    return Math.max(scoreParts(x.first, y.first, x.blockSize), scoreParts(x.second, y.second, x.blockSize * 2n));
  }
  // One block size twice the other: the larger's first part against the smaller's second.
  return x.blockSize > y.blockSize ? scoreParts(x.first, y.second, x.blockSize) : scoreParts(x.second, y.first, y.blockSize);
}

/** A well-formed signature as ssdeep prints it: "blocksize:sig1:sig2" in base64 characters. */
export function isSsdeepSignature(s: string): boolean {
  const m = /^(\d{1,12}):([A-Za-z0-9+/]{0,64}):([A-Za-z0-9+/]{0,64})$/.exec(s);
  if (!m) return false;
  const bs = Number(m[1]);
  return bs >= MIN_BLOCKSIZE && Number.isInteger(Math.log2(bs / MIN_BLOCKSIZE));
}
