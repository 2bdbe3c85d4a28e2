// Decoding pieces of a PDF scanned as raw bytes: names with #xx escapes, literal and hex
// strings, and the stream filters that hide content (Flate, ASCIIHex, ASCII85). Every
// decoder is bounded by its input or by an explicit output cap.
import { constants, inflateRawSync, inflateSync } from 'node:zlib';

/** /J#61vaScript → JavaScript (PDF 1.2+ name escapes). */
export function normalizeName(raw: string): string {
  return raw.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** A literal string starting at `open` (the '('), with nesting and escapes; returns its text and end. */
export function readLiteralString(text: string, open: number, maxChars: number): { value: string; end: number } {
  let depth = 0;
  let out = '';
  let i = open;
  const limit = Math.min(text.length, open + maxChars * 4 + 2);
  for (; i < limit; i++) {
    const c = text[i];
    if (c === '\\') {
      const n = text[++i];
      if (n === undefined) break;
      const esc: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '(': '(', ')': ')', '\\': '\\' };
      if (esc[n] !== undefined) out += esc[n];
      else if (/[0-7]/.test(n)) {
        let oct = n;
        while (oct.length < 3 && /[0-7]/.test(text[i + 1] ?? '')) oct += text[++i];
        out += String.fromCharCode(parseInt(oct, 8) & 0xff);
      } else if (n === '\r' || n === '\n') {
        if (n === '\r' && text[i + 1] === '\n') i++;
      } else out += n;
      continue;
    }
    if (c === '(') {
      depth++;
      if (depth === 1) continue;
    } else if (c === ')') {
      depth--;
      if (depth === 0) return { value: decodePdfText(out.slice(0, maxChars)), end: i + 1 };
    }
    out += c;
  }
  return { value: decodePdfText(out.slice(0, maxChars)), end: i };
}

/**
 * A hex string starting at `open` (the '<'). It holds only hex digits and white space, so the
 * scan stops at the first other character: a '<' never followed by '>' (`/JS <` repeated) costs
 * the characters up to the next delimiter, not a search to the end of the file for each one.
 */
export function readHexString(text: string, open: number, maxChars: number): { value: string; end: number } {
  let hex = '';
  let i = open + 1;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isHexDigit(c)) {
      if (hex.length < maxChars * 2) hex += text[i];
    } else if (!isPdfWhiteSpace(c)) break;
  }
  if (hex.length % 2) hex += '0';
  // A closing '>' is consumed; any other character ends a malformed string and is read again.
  return { value: decodePdfText(Buffer.from(hex, 'hex').toString('latin1')), end: text[i] === '>' ? i + 1 : i };
}

const isHexDigit = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
/** PDF 32000-1 7.2.2: NUL, HT, LF, FF, CR, SP. */
const isPdfWhiteSpace = (c: number) => c === 0 || c === 9 || c === 10 || c === 12 || c === 13 || c === 32;

/** Text strings may be UTF-16BE with a BOM; everything else is kept byte-per-char. */
function decodePdfText(s: string): string {
  if (s.startsWith('\u00fe\u00ff')) {
    const b = Buffer.from(s.slice(2), 'latin1');
    if (b.length % 2) return s;
    b.swap16();
    return b.toString('utf16le');
  }
  return s;
}

export interface FilterResult {
  data?: Uint8Array;
  /** The filter that stopped decoding (unsupported or failed), if any. */
  stoppedAt?: string;
  error?: string;
}

function inflateBounded(data: Uint8Array, maxOutput: number): Uint8Array {
  const opts = { maxOutputLength: maxOutput, finishFlush: constants.Z_SYNC_FLUSH };
  try {
    return inflateSync(data, opts);
  } catch (err) {
    // Some producers write raw deflate without the zlib header.
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw err;
    return inflateRawSync(data, opts);
  }
}

function asciiHex(data: Uint8Array): Uint8Array {
  let s = Buffer.from(data).toString('latin1');
  const end = s.indexOf('>');
  if (end >= 0) s = s.slice(0, end);
  s = s.replace(/[^0-9a-fA-F]/g, '');
  if (s.length % 2) s += '0';
  return Buffer.from(s, 'hex');
}

function ascii85(data: Uint8Array, maxOutput: number): Uint8Array {
  let s = Buffer.from(data).toString('latin1');
  const end = s.indexOf('~>');
  if (end >= 0) s = s.slice(0, end);
  s = s.replace(/\s+/g, '');
  if (s.startsWith('<~')) s = s.slice(2);
  const out: number[] = [];
  let group: number[] = [];
  const flush = (chars: number[], take: number): void => {
    let n = 0;
    for (const c of chars) n = n * 85 + (c - 33);
    const bytes = [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
    out.push(...bytes.slice(0, take));
  };
  for (const ch of s) {
    if (out.length > maxOutput) throw Object.assign(new Error('too large'), { code: 'ERR_BUFFER_TOO_LARGE' });
    if (ch === 'z' && group.length === 0) {
      out.push(0, 0, 0, 0);
      continue;
    }
    const c = ch.charCodeAt(0);
    if (c < 33 || c > 117) throw new Error('invalid ASCII85 character');
    group.push(c);
    if (group.length === 5) {
      flush(group, 4);
      group = [];
    }
  }
  if (group.length > 1) {
    const take = group.length - 1;
    while (group.length < 5) group.push(117);
    flush(group, take);
  }
  return Uint8Array.from(out);
}

const IMAGE_FILTERS = new Set(['DCTDecode', 'DCT', 'JPXDecode', 'CCITTFaxDecode', 'CCF', 'JBIG2Decode']);

/** Apply a stream's filter chain; image codecs end the chain quietly (nothing to scan there). */
export function applyFilters(data: Uint8Array, filters: string[], maxOutput: number): FilterResult {
  let cur = data;
  for (const f of filters) {
    try {
      if (f === 'FlateDecode' || f === 'Fl') cur = inflateBounded(cur, maxOutput);
      else if (f === 'ASCIIHexDecode' || f === 'AHx') cur = asciiHex(cur);
      else if (f === 'ASCII85Decode' || f === 'A85') cur = ascii85(cur, maxOutput);
      else if (IMAGE_FILTERS.has(f)) return { stoppedAt: f };
      else return { stoppedAt: f, error: `filter ${f} not decoded` };
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return { stoppedAt: f, error: e.code === 'ERR_BUFFER_TOO_LARGE' ? `${f} output over ${maxOutput} bytes` : `${f}: ${e.message}` };
    }
    if (cur.length > maxOutput) return { stoppedAt: f, error: `${f} output over ${maxOutput} bytes` };
  }
  return { data: cur };
}
