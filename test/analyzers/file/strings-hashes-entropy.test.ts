// Strings, indicators, digests and entropy on known inputs and real files.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EntropyBudget, shannonEntropy } from '../../../src/analyzers/file/entropy';
import { fileHashes } from '../../../src/analyzers/file/hashes';
import { extractIndicators, extractStringIndicators, extractStrings, type StringsOptions } from '../../../src/analyzers/file/strings';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'file');

describe('fileHashes', () => {
  test('RFC 1321 / FIPS 180 test vectors for "abc"', () => {
    expect(fileHashes(Buffer.from('abc'))).toEqual({
      md5: '900150983cd24fb0d6963f7d28e17f72',
      sha1: 'a9993e364706816aba3e25717850c26c9cd0d89d',
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    });
  });

  test('a fixture hashes to the value sha256sum printed when it was built', () => {
    expect(fileHashes(readFileSync(join(FIXTURES, 'hello-x64.exe'))).sha256).toBe(
      'd2504555589da997f2d6f2ed4a59e1500c3a9caa7e6f345dc53f2ce966922b7e',
    );
  });

  test('a view into a larger buffer hashes only its own bytes', () => {
    const big = Buffer.from('xxabcxx');
    expect(fileHashes(big.subarray(2, 5)).md5).toBe('900150983cd24fb0d6963f7d28e17f72');
  });
});

describe('shannonEntropy', () => {
  test('bounds and simple distributions', () => {
    expect(shannonEntropy(new Uint8Array(0))).toBe(0);
    expect(shannonEntropy(new Uint8Array(1000))).toBe(0);
    expect(shannonEntropy(Uint8Array.from({ length: 1000 }, (_, i) => i % 2))).toBeCloseTo(1, 10);
    expect(shannonEntropy(Uint8Array.from({ length: 256 * 4 }, (_, i) => i % 256))).toBeCloseTo(8, 10);
  });

  test('counts every byte, whatever the length modulo the four interleaved tables', () => {
    // A plain count as the reference; lengths 1..12 reach every tail after the unrolled loop.
    const plain = (b: Uint8Array) => {
      const counts = new Map<number, number>();
      for (const x of b) counts.set(x, (counts.get(x) ?? 0) + 1);
      return [...counts.values()].reduce((h, c) => h - (c / b.length) * Math.log2(c / b.length), 0);
    };
    for (let n = 1; n <= 12; n++) {
      const skewed = Uint8Array.from({ length: n * 37 + (n % 4) }, (_, i) => (i % 7 === 0 ? 0 : (i * 31) % (n + 2)));
      expect(shannonEntropy(skewed)).toBeCloseTo(plain(skewed), 12);
    }
  });

  test('the budget refuses regions once spent', () => {
    const budget = new EntropyBudget(100);
    expect(budget.measure(new Uint8Array(60))).toBe(0);
    expect(budget.measure(new Uint8Array(60))).toBeUndefined();
    expect(budget.measure(new Uint8Array(40))).toBe(0);
  });
});

describe('extractStrings', () => {
  test('ASCII and UTF-16LE runs of at least six characters', () => {
    const b = Buffer.concat([
      Buffer.from('\x00\x01short\x00longer string here\x00\x01'),
      Buffer.from('wide string', 'utf16le'),
      Buffer.from([0xff, 0xff]),
      Buffer.from('tiny', 'utf16le'),
    ]);
    const s = extractStrings(b);
    expect(s.ascii).toEqual(['longer string here']);
    expect(s.utf16).toEqual(['wide string']);
    expect(s.truncated).toBe(false);
  });

  test('caps count and length, and says so', () => {
    const many = Buffer.from(Array.from({ length: 50 }, (_, i) => `string-${i}`).join('\0'));
    const s = extractStrings(many, { maxCount: 10, maxLength: 7 });
    expect(s.ascii).toHaveLength(10);
    expect(s.ascii[0]).toBe('string-');
    expect(s.truncated).toBe(true);
  });

  test('scans the head and the tail of a file larger than the scan limit', () => {
    const b = Buffer.alloc(4 * 1024 * 1024);
    b.write('head-marker', 10);
    b.write('middle-marker', 2 * 1024 * 1024);
    b.write('tail-marker', b.length - 100);
    const s = extractStrings(b, { maxScanBytes: 1024 * 1024 });
    expect(s.ascii).toEqual(['head-marker', 'tail-marker']);
    expect(s.truncated).toBe(true);
  });

  test('finds exactly what GNU strings finds in the fixtures', () => {
    // Recorded with binutils 2.40: `strings -a -n 6 hello-x64.exe` printed 99 lines whose md5
    // (newline-joined, trailing newline) is ddca47db...; `strings -a -n 6 -e l ordinals-x86.exe`
    // printed "(null)" and "msvcrt.dll".
    const hello = extractStrings(readFileSync(join(FIXTURES, 'hello-x64.exe')));
    expect(hello.ascii).toHaveLength(99);
    expect(
      createHash('md5')
        .update(`${hello.ascii.join('\n')}\n`)
        .digest('hex'),
    ).toBe('ddca47db9bc6a37ae20dbdc505ee7861');
    expect(hello.ascii).toEqual(
      expect.arrayContaining(['autosoc fixture: static file analysis test program', 'KERNEL32.dll', 'msvcrt.dll']),
    );
    expect(extractStrings(readFileSync(join(FIXTURES, 'ordinals-x86.exe'))).utf16).toEqual(['(null)', 'msvcrt.dll']);
  });
});

