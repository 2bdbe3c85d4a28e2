// TLSH through the tlsh npm package against Debian's tlsh 3.4.4 (tlsh-tools): every digest and
// every pairwise distance recorded in test/fixtures/similarity/tlsh-expected.json must match.
import { createHash } from 'node:crypto';
import tlshPackageHash from 'tlsh';
import { join } from 'node:path';
import { normalizeTlsh, TLSH_MAX_INPUT_BYTES, tlshDistance, tlshHash } from '../../../src/analyzers/similarity/tlsh';
import expected from '../../fixtures/similarity/tlsh-expected.json';
import { allInputs, type FixtureInput } from '../../fixtures/similarity/inputs';

const REPO = join(__dirname, '..', '..', '..');
let inputs: FixtureInput[];
let digests: (string | null)[];

beforeAll(() => {
  inputs = allInputs(REPO);
  digests = inputs.map((i) => tlshHash(i.bytes) ?? null);
});

describe('tlshHash', () => {
  it('hashes the same inputs the fixtures were recorded from', () => {
    expect(inputs.map((i) => `${i.name} ${createHash('sha256').update(i.bytes).digest('hex')}`)).toEqual(
      expected.inputs.map((e) => `${e.name} ${e.sha256}`),
    );
  });

  it('prints what Debian tlsh -f prints, and declines where it does', () => {
    expect(inputs.map((i, n) => `${i.name} ${digests[n]}`)).toEqual(expected.inputs.map((e) => `${e.name} ${e.tlsh}`));
    expect(expected.inputs.filter((e) => e.tlsh).length).toBe(72);
  });

  it('hashes 256-511 byte inputs as the C library does, though the package alone refuses them', () => {
    const short = expected.inputs.filter((e) => e.size >= 256 && e.size < 512);
    expect(short.map((e) => e.name)).toEqual(['gen/random-256', 'gen/random-300', 'gen/random-511']);
    for (const e of short) expect(e.tlsh).toMatch(/^[0-9A-F]{70}$/);
    expect(expected.inputs.find((e) => e.name === 'gen/random-255')!.tlsh).toBeNull();
    const bytes = inputs.find((i) => i.name === 'gen/random-300')!.bytes;
    expect(() => tlshPackageHash(bytes.toString('latin1'))).toThrow(/complexity/);
  });

  it('declines inputs with too little variety (all zeros, "abab...")', () => {
    for (const name of ['gen/zeros-1000', 'gen/zeros-100000', 'gen/ab-600']) {
      expect(expected.inputs.find((e) => e.name === name)!.tlsh).toBeNull();
      expect(tlshHash(inputs.find((i) => i.name === name)!.bytes)).toBeUndefined();
    }
  });

  it('refuses inputs above its size limit with a RangeError', () => {
    expect(() => tlshHash(new Uint8Array(TLSH_MAX_INPUT_BYTES + 1))).toThrow(RangeError);
  });
});

describe('tlshDistance', () => {
  it('equals Debian tlsh -xref distances, with and without the length component (-xlen)', () => {
    const actual = expected.distances.map(([i, j]) => [
      i,
      j,
      tlshDistance(digests[i]!, digests[j]!),
      tlshDistance(digests[i]!, digests[j]!, false),
    ]);
    expect(actual).toEqual(expected.distances);
    expect(expected.distances.length).toBe((72 * 71) / 2);
  });

  it('is 0 for a digest and itself, and symmetric', () => {
    const [a, b] = digests.filter((d): d is string => !!d);
    expect(tlshDistance(a, a)).toBe(0);
    expect(tlshDistance(a, b)).toBe(tlshDistance(b, a));
  });

  it('reads TLSH 4 digests with the T1 prefix and lower case', () => {
    const d = expected.inputs.find((e) => e.name === 'gen/text')!.tlsh!;
    const other = expected.inputs.find((e) => e.name === 'gen/text-changed-5')!.tlsh!;
    expect(normalizeTlsh(`T1${d.toLowerCase()}`)).toBe(d);
    expect(tlshDistance(`T1${d}`, other)).toBe(tlshDistance(d, other));
  });

  it('throws on a malformed digest', () => {
    const d = expected.inputs.find((e) => e.name === 'gen/text')!.tlsh!;
    expect(() => tlshDistance(d, 'not a digest')).toThrow(/not a TLSH digest/);
    expect(() => tlshDistance(d.slice(2), d)).toThrow(/not a TLSH digest/);
    expect(normalizeTlsh(`${d.slice(0, 69)}G`)).toBeUndefined();
  });
});
