// The fast ssdeep hashing (6-bit states, three block sizes per pass, a second pass for short
// signatures) against the paper's algorithm written plainly (ssdeep-paper.ts), on inputs built
// to reach its paths: random bytes, few distinct values, runs, repeated chunks.
import fc from 'fast-check';
import { ssdeepHash } from '../../../src/analyzers/similarity/ssdeep';
import { paperSsdeepHash } from './ssdeep-paper';

/** A small LCG: fast-check picks the seed, this spins out the bytes. */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x >>> 16;
  };
}

type Kind = 'random' | 'alphabet' | 'runs' | 'repeated';

function build(kind: Kind, length: number, seed: number): Uint8Array {
  const next = lcg(seed);
  const out = new Uint8Array(length);
  if (kind === 'random') {
    for (let i = 0; i < length; i++) out[i] = next() & 0xff;
  } else if (kind === 'alphabet') {
    const size = 1 + (next() % 6);
    for (let i = 0; i < length; i++) out[i] = (next() % size) * 37;
  } else if (kind === 'runs') {
    for (let i = 0; i < length;) {
      const value = next() % 3 === 0 ? 0 : next() & 0xff;
      const run = 1 + (next() % 400);
      out.fill(value, i, Math.min(length, i + run));
      i += run;
    }
  } else {
    const chunk = Array.from({ length: 1 + (next() % 5000) }, () => next() & 0xff);
    for (let i = 0; i < length; i++) out[i] = chunk[i % chunk.length];
  }
  return out;
}

const inputs = fc.record({
  kind: fc.constantFrom<Kind>('random', 'alphabet', 'runs', 'repeated'),
  length: fc.oneof(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 2000, max: 300_000 })),
  seed: fc.integer(),
});

describe("ssdeepHash against the paper's algorithm written plainly", () => {
  it('gives the same signature on random, repetitive and low-variety inputs', () => {
    fc.assert(
      fc.property(inputs, ({ kind, length, seed }) => {
        const bytes = build(kind, length, seed);
        expect(ssdeepHash(bytes)).toBe(paperSsdeepHash(bytes));
      }),
      { numRuns: 100 },
    );
  });

  it('gives the same signature for lengths around 4 KiB and the 7-byte window', () => {
    const bytes = build('random', 3 * 4096 + 8, 99);
    for (const length of [0, 1, 6, 7, 8, 4089, 4095, 4096, 4097, 4103, 8192, 8199, 3 * 4096 + 8]) {
      const part = bytes.subarray(0, length);
      expect(ssdeepHash(part)).toBe(paperSsdeepHash(part));
    }
  });
});