describe('extractIndicators', () => {
  test('URLs, IPv4 addresses and registry paths, without version numbers', () => {
    const ind = extractIndicators([
      'GET http://203.0.113.7/gate.php?id=1, then https://example.org/a.',
      'version 6.0.0.0 and 1.2.3.4.5 and 10.20.30.40',
      'HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run',
      'Software\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon',
      'nothing here',
    ]);
    expect(ind.urls).toEqual(['http://203.0.113.7/gate.php?id=1', 'https://example.org/a']);
    expect(ind.ipv4).toEqual(['203.0.113.7', '10.20.30.40']);
    expect(ind.registry).toEqual([
      'HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run',
      'Software\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon',
    ]);
  });

  test('caps each list', () => {
    const ind = extractIndicators(
      Array.from({ length: 200 }, (_, i) => `http://h${i}.example.net/`),
      25,
    );
    expect(ind.urls).toHaveLength(25);
  });
});

describe('extractStringIndicators', () => {
  // What describeFile used before: every string made, then the indicators of all of them.
  const reference = (b: Uint8Array, o?: StringsOptions) => {
    const s = extractStrings(b, o);
    return { ascii: s.ascii.length, utf16: s.utf16.length, truncated: s.truncated, ...extractIndicators([...s.ascii, ...s.utf16]) };
  };

  test('equals extractStrings then extractIndicators on the fixtures', () => {
    for (const name of ['hello-x64.exe', 'ordinals-x86.exe']) {
      const b = readFileSync(join(FIXTURES, name));
      expect(extractStringIndicators(b)).toEqual(reference(b));
    }
  });

  test('equals it on indicators in both encodings, under the count, length and scan caps', () => {
    const parts = ['http://evil.example/a', 'HKLM\\Software\\Run x', '10.1.2.3', 'plain words only', 'ftp://x.y/z', 'C:\\Windows\\sys.dll'];
    const b = Buffer.concat(
      Array.from({ length: 300 }, (_, i) => {
        const text = `${parts[i % parts.length]}-${i}`;
        return Buffer.concat([Buffer.from(text, i % 3 === 0 ? 'utf16le' : 'latin1'), Buffer.from([0xff, i & 0xff, 0x01])]);
      }),
    );
    const found = extractStringIndicators(b);
    expect(found.urls.length).toBeGreaterThan(0);
    expect(found.ipv4.length).toBeGreaterThan(0);
    expect(found.registry.length).toBeGreaterThan(0);
    expect(found).toEqual(reference(b));
    for (const o of [{ maxCount: 37 }, { maxLength: 9 }, { maxScanBytes: 4096 }, { minLength: 12 }]) {
      expect(extractStringIndicators(b, o)).toEqual(reference(b, o));
    }
  });

  test('equals it on random bytes with printable runs', () => {
    let seed = 17;
    const next = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 16;
    };
    const alphabet = Buffer.from('abc.:/\\09 \t');
    const b = Buffer.alloc(64 * 1024);
    for (let i = 0; i < b.length; i++) b[i] = next() % 4 === 0 ? next() & 0xff : next() % 7 === 0 ? 0 : alphabet[next() % alphabet.length];
    expect(extractStringIndicators(b)).toEqual(reference(b));
  });
});
