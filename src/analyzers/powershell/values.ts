// The values the deobfuscator can compute without running anything, PowerShell's conversions
// between them, and how a computed value is written back as source.

export type Encoding = 'utf16le' | 'utf16be' | 'utf8' | 'ascii' | 'latin1' | 'utf32';

export type Value =
  | { t: 'str'; v: string }
  | { t: 'char'; v: string }
  | { t: 'num'; v: number }
  | { t: 'bool'; v: boolean }
  | { t: 'null' }
  | { t: 'arr'; v: Value[] }
  | { t: 'bytes'; v: Uint8Array }
  /** A System.Text.Encoding instance. */
  | { t: 'enc'; v: Encoding }
  /** A [type] literal or a [type] cast of a string: the type's name as written. */
  | { t: 'type'; v: string }
  /** A script block built from text ([scriptblock]::Create). */
  | { t: 'sb'; v: string }
  /** A MemoryStream / DeflateStream / GZipStream over known bytes, or a StreamReader over one. */
  | { t: 'stream'; v: Uint8Array; reader?: Encoding }
  /** A PSVariable (from Get-Variable / Get-Item variable:): `.Value` reads it. */
  | { t: 'psvar'; name: string; value: Value }
  /** A regex Match: prints as its text, `.Value` reads it. */
  | { t: 'match'; v: string }
  /** A well-known engine object ($ExecutionContext and its members). */
  | { t: 'host'; v: 'executioncontext' | 'invokecommand' | 'sessionstate' | 'psvariable' };

/** Hard limits on what a computed value may grow to. */
export const MAX_STRING = 1 << 20;
export const MAX_ARRAY = 100_000;

export const str = (v: string): Value => ({ t: 'str', v });
export const num = (v: number): Value => ({ t: 'num', v });
export const NULL: Value = { t: 'null' };

/** PowerShell's string conversion ($OFS is a space for arrays). */
export function toStr(x: Value): string | undefined {
  switch (x.t) {
    case 'str':
    case 'char':
    case 'match':
      return x.v;
    case 'num':
      return Number.isInteger(x.v) ? x.v.toFixed(0) : String(x.v);
    case 'bool':
      return x.v ? 'True' : 'False';
    case 'null':
      return '';
    case 'arr': {
      const parts: string[] = [];
      let size = 0;
      for (const e of x.v) {
        const s = toStr(e);
        if (s === undefined) return undefined;
        size += s.length + 1;
        if (size > MAX_STRING) return undefined;
        parts.push(s);
      }
      return parts.join(' ');
    }
    case 'bytes':
      return x.v.length > MAX_STRING / 4 ? undefined : Array.from(x.v).join(' ');
    case 'type':
      return x.v;
    case 'sb':
      return x.v;
    default:
      return undefined;
  }
}

export function toNum(x: Value): number | undefined {
  switch (x.t) {
    case 'num':
      return x.v;
    case 'char':
      return x.v.charCodeAt(0);
    case 'bool':
      return x.v ? 1 : 0;
    case 'null':
      return 0;
    case 'str': {
      const s = x.v.trim();
      if (/^0x[0-9a-f]+$/i.test(s)) return parseInt(s, 16);
      if (/^[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?$/i.test(s)) return Number(s);
      return s === '' ? 0 : undefined;
    }
    default:
      return undefined;
  }
}

/** The element list PowerShell would enumerate. */
export function toArr(x: Value): Value[] | undefined {
  if (x.t === 'arr') return x.v;
  if (x.t === 'bytes') return x.v.length > MAX_ARRAY ? undefined : Array.from(x.v, (b) => num(b));
  return [x];
}

export function toChar(x: Value): { t: 'char'; v: string } | undefined {
  if (x.t === 'char') return x;
  if (x.t === 'str') return x.v.length === 1 ? { t: 'char', v: x.v } : undefined;
  const n = toNum(x);
  if (n === undefined || !Number.isInteger(n) || n < 0 || n > 0xffff) return undefined;
  return { t: 'char', v: String.fromCharCode(n) };
}

export function toBytes(x: Value): Uint8Array | undefined {
  if (x.t === 'bytes') return x.v;
  if (x.t === 'stream') return x.v;
  const items = toArr(x);
  if (!items || items.length > MAX_STRING) return undefined;
  const out = new Uint8Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const n = toNum(items[i]);
    if (n === undefined || !Number.isInteger(n) || n < 0 || n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

export function decodeBytes(bytes: Uint8Array, enc: Encoding): string | undefined {
  if (bytes.length > MAX_STRING * 2) return undefined;
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (enc) {
    case 'utf16le':
      return b.subarray(0, b.length - (b.length % 2)).toString('utf16le');
    case 'utf16be': {
      const swapped = Buffer.from(b.subarray(0, b.length - (b.length % 2)));
      swapped.swap16();
      return swapped.toString('utf16le');
    }
    case 'utf8':
      return b.toString('utf8');
    case 'ascii':
      return Array.from(b, (c) => (c < 128 ? String.fromCharCode(c) : '?')).join('');
    case 'latin1':
      return b.toString('latin1');
    case 'utf32': {
      let out = '';
      for (let i = 0; i + 3 < b.length; i += 4) {
        const cp = b.readUInt32LE(i);
        out += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
      }
      return out;
    }
  }
}

export function encodeString(s: string, enc: Encoding): Uint8Array {
  switch (enc) {
    case 'utf16le':
      return Buffer.from(s, 'utf16le');
    case 'utf16be':
      return Buffer.from(s, 'utf16le').swap16();
    case 'utf8':
      return Buffer.from(s, 'utf8');
    case 'ascii':
      return Buffer.from(Array.from(s, (c) => (c.charCodeAt(0) < 128 ? c.charCodeAt(0) : 63)));
    case 'latin1':
      return Buffer.from(s, 'latin1');
    case 'utf32': {
      const cps = Array.from(s, (c) => c.codePointAt(0) ?? 0);
      const out = Buffer.alloc(cps.length * 4);
      cps.forEach((cp, i) => out.writeUInt32LE(cp, i * 4));
      return out;
    }
  }
}

/** Single-quoted PowerShell literal (all four single-quote characters double up). */
export function quote(s: string): string {
  return `'${s.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}

/** Literal text for a value, or undefined when it has no faithful literal form. */
export function render(x: Value): string | undefined {
  switch (x.t) {
    case 'str':
    case 'char':
      return quote(x.v);
    case 'num':
      return Number.isFinite(x.v) ? (x.v < 0 ? `(${x.v})` : String(x.v)) : undefined;
    case 'bool':
      return x.v ? '$true' : '$false';
    case 'null':
      return '$null';
    case 'type':
      return /^[\w.`+[\], ]+$/.test(x.v) ? `[${x.v}]` : undefined;
    case 'sb':
      return `{${x.v}}`;
    case 'arr': {
      if (x.v.length === 0) return '@()';
      const parts: string[] = [];
      for (const e of x.v) {
        if (e.t !== 'str' && e.t !== 'char' && e.t !== 'num') return undefined;
        parts.push(render(e)!);
      }
      return `@(${parts.join(',')})`;
    }
    default:
      return undefined;
  }
}

/** Is this a value worth writing back as a literal (text the analyst can read)? */
export function isTextual(x: Value): boolean {
  if (x.t === 'str' || x.t === 'char' || x.t === 'sb' || x.t === 'type') return true;
  if (x.t === 'arr') return x.v.length > 0 && x.v.every((e) => e.t === 'str' || e.t === 'char');
  return false;
}
