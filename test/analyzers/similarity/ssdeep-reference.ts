// The ssdeep hashing as first ported (before src/analyzers/similarity/ssdeep.ts was optimized):
// fuzzy.c's fuzzy_engine_step, one object per block hash and one method call per byte, checked
// byte for byte against Debian's ssdeep like the fast one. Kept as the oracle its successor is
// compared with on random inputs (ssdeep-engine.test.ts).
const SPAMSUM_LENGTH = 64;
const ROLLING_WINDOW = 7;
const MIN_BLOCKSIZE = 3;
const HASH_INIT = 0x27;
const NUM_BLOCKHASHES = 31;
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

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
export function referenceSsdeepHash(data: Uint8Array): string {
  const state = new FuzzyState(data.length);
  for (let i = 0; i < data.length; i++) state.step(data[i]);
  return state.digest();
}
