// File type by magic bytes, on real files where the machine or node_modules has them and on
// files made here with real writers (zip.js, pdf-lib, cfb, zlib); bare magic headers otherwise.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as CFB from 'cfb';
import { PDFDocument } from 'pdf-lib';
import { configure, TextReader, Uint8ArrayWriter, ZipWriter } from '@zip.js/zip.js';
import { detectFileType, extensionCategory, fileExtension } from '../../../src/analyzers/file/file-type';
import { masqueradeSignals } from '../../../src/analyzers/file/masquerade';

const NM = join(__dirname, '..', '..', '..', 'node_modules');
const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'file');
const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p)))));

configure({ useWebWorkers: false });

async function zipOf(files: Record<string, string>): Promise<Uint8Array> {
  const writer = new ZipWriter(new Uint8ArrayWriter());
  for (const [name, text] of Object.entries(files)) await writer.add(name, new TextReader(text));
  return writer.close();
}

describe('detectFileType on real files', () => {
  test.each([
    ['/usr/bin/ls', 'elf'],
    [join(FIXTURES, 'hello-x64.exe'), 'pe'],
    [join(NM, 'tree-sitter-powershell/prebuilds/win32-x64/tree-sitter-powershell.node'), 'pe'],
    [join(NM, 'tree-sitter-powershell/prebuilds/darwin-x64/tree-sitter-powershell.node'), 'macho'],
    [join(NM, 'pino/pino-banner.png'), 'png'],
    [join(NM, 'tlsh/logo.gif'), 'gif'],
    [join(NM, 'thread-stream/test/ts-commonjs-default-export.zip'), 'zip'],
    [join(NM, '@electric-sql/pglite-pg_uuidv7/dist/pg_uuidv7.tar.gz'), 'gzip'],
    [join(NM, 'tslib/tslib.html'), 'html'],
    [join(NM, 'webpack/lib/html/favicon.svg'), 'svg'],
    [join(FIXTURES, 'make-fixtures.sh'), 'script'],
  ])('%s is %s', (path, id) => {
    expect(detectFileType(readFileSync(path)).id).toBe(id);
  });
});

