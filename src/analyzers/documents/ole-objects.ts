// Other risky contents of a compound file besides VBA: Equation Editor objects (the
// CVE-2017-11882 family), OLE Package objects carrying a file (\x01Ole10Native), password
// encryption (EncryptedPackage, so nothing inside can be checked) and Excel 4.0 (XLM) macro
// sheets, found from the BoundSheet8 records of the Workbook stream ([MS-XLS] 2.4.28).
import type { CfbEntry, CfbFile } from './cfb-reader';
import { assessMember, type RiskFlag } from './member-risk';

export interface OlePackage {
  stream: string;
  label: string;
  sourcePath: string;
  dataSize?: number;
  flags: RiskFlag[];
}

export interface XlmSheet {
  name: string;
  state: 'visible' | 'hidden' | 'very hidden';
}

export interface OleObjectFacts {
  equationEditor: string[];
  packages: OlePackage[];
  encrypted: boolean;
  xlmSheets: XlmSheet[];
  errors: string[];
}

const MAX_BIFF_RECORDS = 200_000;
const BOUNDSHEET8 = 0x0085;
const EOF_RECORD = 0x000a;

function cString(bytes: Uint8Array, start: number, max = 1024): { text: string; next: number } {
  let end = start;
  while (end < bytes.length && end - start < max && bytes[end] !== 0) end++;
  return { text: Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1'), next: end + 1 };
}

/** Ole10Native: u32 size, u16 flags, label\0, source path\0, u32 unknown, u32 len + temp path, u32 data size, data. */
export function parseOle10Native(stream: string, data: Uint8Array): OlePackage {
  const label = cString(data, 6);
  const source = cString(data, label.next);
  let dataSize: number | undefined;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let pos = source.next + 4;
  if (pos + 4 <= data.length) {
    const tempLen = dv.getUint32(pos, true);
    pos += 4 + tempLen;
    if (pos + 4 <= data.length) dataSize = dv.getUint32(pos, true);
  }
  const shown = source.text || label.text;
  return { stream, label: label.text, sourcePath: source.text, dataSize, flags: assessMember(shown) };
}

/** Macro sheets listed in a BIFF8 Workbook stream: records are u16 type, u16 length, data. */
export function findXlmSheets(workbook: Uint8Array): XlmSheet[] {
  const sheets: XlmSheet[] = [];
  const dv = new DataView(workbook.buffer, workbook.byteOffset, workbook.byteLength);
  let pos = 0;
  for (let n = 0; pos + 4 <= workbook.length && n < MAX_BIFF_RECORDS; n++) {
    const type = dv.getUint16(pos, true);
    const len = dv.getUint16(pos + 2, true);
    const body = pos + 4;
    if (body + len > workbook.length) break;
    if (type === BOUNDSHEET8 && len >= 8) {
      const state = workbook[body + 4] & 0x03;
      const sheetType = workbook[body + 5];
      if (sheetType === 0x01) {
        const cch = workbook[body + 6];
        const wide = (workbook[body + 7] & 0x01) === 1;
        const nameBytes = workbook.subarray(body + 8, Math.min(body + len, body + 8 + (wide ? cch * 2 : cch)));
        const name = Buffer.from(nameBytes.buffer, nameBytes.byteOffset, nameBytes.byteLength).toString(wide ? 'utf16le' : 'latin1');
        sheets.push({ name, state: state === 0 ? 'visible' : state === 1 ? 'hidden' : 'very hidden' });
      }
    }
    // The globals substream ends at the first EOF record; sheet listings come before it.
    if (type === EOF_RECORD) break;
    pos = body + len;
  }
  return sheets;
}

export function inspectOleObjects(cfb: CfbFile): OleObjectFacts {
  const facts: OleObjectFacts = { equationEditor: [], packages: [], encrypted: false, xlmSheets: [], errors: [] };
  const safeRead = (entry: CfbEntry): Uint8Array | undefined => {
    try {
      return cfb.read(entry);
    } catch (err) {
      facts.errors.push(`${entry.path}: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  };
  for (const entry of cfb.entries) {
    const name = entry.name.toLowerCase();
    if (entry.type !== 'stream') continue;
    if (name === 'equation native') facts.equationEditor.push(entry.path);
    else if (name === '\u0001ole10native') {
      const data = safeRead(entry);
      if (data) facts.packages.push(parseOle10Native(entry.path, data));
    } else if (name === 'encryptedpackage' || name === 'encryptioninfo') facts.encrypted = true;
    else if ((name === 'workbook' || name === 'book') && !entry.path.includes('/')) {
      const data = safeRead(entry);
      if (data) facts.xlmSheets.push(...findXlmSheets(data));
    }
  }
  return facts;
}
