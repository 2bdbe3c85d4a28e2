// ssdeep hashing as the paper states it (Kornblum, DFRWS 2006), written plainly for the tests:
// full 32-bit rolling and FNV hashes, one block size per pass over the bytes, and the paper's
// guess-then-halve loop rereading the input. No ssdeep or spamsum source was used. The fast
// implementation (src/analyzers/similarity/ssdeep.ts: 6-bit states, three block sizes per pass)
// must agree with it on any input (ssdeep-engine.test.ts); both agree with Debian's ssdeep
// on the recorded fixtures.
const WINDOW = 7;
const MIN_BLOCKSIZE = 3;
const LENGTH = 64;
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The rolling hash after each byte (h1 + h2 + h3, unsigned 32 bits). */
function rollingValues(data: Uint8Array): Uint32Array {
  const window = [0, 0, 0, 0, 0, 0, 0];
  const out = new Uint32Array(data.length);
  let h1 = 0;
  let h2 = 0;
  let h3 = 0;
  for (let n = 0; n < data.length; n++) {
    const c = data[n];
    h2 = (h2 - h1 + WINDOW * c) >>> 0;
    h1 = (h1 + c - window[n % WINDOW]) >>> 0;
    window[n % WINDOW] = c;
    h3 = ((h3 << 5) ^ c) >>> 0;
    out[n] = (h1 + h2 + h3) >>> 0;
  }
  return out;
}

const fnv = (h: number, c: number): number => (Math.imul(h, 0x01000193) ^ c) >>> 0;

/** One signature at block size `bs`, keeping at most `limit` characters, and its trigger count. */
function signature(data: Uint8Array, rolling: Uint32Array, bs: number, limit: number): { text: string; triggered: number } {
  let out = '';
  let h = 0x28021967;
  let lastAtLimit: string | undefined;
  for (let i = 0; i < data.length; i++) {
    h = fnv(h, data[i]);
    if (rolling[i] % bs !== bs - 1) continue;
    if (out.length < limit - 1) {
      out += B64[h % 64];
      h = 0x28021967;
    } else {
      // At the limit the hash runs on: the last character covers everything after.
      lastAtLimit = B64[h % 64];
    }
  }
  const triggered = out.length;
  const endsNonZero = data.length > 0 && rolling[data.length - 1] !== 0;
  return { text: out + (endsNonZero ? B64[h % 64] : (lastAtLimit ?? '')), triggered };
}

export function paperSsdeepHash(data: Uint8Array): string {
  const rolling = rollingValues(data);
  let bs = MIN_BLOCKSIZE;
  while (bs * LENGTH < data.length && bs < MIN_BLOCKSIZE * 2 ** 30) bs *= 2;
  for (;;) {
    const first = signature(data, rolling, bs, LENGTH);
    // Halve while fewer than 32 pieces were cut (ssdeep counts the cuts, not the final character).
    if (bs > MIN_BLOCKSIZE && first.triggered < LENGTH / 2) {
      bs /= 2;
      continue;
    }
    return `${bs}:${first.text}:${signature(data, rolling, bs * 2, LENGTH / 2).text}`;
  }
}
