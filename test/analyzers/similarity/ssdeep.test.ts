// The ssdeep port against Debian's ssdeep 2.14.1: every hash and every pairwise score recorded
// in test/fixtures/similarity/ssdeep-expected.json (see its README) must come out identical.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { editDistance, isSsdeepSignature, ssdeepCompare, ssdeepHash } from '../../../src/analyzers/similarity/ssdeep';
import expected from '../../fixtures/similarity/ssdeep-expected.json';
import { allInputs, craftedSignatures, type FixtureInput } from '../../fixtures/similarity/inputs';

const REPO = join(__dirname, '..', '..', '..');
let inputs: FixtureInput[];
let hashes: string[];

beforeAll(() => {
  inputs = allInputs(REPO);
  hashes = inputs.map((i) => ssdeepHash(i.bytes));
});

describe('ssdeepHash', () => {
  it('hashes the same inputs the fixtures were recorded from', () => {
    // A changed input (say a node_modules upgrade) must fail loudly: re-record, see README.md.
    expect(inputs.map((i) => ({ name: i.name, size: i.bytes.length, sha256: createHash('sha256').update(i.bytes).digest('hex') }))).toEqual(
      expected.inputs.map(({ name, size, sha256 }) => ({ name, size, sha256 })),
    );
  });

  it('prints exactly what Debian ssdeep prints for every input', () => {
    expect(inputs.map((i, n) => `${i.name} ${hashes[n]}`)).toEqual(expected.inputs.map((e) => `${e.name} ${e.ssdeep}`));
    expect(expected.inputs.length).toBeGreaterThan(80);
  });

  it('covers block sizes from 3 to 49152 and the empty input', () => {
    const sizes = new Set(hashes.map((h) => Number(h.split(':')[0])));
    expect(Math.min(...sizes)).toBe(3);
    expect(Math.max(...sizes)).toBe(49152);
    expect(hashes[0]).toBe('3::');
  });

  it('accepts a Uint8Array view into a larger buffer', () => {
    const input = inputs.find((i) => i.name === 'gen/text')!;
    const framed = new Uint8Array(input.bytes.length + 20);
    framed.set(input.bytes, 10);
    expect(ssdeepHash(framed.subarray(10, 10 + input.bytes.length))).toBe(expected.inputs.find((e) => e.name === 'gen/text')!.ssdeep);
  });
});

describe('ssdeepCompare', () => {
  it('scores every pair of input hashes as Debian ssdeep -a -k does', () => {
    const scores = hashes.map((a) => hashes.map((b) => ssdeepCompare(a, b)));
    expect(scores).toEqual(expected.scores);
    // The matrix is not trivially zero: near copies, halves and doubles all score.
    expect(expected.scores.flat().filter((s) => s > 0 && s < 100).length).toBeGreaterThan(200);
  });

  it('scores the crafted signatures (runs, small block sizes, 64-char limit, -1) as Debian does', () => {
    expect(craftedSignatures()).toEqual(expected.signatures);
    const sigs = expected.signatures.map((s) => s.signature);
    expect(sigs.map((a) => sigs.map((b) => ssdeepCompare(a, b)))).toEqual(expected.signatureScores);
    expect(expected.signatureScores.flat()).toContain(-1);
  });

  it('reads sequences of more than three identical characters as three', () => {
    expect(ssdeepCompare('3:AAAAAAAAAAbcdefghij:x', '3:AAAbcdefghij:x')).toBe(100);
    expect(ssdeepCompare('3:AAAAbcdefghij:x', '3:AAbcdefghij:x')).toBeLessThan(100);
  });

  it('caps scores at small block sizes by block_size/3 * the shorter length', () => {
    // Identical first parts but different second parts: score_strings alone decides.
    expect(ssdeepCompare('3:abcdefghij:XYZ', '3:abcdefghij:QRS')).toBe(10); // 100, capped at 1 * 10
    expect(ssdeepCompare('6:abcdefghij:XYZ', '6:abcdefghij:QRS')).toBe(20);
    expect(ssdeepCompare('48:abcdefghij:XYZ', '48:abcdefghij:QRS')).toBe(100); // 48 >= 45: no cap
  });

  it('needs a common substring of 7 characters', () => {
    expect(ssdeepCompare('96:abcdefXabcdefY:Q', '96:abcdefZabcdefW:R')).toBe(0);
    // 'abcdefg' is shared; XY -> YX costs 2: 100 - (100 * (2 * 64 / 18) / 64) = 90.
    expect(ssdeepCompare('96:abcdefgXY:Q', '96:abcdefgYX:R')).toBe(90);
  });

  it('compares across block sizes a factor of two apart, and not four', () => {
    expect(ssdeepCompare('96:zzzzzzz:abcdefghijkl', '192:abcdefghijkl:Q')).toBe(100);
    expect(ssdeepCompare('192:abcdefghijkl:Q', '96:zzzzzzz:abcdefghijkl')).toBe(100);
    expect(ssdeepCompare('96:abcdefghijkl:abcdefghijkl', '384:abcdefghijkl:abcdefghijkl')).toBe(0);
  });

  it('returns -1 for malformed signatures instead of throwing', () => {
    expect(ssdeepCompare('', '3:abc:def')).toBe(-1);
    expect(ssdeepCompare('abc', '3:abc:def')).toBe(-1);
    expect(ssdeepCompare('3:abcdefgh', '3:abcdefgh:x')).toBe(-1);
    expect(ssdeepCompare(`3:${'ABCDEFGH'.repeat(8)}Z:x`, '3:abc:def')).toBe(-1);
    // C strings end at NUL: what follows is not part of the signature.
    expect(ssdeepCompare('3:abcdefghij\0:more', '3:abcdefghij:x')).toBe(-1);
  });

  it('reads huge hostile signatures in one pass', () => {
    // A block size beyond 2^64 saturates as strtoul does (odd, so unrelated to 3).
    expect(ssdeepCompare(`${'9'.repeat(1_000_000)}:abc:def`, '3:abc:def')).toBe(0);
    // Millions of one character shrink to three.
    expect(ssdeepCompare(`3:${'A'.repeat(5_000_000)}:x`, '3:AAA:x')).toBe(100);
  });

  it('ignores a trailing ,"filename" as ssdeep does', () => {
    expect(ssdeepCompare('24:abcdefghijklm:nopqrstu,"a.exe"', '24:abcdefghijklm:nopqrstu')).toBe(100);
  });
});

describe('editDistance', () => {
  it('charges 1 per insertion or deletion and 2 per replacement (edit_dist.c tests)', () => {
    expect(editDistance('', 'Hello World!')).toBe(12);
    expect(editDistance('Hello World!', 'Hello World!')).toBe(0);
    expect(editDistance('Hello world', 'Hell world')).toBe(1);
    expect(editDistance('Hell world', 'Hello world')).toBe(1);
    expect(editDistance('Hello world', 'Hello owrld')).toBe(2);
    expect(editDistance('Hello world', 'HellX world')).toBe(2);
  });
});

describe('isSsdeepSignature', () => {
  it('accepts what ssdeep prints and rejects the rest', () => {
    for (const e of expected.inputs) expect(isSsdeepSignature(e.ssdeep)).toBe(true);
    expect(isSsdeepSignature('5:abc:def')).toBe(false);
    expect(isSsdeepSignature('3:abc')).toBe(false);
    expect(isSsdeepSignature('3:ab,c:def')).toBe(false);
    expect(isSsdeepSignature(`3:${'A'.repeat(65)}:x`)).toBe(false);
  });
});
