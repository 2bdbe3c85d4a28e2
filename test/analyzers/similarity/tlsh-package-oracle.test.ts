// Our TLSH against the npm tlsh package (idealista/tlsh-js, what tlsh.ts used before) on random
// inputs: same digest, same decision to decline, same distance. The package agrees with Debian's
// tlsh on inputs of 512 bytes up to 190,335 (see tlsh-digest.test.ts for where it stops).
import fc from 'fast-check';
import tlshPackageHash from 'tlsh';
import DigestHashBuilder from 'tlsh/lib/digests/digest-hash-builder';
import { tlshDistance, tlshHash } from '../../../src/analyzers/similarity/tlsh';

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');

/** The package's digest, or undefined where it throws "Input data hasn't enough complexity". */
function packageDigest(bytes: Uint8Array): string | undefined {
  try {
    return tlshPackageHash(latin1(bytes));
  } catch (err) {
    if (err instanceof Error && /complexity/.test(err.message)) return undefined;
    throw err;
  }
}

const packageDistance = (a: string, b: string, includeLength: boolean) =>
  DigestHashBuilder().withHash(a).build().calculateDifference(DigestHashBuilder().withHash(b).build(), includeLength);

/** Bytes drawn from an alphabet of 1 to 12 values: some varied enough for TLSH, some not. */
const lowVariety = fc
  .tuple(
    fc.uniqueArray(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 12 }),
    fc.integer({ min: 512, max: 20_000 }),
    fc.integer(),
  )
  .map(([alphabet, length, seed]) => {
    const out = new Uint8Array(length);
    let x = seed >>> 0;
    for (let i = 0; i < length; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      out[i] = alphabet[(x >>> 16) % alphabet.length];
    }
    return out;
  });

const hexDigest = fc.uint8Array({ minLength: 35, maxLength: 35 }).map((b) => Buffer.from(b).toString('hex').toUpperCase());

describe('tlshHash against the tlsh npm package', () => {
  it('gives the same digest on random inputs of 512 to 20,000 bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 512, maxLength: 20_000, size: 'max' }), (bytes) => {
        const ours = tlshHash(bytes);
        expect(ours).toMatch(/^[0-9A-F]{70}$/);
        expect(ours).toBe(packageDigest(bytes));
      }),
      { numRuns: 150 },
    );
  });

  it('declines exactly where the package finds too little complexity', () => {
    let declined = 0;
    fc.assert(
      fc.property(lowVariety, (bytes) => {
        const ours = tlshHash(bytes);
        if (ours === undefined) declined++;
        expect(ours).toBe(packageDigest(bytes));
      }),
      { numRuns: 150 },
    );
    // Both outcomes were exercised (an alphabet of one or two values never gets 65 buckets).
    expect(declined).toBeGreaterThan(0);
    expect(declined).toBeLessThan(150);
  });
});

describe('tlshDistance against the tlsh npm package', () => {
  it('gives the same distance, with and without the length, for any two digests', () => {
    fc.assert(
      fc.property(hexDigest, hexDigest, (a, b) => {
        expect(tlshDistance(a, b)).toBe(packageDistance(a, b, true));
        expect(tlshDistance(a, b, false)).toBe(packageDistance(a, b, false));
      }),
      { numRuns: 1000 },
    );
  });

  it('gives the same distance between an input and a patched copy', () => {
    const patched = fc
      .tuple(
        fc.uint8Array({ minLength: 512, maxLength: 20_000, size: 'max' }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 200 }),
      )
      .map(([bytes, edits]) => {
        const copy = Uint8Array.from(bytes);
        for (const [at, value] of edits) copy[at % copy.length] = value;
        return [bytes, copy] as const;
      });
    fc.assert(
      fc.property(patched, ([original, copy]) => {
        const a = tlshHash(original)!;
        const b = tlshHash(copy)!;
        expect(tlshDistance(a, b)).toBe(packageDistance(a, b, true));
        expect(tlshDistance(a, b, false)).toBe(packageDistance(a, b, false));
      }),
      { numRuns: 100 },
    );
  });
});
