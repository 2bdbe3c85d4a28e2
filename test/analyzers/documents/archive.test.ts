import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { createDeflateRaw, crc32, gzipSync } from 'node:zlib';
import { Finding } from '../../../src/domain/finding';
import { analyzeArchive, ANALYZER_VERSION, extractArchive } from '../../../src/analyzers/documents/archive';
import { buildTar, buildZip } from './builders';
import { corpusAttachment } from './corpus-attachments';

const MZ = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(120)]);
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** A zip whose one entry is `size` zero bytes deflated (streamed, so 200 MB costs ~200 KB). */
async function zeroBomb(size: number, declaredSize = size): Promise<Uint8Array> {
  const deflate = createDeflateRaw({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (c: Buffer) => parts.push(c));
  const ended = once(deflate, 'end');
  const mb = Buffer.alloc(1 << 20);
  let crc = 0;
  for (let done = 0; done < size; done += mb.length) {
    crc = crc32(mb, crc);
    if (!deflate.write(mb)) await once(deflate, 'drain');
  }
  deflate.end();
  await ended;
  const data = Buffer.concat(parts);
  const name = Buffer.from('zeros.bin');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc >>> 0, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(declaredSize, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc >>> 0, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(declaredSize, 24);
  central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + name.length, 12);
  end.writeUInt32LE(30 + name.length + data.length, 16);
  return Uint8Array.from(Buffer.concat([local, name, data, central, name, end]));
}

/** Deterministic incompressible bytes (xorshift32). */
function noise(length: number, seed: number): Uint8Array {
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

describe('zip members and their risk', () => {
  test('a double-extension executable is malicious; members carry size, sha256 and bytes', async () => {
    const zip = await buildZip([
      { name: 'docs/invoice.pdf.exe', data: MZ },
      { name: 'readme.txt', data: 'hello' },
    ]);
    const { finding, facts } = await analyzeArchive(zip, 'invoice.zip');
    expect(Finding.parse(finding)).toEqual(finding);
    expect(facts.format).toBe('zip');
    const exe = facts.members.find((m) => m.name === 'invoice.pdf.exe')!;
    expect(exe).toMatchObject({
      path: 'docs/invoice.pdf.exe',
      depth: 1,
      size: MZ.length,
      sha256: sha(MZ),
      complete: true,
      encrypted: false,
    });
    expect(Buffer.from(exe.bytes!).equals(MZ)).toBe(true);
    expect(exe.flags.map((f) => f.id)).toEqual(['double-extension', 'executable']);
    expect(finding.verdict).toBe('malicious');
    expect(finding.attack).toEqual(expect.arrayContaining(['T1036.007', 'T1566.001', 'T1204.002']));
    expect(ANALYZER_VERSION).toMatch(/^\d+$/);
  });

  test('LNK, HTA, ISO and a PE disguised as .jpg are each flagged', async () => {
    const lnk = Buffer.from('4c0000000114020000000000c000000000000046', 'hex');
    const zip = await buildZip([
      { name: 'Invoice.lnk', data: lnk },
      { name: 'view.hta', data: '<script>x</script>' },
      { name: 'disk.img', data: 'x' },
      { name: 'photo.jpg', data: MZ },
      { name: 'notes.txt', data: 'fine' },
    ]);
    const { facts } = await analyzeArchive(zip);
    const flags = Object.fromEntries(facts.members.map((m) => [m.name, m.flags.map((f) => f.id)]));
    expect(flags['Invoice.lnk']).toContain('shortcut');
    expect(flags['view.hta']).toContain('script');
    expect(flags['disk.img']).toContain('disk-image');
    expect(flags['photo.jpg']).toEqual(['executable', 'disguised-executable']);
    expect(flags['notes.txt']).toEqual([]);
  });

  test('a right-to-left override in a name is flagged', async () => {
    const { finding } = await analyzeArchive(await buildZip([{ name: 'Invoice_\u202Efdp.exe', data: MZ }]));
    expect(finding.attack).toContain('T1036.002');
    expect(finding.verdict).toBe('malicious');
  });
});

describe('password-protected zips', () => {
  test('ZipCrypto and AES entries open with "infected", and that a password was needed is reported', async () => {
    const zip = await buildZip([
      { name: 'sample.exe', data: MZ, password: 'infected', zipCrypto: true },
      { name: 'dropper.js', data: 'WScript.Echo(1)', password: 'infected' },
    ]);
    const { finding, facts } = await analyzeArchive(zip);
    expect(facts.encryptedEntries).toBe(true);
    expect(facts.passwordUsed).toBe('infected');
    expect(facts.unopened).toEqual([]);
    expect(facts.members.map((m) => [m.name, m.encrypted, m.passwordUsed, m.complete])).toEqual([
      ['sample.exe', true, 'infected', true],
      ['dropper.js', true, 'infected', true],
    ]);
    expect(Buffer.from(facts.members[1].bytes!).toString()).toBe('WScript.Echo(1)');
    expect(finding.attack).toContain('T1027.013');
    expect(finding.summary).toMatch(/password-protected archive/);
    expect(finding.score).toBe(75);
  });

  test('an unknown password leaves the entry unopened; a caller-supplied candidate opens it', async () => {
    const zip = await buildZip([{ name: 'FOTO.pdf', data: '%PDF-1.4 x', password: '0808' }], 'SU CONTRASENA PERSONAL {0808}');
    const closed = await analyzeArchive(zip);
    expect(closed.facts.unopened).toEqual(['FOTO.pdf']);
    expect(closed.facts.comment).toContain('{0808}');
    expect(closed.finding.verdict).toBe('suspicious');
    expect(closed.finding.summary).toMatch(/no known password opened/);
    const open = await extractArchive(zip, undefined, { passwords: ['infected', '0808'] });
    expect(open.passwordUsed).toBe('0808');
    expect(Buffer.from(open.members[0].bytes!).toString()).toBe('%PDF-1.4 x');
  });
});

describe('limits', () => {
  test('nesting deeper than maxDepth (3) is listed but not opened', async () => {
    let inner = await buildZip([{ name: 'payload.js', data: 'eval(x)' }]);
    for (const level of [4, 3, 2]) inner = await buildZip([{ name: `L${level}.zip`, data: inner }]);
    const { finding, facts } = await analyzeArchive(inner, 'L1.zip');
    expect(facts.members.map((m) => [m.path, m.depth])).toEqual([
      ['L2.zip', 1],
      ['L2.zip/L3.zip', 2],
      ['L2.zip/L3.zip/L4.zip', 3],
    ]);
    expect(facts.tooDeep).toEqual(['L2.zip/L3.zip/L4.zip']);
    expect(finding.summary).toMatch(/nested deeper/);
    const deeper = await extractArchive(inner, 'L1.zip', { maxDepth: 4 });
    expect(deeper.members.at(-1)).toMatchObject({ path: 'L2.zip/L3.zip/L4.zip/payload.js', depth: 4 });
    expect(deeper.tooDeep).toEqual([]);
  });

  test('a 200 MB zero-filled entry is stopped as a bomb after a few MB, with default limits', async () => {
    const bomb = await zeroBomb(200 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(400 * 1024);
    const { finding, facts } = await analyzeArchive(bomb, 'bomb.zip');
    expect(facts.bombs).toHaveLength(1);
    expect(facts.bombs[0]).toMatch(/ratio over 100:1/);
    // Stopped once past 100× the ~200 KB of compressed data (plus one streamed chunk), far short of 200 MB.
    expect(facts.totalBytes).toBeLessThan(bomb.length * 100 + (1 << 20));
    expect(facts.totalBytes).toBeLessThan(32 * 1024 * 1024);
    expect(facts.members[0]).toMatchObject({ name: 'zeros.bin', complete: false });
    expect(facts.members[0].sha256).toBeUndefined();
    expect(finding.verdict).toBe('suspicious');
    expect(finding.summary).toMatch(/decompression bomb/);
  });

  test('a bomb that declares a tiny uncompressed size is refused as soon as it writes more', async () => {
    const { facts, finding } = await analyzeArchive(await zeroBomb(20 * 1024 * 1024, 1000));
    expect(facts.totalBytes).toBeLessThanOrEqual(1024 * 1024);
    expect(facts.members[0].complete).toBe(false);
    expect(facts.errors.join(' ')).toMatch(/size/i);
    expect(finding.confidence).toBeLessThan(0.75);
  });

  test('entry count and total size limits stop extraction and say so', async () => {
    const many = await buildZip(Array.from({ length: 30 }, (_, i) => ({ name: `f${i}.txt`, data: `file ${i}` })));
    const counted = await extractArchive(many, undefined, { maxEntries: 10 });
    expect(counted.entriesSeen).toBe(10);
    expect(counted.members).toHaveLength(10);
    expect(counted.limitsHit.join(' ')).toMatch(/more than 10 entries/);

    const big = await buildZip([1, 2, 3].map((i) => ({ name: `r${i}.bin`, data: noise(1 << 20, i) })));
    const sized = await extractArchive(big, undefined, { maxTotalBytes: 2.5 * (1 << 20) });
    expect(sized.members.filter((m) => m.complete)).toHaveLength(2);
    expect(sized.limitsHit.join(' ')).toMatch(/total over/);
    expect(sized.totalBytes).toBeLessThan(3 * (1 << 20) + (1 << 18));
  });

  test('members over maxKeptBytes keep their start, and their full sha256', async () => {
    const data = noise(100_000, 7);
    const { members } = await extractArchive(await buildZip([{ name: 'r.bin', data }]), undefined, { maxKeptBytes: 1000 });
    expect(members[0]).toMatchObject({ size: 100_000, sha256: sha(data), complete: true, truncated: true });
    expect(members[0].bytes).toEqual(data.subarray(0, 1000));
  });
});

describe('damaged archives', () => {
  test('a zip cut before its central directory: entries recovered from local headers', async () => {
    const a = noise(3000, 1);
    const zip = await buildZip([
      { name: 'a.bin', data: a },
      { name: 'b.txt', data: 'second '.repeat(200) },
      { name: 'c.exe', data: MZ },
    ]);
    const cut = zip.subarray(0, zip.length - 200); // loses the directory and end record, keeps all data
    const { finding, facts } = await analyzeArchive(cut, 'cut.zip');
    expect(facts.recovered).toBe(true);
    expect(facts.errors.join(' ')).toMatch(/central directory|end of central/i);
    expect(facts.members.map((m) => [m.name, m.complete])).toEqual([
      ['a.bin', true],
      ['b.txt', true],
      ['c.exe', true],
    ]);
    expect(facts.members[0].sha256).toBe(sha(a));
    expect(finding.error).toBeUndefined();
    expect(finding.evidence.join(' ')).toMatch(/recovered from local headers/);
    expect(finding.verdict).toBe('suspicious'); // c.exe still seen
  });

  test('a zip cut inside an entry: the cut entry is partial, without a hash', async () => {
    const zip = await buildZip([
      { name: 'a.txt', data: 'first '.repeat(100) },
      { name: 'b.bin', data: noise(50_000, 3) },
    ]);
    const facts = await extractArchive(zip.subarray(0, 30_000));
    const b = facts.members.find((m) => m.name === 'b.bin')!;
    expect(facts.members.find((m) => m.name === 'a.txt')?.complete).toBe(true);
    expect(b.complete).toBe(false);
    expect(b.sha256).toBeUndefined();
  });

  test('corrupted compressed data is an entry error, not a crash', async () => {
    const text = 'the quick brown fox jumps over the lazy dog '.repeat(500);
    const zip = Buffer.from(await buildZip([{ name: 'fox.txt', data: text }]));
    for (let i = 60; i < 120; i++) zip[i] ^= 0x5a;
    const { finding, facts } = await analyzeArchive(zip);
    expect(facts.members[0].complete).toBe(false);
    expect(facts.members[0].error).toBeDefined();
    expect(facts.errors.length).toBeGreaterThan(0);
    expect(finding.confidence).toBeLessThan(0.75);
  });

  test('not an archive: a finding with error', async () => {
    const { finding } = await analyzeArchive(Buffer.from('plain text'));
    expect(finding.error).toMatch(/not a zip, gzip or tar/);
    expect(finding.verdict).toBe('unknown');
  });

  test('a real phishing zip (corpus) whose only entry is corrupt: the error is reported with the comment', async () => {
    const zip = await corpusAttachment('3641', 'FotoCivicas.dsBsfqpJ3z.zip');
    const { finding, facts } = await analyzeArchive(zip, 'FotoCivicas.dsBsfqpJ3z.zip');
    // unzip -t and Python's zipfile also reject this entry ("invalid compressed data" / "bad magic number").
    expect(facts.members.map((m) => [m.name, m.complete])).toEqual([['FOTOCIVICA-08.08.24.pdf', false]]);
    expect(facts.errors[0]).toMatch(/FOTOCIVICA-08\.08\.24\.pdf: /);
    expect(facts.comment).toMatch(/CONTRASENA PERSONAL/);
    expect(finding.evidence.join(' ')).toMatch(/error: FOTOCIVICA/);
  });
});

describe('gzip and tar', () => {
  test('gzip: the member takes the stored file name', async () => {
    const gz = gzipSync(Buffer.from('WScript.Echo(1)'));
    // Set FNAME: Node's gzip writes none, so splice one in after the 10-byte header.
    const named = Buffer.concat([
      gz.subarray(0, 3),
      Buffer.from([gz[3] | 0x08]),
      gz.subarray(4, 10),
      Buffer.from('report.js\0'),
      gz.subarray(10),
    ]);
    const { finding, facts } = await analyzeArchive(named, 'report.gz');
    expect(facts.format).toBe('gzip');
    expect(facts.members[0]).toMatchObject({ name: 'report.js', container: 'gzip', complete: true, size: 15 });
    expect(finding.summary).toMatch(/script: report\.js/);
  });

  test('a truncated gzip yields what inflated, marked incomplete', async () => {
    const text = Buffer.from(Array.from({ length: 5000 }, (_, i) => `line ${i}\n`).join(''));
    const gz = gzipSync(text);
    const facts = await extractArchive(gz.subarray(0, Math.floor(gz.length / 2)), 'log.txt.gz');
    expect(facts.members[0]).toMatchObject({ name: 'log.txt', complete: false, sha256: undefined });
    expect(facts.members[0].error).toMatch(/cut short/);
  });

  test('a gzip bomb is stopped', async () => {
    const facts = await extractArchive(gzipSync(Buffer.alloc(30 << 20)), 'z.gz', { bombMinBytes: 1 << 20 });
    expect(facts.bombs).toHaveLength(1);
    expect(facts.totalBytes).toBe(0);
  });

  test('.tar.gz: tar members are listed under the tar, one level deeper', async () => {
    const tar = buildTar([
      { name: 'docs/a.txt', data: 'hello' },
      { name: 'run.vbs', data: 'MsgBox 1' },
    ]);
    const { finding, facts } = await analyzeArchive(gzipSync(tar), 'bundle.tgz');
    expect(facts.members.map((m) => [m.path, m.depth, m.container])).toEqual([
      ['bundle.tar', 1, 'gzip'],
      ['bundle.tar/docs/a.txt', 2, 'tar'],
      ['bundle.tar/run.vbs', 2, 'tar'],
    ]);
    expect(Buffer.from(facts.members[2].bytes!).toString()).toBe('MsgBox 1');
    expect(finding.summary).toMatch(/script: run\.vbs/);
  });
});