describe('detectFileType on files made by real writers', () => {
  test('OOXML, JAR and APK are told apart from plain ZIP by their member names', async () => {
    const docx = await zipOf({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w:document/>' });
    const xlsx = await zipOf({ '[Content_Types].xml': '<Types/>', 'xl/workbook.xml': '<workbook/>' });
    const jar = await zipOf({ 'META-INF/MANIFEST.MF': 'Manifest-Version: 1.0\n', 'a/B.class': 'x' });
    const apk = await zipOf({ 'AndroidManifest.xml': 'x', 'classes.dex': 'dex', 'META-INF/MANIFEST.MF': 'x' });
    const zip = await zipOf({ 'readme.txt': 'hello' });
    expect([docx, xlsx, jar, apk, zip].map((z) => detectFileType(z).id)).toEqual(['docx', 'xlsx', 'jar', 'apk', 'zip']);
  });

  test('a PDF from pdf-lib, with junk before the header as droppers do', async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    const pdf = await doc.save();
    expect(detectFileType(pdf).id).toBe('pdf');
    expect(detectFileType(Buffer.concat([Buffer.from('junk junk junk\n'), pdf])).id).toBe('pdf');
  });

  test('an OLE compound file with a WordDocument stream is a Word document', () => {
    const cfb = CFB.utils.cfb_new();
    CFB.utils.cfb_add(cfb, 'WordDocument', Buffer.from('word binary'));
    const ole = CFB.write(cfb, { type: 'buffer' }) as Buffer;
    const t = detectFileType(ole);
    expect(t.id).toBe('ole');
    expect(t.description).toContain('Word document');
  });

  test('gzip from zlib', () => {
    expect(detectFileType(gzipSync(Buffer.from('hello'))).id).toBe('gzip');
  });
});

describe('detectFileType on magic headers', () => {
  test.each([
    [bytes('MZ', new Array(0x3a).fill(0), [0x80, 0, 0, 0]), 'dos-mz'], // e_lfanew past the end
    [bytes([0xcf, 0xfa, 0xed, 0xfe], new Array(28).fill(0)), 'macho'],
    [bytes([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2], new Array(40).fill(0)), 'macho-fat'],
    [bytes([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 0x37], new Array(40).fill(0)), 'java-class'],
    [bytes('Rar!', [0x1a, 0x07, 0x01, 0x00]), 'rar'],
    [bytes([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]), '7z'],
    [bytes('BZh91AY&SY'), 'bzip2'],
    [bytes([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), 'xz'],
    [bytes('MSCF', [0, 0, 0, 0]), 'cab'],
    [bytes([0x4c, 0, 0, 0, 0x01, 0x14, 0x02, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46], new Array(60).fill(0)), 'lnk'],
    [bytes('{\\rtf1\\ansi hello}'), 'rtf'],
    [bytes('{\\rt\\objdata 0105}'), 'rtf'],
    [bytes([0xff, 0xd8, 0xff, 0xe0]), 'jpeg'],
    [bytes(new Array(0x8001).fill(0), 'CD001', [1]), 'iso'],
    [bytes([0xef, 0xbb, 0xbf], '<!DOCTYPE html><p>x'), 'html'],
    [bytes('<!-- saved --> <script>alert(1)</script>'), 'html'],
    [bytes('#!/usr/bin/env python3\nprint(1)\n'), 'script'],
    [bytes('plain words\nand lines\n'), 'text'],
    [bytes([1, 2, 3, 0, 5]), 'data'],
    [new Uint8Array(0), 'empty'],
  ])('%#: %s', (b, id) => {
    expect(detectFileType(b).id).toBe(id);
  });

  test('a shebang names its interpreter, through env too', () => {
    expect(detectFileType(bytes('#!/usr/bin/env python3\n')).description).toContain('python3');
    expect(detectFileType(bytes('#!/bin/sh -e\n')).description).toContain(', sh');
  });
});

describe('extensions and masquerading', () => {
  test('fileExtension and extensionCategory', () => {
    expect(fileExtension('C:\\Users\\a\\Invoice.PDF')).toBe('pdf');
    expect(fileExtension('noext')).toBe('');
    expect(fileExtension('.bashrc')).toBe('');
    expect(extensionCategory('pdf')).toBe('document');
    expect(extensionCategory('zip')).toBe('archive');
    expect(extensionCategory('txt')).toBe('text');
    expect(extensionCategory('exe')).toBe('executable');
    expect(extensionCategory('jpg')).toBe('image');
    expect(extensionCategory('weird')).toBeUndefined();
  });

  const pe = detectFileType(readFileSync(join(FIXTURES, 'hello-x64.exe')));

  test('a PE named .pdf is masquerading (T1036.008)', () => {
    const s = masqueradeSignals(pe, 'invoice.pdf');
    expect(s).toHaveLength(1);
    expect(s[0].attack).toEqual(['T1036.008']);
    expect(s[0].score).toBeGreaterThanOrEqual(60);
    expect(s[0].line).toMatch(/PE executable named "\.pdf"/);
  });

  test('a PE under its own or an unknown extension is not', () => {
    for (const name of ['setup.exe', 'helper.dll', 'payload.bin', 'noext', 'x.dat', undefined])
      expect(masqueradeSignals(pe, name)).toEqual([]);
  });

  test('double extension (T1036.007) and right-to-left override (T1036.002)', () => {
    expect(masqueradeSignals(pe, 'scan.pdf.exe').map((s) => s.attack[0])).toEqual(['T1036.007']);
    expect(masqueradeSignals(pe, 'photo.jpg   .scr').map((s) => s.attack[0])).toEqual(['T1036.007']);
    expect(masqueradeSignals(pe, 'report\u202Efdp.exe').map((s) => s.attack[0])).toEqual(['T1036.002']);
    expect(masqueradeSignals(pe, 'archive.tar.gz').map((s) => s.id)).toEqual(['extension-mismatch']);
  });

  test('harmless mismatches are noted without a score', () => {
    const png = detectFileType(readFileSync(join(NM, 'pino/pino-banner.png')));
    const s = masqueradeSignals(png, 'banner.jpg');
    expect(s).toHaveLength(1);
    expect(s[0].score).toBe(0);
    expect(s[0].line).toContain('PNG image');
  });

  test('a script named like a PDF scores, one named .txt does not', () => {
    const script = detectFileType(bytes('#!/bin/sh\nrm -rf ~\n'));
    expect(masqueradeSignals(script, 'statement.pdf')[0].attack).toEqual(['T1036.008']);
    expect(masqueradeSignals(script, 'notes.txt')).toEqual([]);
  });
});
