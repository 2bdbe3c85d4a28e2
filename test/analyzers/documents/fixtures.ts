// How each committed file in test/fixtures/documents/ is made. `fixtures.test.ts` rebuilds them
// and checks the committed copies still match; WRITE_DOCUMENT_FIXTURES=1 rewrites them instead.
import { join } from 'node:path';
import { BENIGN_CODE, buildCfb, buildMacroDoc, buildZip, CfbPatcher } from './builders';

export const FIXTURE_DIR = join(__dirname, '..', '..', 'fixtures', 'documents');

/** Deterministic noise (xorshift32). */
export function noise(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

export const FIXTURES = {
  /** A .doc with a harmless macro whose directory's FAT chain loops back on itself. */
  'cyclic-dir-chain.doc': async (): Promise<Uint8Array> => {
    const p = new CfbPatcher(buildMacroDoc([{ name: 'Module1', code: BENIGN_CODE }]));
    const first = p.buf.readInt32LE(48);
    let last = first;
    while (p.getFat(last) >= 0) last = p.getFat(last);
    return p.setFat(last, first).bytes();
  },
  /** A .doc whose Module1 stream (over 4096 bytes, so in the FAT) has its second sector point back to its first. */
  'cyclic-module-chain.doc': async (): Promise<Uint8Array> => {
    const big = Array.from({ length: 300 }, (_, i) => `    x = x + ${i}`).join('\n');
    const doc = buildMacroDoc(
      [
        { name: 'Module1', code: `Sub Big()\n${big}\nEnd Sub` },
        { name: 'Module2', code: BENIGN_CODE },
      ],
      { pcodeBytes: 4096 },
    );
    const p = new CfbPatcher(doc);
    const start = p.start('Module1');
    return p.setFat(start + 1, start).bytes();
  },
  /**
   * An 8 KB compound file whose 5000-byte stream `Big` starts inside a FAT cycle (its last
   * sector points back to its third, and its start is moved to its fourth). The `cfb`
   * package's reader (1.2.2) follows such a chain without end and exhausts the heap.
   */
  'stream-enters-cycle.cfb': async (): Promise<Uint8Array> => {
    const p = new CfbPatcher(buildCfb({ Big: Buffer.alloc(5000, 0x41), 'VBA/dir': Buffer.from('x') }));
    const start = p.start('Big');
    return p
      .setFat(start + 9, start + 2)
      .setStart('Big', start + 3)
      .bytes();
  },
  /** A PDF whose object 2 declares /Length 99999999999, opens a stream and never ends (no endstream, endobj, xref or %%EOF). */
  'endless-object.pdf': async (): Promise<Uint8Array> =>
    Buffer.from(
      '%PDF-1.4\n1 0 obj\n<< /Type /Catalog /OpenAction 2 0 R >>\nendobj\n' +
        '2 0 obj\n<< /S /JavaScript /JS (app.alert\\(1\\)) /Length 99999999999 >>\nstream\n' +
        'A'.repeat(2000),
      'latin1',
    ),
  /** A zip of two text files cut just before its central directory. */
  'no-central-directory.zip': async (): Promise<Uint8Array> => {
    const zip = Buffer.from(
      await buildZip([
        { name: 'a.txt', data: 'alpha '.repeat(50) },
        { name: 'b.txt', data: 'beta '.repeat(50) },
      ]),
    );
    return Uint8Array.from(zip.subarray(0, zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]))));
  },
  /** core.txt inside level12.zip inside level11.zip ... inside the file itself (level 1). */
  'nested-12.zip': async (): Promise<Uint8Array> => {
    let inner = await buildZip([{ name: 'core.txt', data: 'the core' }]);
    for (let level = 12; level >= 2; level--) inner = await buildZip([{ name: `level${level}.zip`, data: inner }]);
    return inner;
  },
};
