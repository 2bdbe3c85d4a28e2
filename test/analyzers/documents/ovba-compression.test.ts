import fc from 'fast-check';
import { compressOvba, decompressOvba } from '../../../src/analyzers/documents/ovba-compression';

const hex = (s: string): Uint8Array =>
  Uint8Array.from(
    s
      .trim()
      .split(/\s+/)
      .map((h) => parseInt(h, 16)),
  );
const text = (u: Uint8Array): string => Buffer.from(u).toString('latin1');
/** Deterministic noise (xorshift32): no repeats of 3+ bytes worth copying. */
function noise(length: number, seed = 0x9e3779b9): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('MS-OVBA 2.4.1 decompression against the spec examples (MS-OVBA 3.2)', () => {
  test('3.2.1 no compression: literal tokens only', () => {
    const compressed = hex('01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E');
    expect(text(decompressOvba(compressed).data)).toBe('abcdefghijklmnopqrstuv.');
    expect(compressOvba(Buffer.from('abcdefghijklmnopqrstuv.'))).toEqual(compressed);
  });

  test('3.2.2 normal compression: copy tokens of several bit widths', () => {
    const input = '#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa';
    // As published on learn.microsoft.com; the PDF edition of the spec differs in three copy tokens
    // (00 30 / 04 10 / 00 3C) whose extra bits fall outside the offset mask and decode the same.
    const web = hex(
      '01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 20 6D 6E 6F 70 06 71 02 70 04 00 72 73 74 75 76 10 77 78 79 7A 00 2C',
    );
    const pdfEdition = hex(
      '01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 30 6D 6E 6F 70 06 71 02 70 04 10 72 73 74 75 76 10 77 78 79 7A 00 3C',
    );
    expect(text(decompressOvba(web).data)).toBe(input);
    expect(text(decompressOvba(pdfEdition).data)).toBe(input);
    expect(compressOvba(Buffer.from(input))).toEqual(web);
  });

  test('3.2.3 maximum compression: one literal and one long overlapping copy', () => {
    const compressed = hex('01 03 B0 02 61 45 00');
    // Token 0x0045 at decompressed offset 1: 4 offset bits (offset 1), 12 length bits (0x45 + 3 = 72).
    expect(text(decompressOvba(compressed).data)).toBe('a'.repeat(73));
    expect(compressOvba(Buffer.from('a'.repeat(73)))).toEqual(compressed);
  });
});

describe('round trips through our own compressor', () => {
  test('any bytes up to three chunks survive compress → decompress', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12_000 }), (data) => {
        const out = decompressOvba(compressOvba(data));
        expect(out.error).toBeUndefined();
        expect(Buffer.from(out.data).equals(Buffer.from(data))).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  test('repetitive text (long copies, bit widths up to 12) survives, and compresses', () => {
    const source = Array.from({ length: 400 }, (_, i) => `    x${i % 7} = x${i % 7} & Chr(${i % 128})\r\n`).join('');
    const compressed = compressOvba(Buffer.from(source, 'latin1'));
    expect(compressed.length).toBeLessThan(source.length / 2);
    expect(text(decompressOvba(compressed).data)).toBe(source);
  });

  test('incompressible data is stored in raw chunks (flag bit clear)', () => {
    const random = noise(4096);
    const compressed = compressOvba(random);
    const header = compressed[1] | (compressed[2] << 8);
    expect(header & 0x8000).toBe(0);
    expect(compressed.length).toBe(1 + 2 + 4096);
    expect(decompressOvba(compressed).data).toEqual(random);
  });
});

describe('malformed containers end with an error and the data decoded so far', () => {
  test('missing signature byte', () => {
    expect(decompressOvba(hex('02 19 B0 00 61')).error).toMatch(/signature/);
  });

  test('bad chunk signature bits', () => {
    expect(decompressOvba(hex('01 19 F0 00 61 62')).error).toMatch(/chunk signature/);
  });

  test('container cut inside a token sequence keeps the literals before the cut', () => {
    const full = compressOvba(Buffer.from('abcdefghijklmnopqrstuv.'));
    const cut = decompressOvba(full.subarray(0, 12));
    expect(text(cut.data)).toBe('abcdefgh');
  });

  test('copy token reaching before the start of the output', () => {
    // Flag 0x01: the first token is a copy, but nothing has been written yet.
    expect(decompressOvba(hex('01 03 B0 01 00 10')).error).toMatch(/before the start/);
  });

  test('output is capped: a 6-byte chunk expanding to 4096 bytes, repeated, stops at the cap', () => {
    const chunk = [0x03, 0xb0, 0x02, 0x61, 0xfc, 0x0f]; // 'a' then a copy of 4095 (length bits 0xFFC + 3)
    const bomb = Uint8Array.from([0x01, ...Array.from({ length: 1000 }, () => chunk).flat()]);
    const out = decompressOvba(bomb, 64 * 1024);
    expect(out.truncated).toBe(true);
    expect(out.data.length).toBeLessThanOrEqual(64 * 1024);
    expect(decompressOvba(bomb).data.length).toBe(1000 * 4096);
  });

  test('truncated raw chunk', () => {
    const random = noise(4096);
    const out = decompressOvba(compressOvba(random).subarray(0, 100));
    expect(out.error).toMatch(/raw chunk/);
    expect(out.data.length).toBe(97);
  });
});
