// The decompressed `dir` stream of a VBA project ([MS-OVBA] 2.3.4.2): a flat run of records,
// each Id (u16), Size (u32), Data. It names the project's code page and, per module, the
// stream holding its source and the offset where the compressed source starts (MODULEOFFSET).
// The one record whose Size lies is PROJECTVERSION: Size says 4, but 6 bytes follow.

const PROJECTCODEPAGE = 0x0003;
const PROJECTNAME = 0x0004;
const PROJECTVERSION = 0x0009;
const PROJECTMODULES = 0x000f;
const TERMINATOR = 0x0010;
const MODULENAME = 0x0019;
const MODULESTREAMNAME = 0x001a;
const MODULETYPE_PROCEDURAL = 0x0021;
const MODULETYPE_DOCUMENT = 0x0022;
const MODULE_TERMINATOR = 0x002b;
const MODULEOFFSET = 0x0031;
const MODULESTREAMNAME_UNICODE = 0x0032;
const MODULENAME_UNICODE = 0x0047;
const MAX_RECORDS = 100_000;

export interface VbaModuleRef {
  name: string;
  streamName: string;
  /** Where the compressed source starts in the module stream (after the p-code cache). */
  textOffset: number;
  type: 'procedural' | 'document-or-class' | 'unknown';
}

export interface VbaDir {
  projectName?: string;
  codePage: number;
  declaredModuleCount?: number;
  modules: VbaModuleRef[];
  /** Set when the records ran past the stream: modules read until then are kept. */
  error?: string;
}

/** TextDecoder label for a Windows code page; undefined when Node does not know it. */
export function codePageLabel(codePage: number): string | undefined {
  if (codePage === 65001) return 'utf-8';
  if (codePage >= 1250 && codePage <= 1258) return `windows-${codePage}`;
  const named: Record<number, string> = {
    874: 'windows-874',
    932: 'shift_jis',
    936: 'gbk',
    949: 'euc-kr',
    950: 'big5',
    866: 'ibm866',
    10000: 'macintosh',
    20866: 'koi8-r',
    28591: 'iso-8859-1',
  };
  return named[codePage];
}

/** Decode MBCS text in the project's code page, falling back to Latin-1. */
export function decodeCodePage(bytes: Uint8Array, codePage: number): string {
  const label = codePageLabel(codePage);
  if (label) {
    try {
      return new TextDecoder(label).decode(bytes);
    } catch {
      // Unknown to this Node build: Latin-1 keeps every byte visible.
    }
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

export function parseVbaDir(data: Uint8Array): VbaDir {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const dir: VbaDir = { codePage: 1252, modules: [] };
  const utf16 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf16le');
  let current: (VbaModuleRef & { unicodeStream?: string; unicodeName?: string }) | undefined;
  const finishModule = (): void => {
    if (!current) return;
    const { unicodeStream, unicodeName, ...ref } = current;
    // The Unicode names are exact; the MBCS ones depend on the code page having decoded right.
    dir.modules.push({ ...ref, name: unicodeName || ref.name, streamName: unicodeStream || ref.streamName || ref.name });
    current = undefined;
  };
  let pos = 0;
  for (let records = 0; pos + 6 <= data.length && records < MAX_RECORDS; records++) {
    const id = dv.getUint16(pos, true);
    let size = dv.getUint32(pos + 2, true);
    if (id === PROJECTVERSION) size = 6;
    const body = pos + 6;
    if (body + size > data.length) {
      dir.error = `record 0x${id.toString(16)} at ${pos} runs past the end of the dir stream`;
      break;
    }
    const value = data.subarray(body, body + size);
    pos = body + size;
    switch (id) {
      case PROJECTCODEPAGE:
        if (size >= 2) dir.codePage = dv.getUint16(body, true);
        break;
      case PROJECTNAME:
        dir.projectName = decodeCodePage(value, dir.codePage);
        break;
      case PROJECTMODULES:
        if (size >= 2) dir.declaredModuleCount = dv.getUint16(body, true);
        break;
      case MODULENAME:
        finishModule();
        current = { name: decodeCodePage(value, dir.codePage), streamName: '', textOffset: 0, type: 'unknown' };
        break;
      case MODULENAME_UNICODE:
        if (current) current.unicodeName = utf16(value);
        break;
      case MODULESTREAMNAME:
        if (current) current.streamName = decodeCodePage(value, dir.codePage);
        break;
      case MODULESTREAMNAME_UNICODE:
        if (current) current.unicodeStream = utf16(value);
        break;
      case MODULEOFFSET:
        if (current && size >= 4) current.textOffset = dv.getUint32(body, true);
        break;
      case MODULETYPE_PROCEDURAL:
        if (current) current.type = 'procedural';
        break;
      case MODULETYPE_DOCUMENT:
        if (current) current.type = 'document-or-class';
        break;
      case MODULE_TERMINATOR:
        finishModule();
        break;
      case TERMINATOR:
        finishModule();
        return dir;
      default:
        break; // references, doc strings, help contexts, cookies: not needed to find the code
    }
  }
  finishModule();
  return dir;
}
