import * as CFB from 'cfb';
import { CfbError, CfbFile, isCfb } from '../../../src/analyzers/documents/cfb-reader';
import { buildCfb, buildMacroDoc, CfbPatcher, DROPPER_CODE } from './builders';

const bigStream = Buffer.alloc(5000, 0x41); // over the 4096-byte mini cutoff: lives in the FAT

describe('CfbFile reads what the cfb package writes', () => {
  test('same streams and bytes as CFB.read on a well-formed file', () => {
    const doc = buildMacroDoc([{ name: 'Module1', code: DROPPER_CODE }], { extra: { 'ObjectPool/_1/Big': bigStream } });
    const ours = new CfbFile(doc);
    const theirs = CFB.read(Buffer.from(doc), { type: 'buffer' });
    const theirStreams = theirs.FileIndex.map((f, i) => ({ f, path: theirs.FullPaths[i].replace(/^Root Entry\//, '') }))
      .filter(({ f }) => f.type === 2)
      .map(({ f, path }) => ({ path, content: Buffer.from(f.content as Uint8Array) }));
    const ourStreams = ours.entries.filter((e) => e.type === 'stream');
    expect(ourStreams.map((e) => e.path).sort()).toEqual(theirStreams.map((s) => s.path).sort());
    for (const s of theirStreams) {
      const entry = ours.find(s.path);
      expect(entry).toBeDefined();
      expect(Buffer.from(ours.read(entry!)).equals(s.content)).toBe(true);
    }
    expect(ours.find('macros/vba/DIR')?.path).toBe('Macros/VBA/dir'); // storage names compare case-insensitively
    expect(ours.warnings).toEqual([]);
  });

  test('isCfb checks the 8-byte signature', () => {
    expect(isCfb(buildCfb({ a: Buffer.from('x') }))).toBe(true);
    expect(isCfb(Buffer.from('%PDF-1.7'))).toBe(false);
  });
});

describe('malformed compound files fail with CfbError instead of looping', () => {
  const withBig = (): CfbPatcher => new CfbPatcher(buildCfb({ Big: bigStream, 'VBA/dir': Buffer.from('x') }));

  test('a cyclic FAT chain in a stream (entered mid-cycle, as the cfb reader cannot survive)', () => {
    const p = withBig();
    const start = p.start('Big');
    const last = start + 9; // 5000 bytes = 10 sectors, written contiguously
    expect(p.getFat(last)).toBe(-2);
    p.setFat(last, start + 2).setStart('Big', start + 3);
    const cfb = new CfbFile(p.bytes());
    expect(() => cfb.read(cfb.find('Big')!)).toThrow(/cyclic FAT chain/);
  });

  test('a cyclic directory chain', () => {
    const p = withBig();
    const dirStart = p.buf.readInt32LE(48);
    p.setFat(dirStart, dirStart);
    expect(() => new CfbFile(p.bytes())).toThrow(CfbError);
    expect(() => new CfbFile(p.bytes())).toThrow(/cyclic/);
  });

  test('a cyclic DIFAT chain with a huge declared DIFAT count', () => {
    const p = withBig();
    // DIFAT starts at sector 0 (the FAT itself: its last slot, for sector 127, is free = -1 → end);
    // point that slot back at sector 0 to make the DIFAT loop.
    p.header(68, 0).header(72, 1_000_000).setFat(127, 0);
    expect(() => new CfbFile(p.bytes())).toThrow(/cyclic DIFAT/);
  });

  test('directory siblings linked in a loop are listed once, with a warning', () => {
    const p = new CfbPatcher(buildCfb({ A: Buffer.from('a'), B: Buffer.from('b'), C: Buffer.from('c') }));
    const a = p.entryId('A');
    const b = p.entryId('B');
    p.setLinks('A', { left: b, right: b }).setLinks('B', { left: a, right: a });
    const cfb = new CfbFile(p.bytes());
    const names = cfb.entries.map((e) => e.path);
    expect(new Set(names).size).toBe(names.length);
    expect(cfb.warnings.join(' ')).toMatch(/linked twice/);
  });

  test('links to entries that do not exist are skipped with a warning', () => {
    const p = new CfbPatcher(buildCfb({ A: Buffer.from('a') }));
    p.setLinks('A', { left: 0x7fff0000 });
    const cfb = new CfbFile(p.bytes());
    expect(cfb.find('A')).toBeDefined();
    expect(cfb.warnings.join(' ')).toMatch(/missing entry/);
  });

  test('a truncated file: a chain running past the end is reported', () => {
    const doc = buildMacroDoc([{ name: 'Module1', code: DROPPER_CODE }], { extra: { Big: bigStream } });
    const p = new CfbPatcher(doc);
    const bigEnd = (p.start('Big') + 10 + 1) * 512;
    const cut = new CfbFile(doc.subarray(0, bigEnd - 700));
    expect(() => cut.read(cut.find('Big')!)).toThrow(/past the end|truncated/);
  });

  test('header shorter than 512 bytes, or garbage after the signature', () => {
    const doc = buildCfb({ A: Buffer.from('a') });
    expect(() => new CfbFile(doc.subarray(0, 300))).toThrow(/truncated header/);
    const junk = Buffer.from(doc);
    junk.fill(0xff, 8, 512);
    expect(() => new CfbFile(junk)).toThrow(CfbError);
  });

  test('streams over the size cap are refused', () => {
    const doc = buildCfb({ Big: bigStream });
    const cfb = new CfbFile(doc, { maxDirEntries: 100, maxStreamBytes: 4096 });
    expect(() => cfb.read(cfb.find('Big')!)).toThrow(/over the cap/);
  });
});
