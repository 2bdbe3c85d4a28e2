// Printable strings (ASCII and UTF-16LE, like `strings -a` and `strings -el`) and the
// indicators analysts look for in them: URLs, IPv4 addresses, registry paths.
import { asBuffer } from './bytes';
import { trimEndChars } from '../../domain/text-scan';

export interface StringsOptions {
  minLength?: number;
  /** Per encoding; scanning stops once reached. */
  maxCount?: number;
  /** Longer strings are cut to this many characters. */
  maxLength?: number;
  /** Bytes scanned at most: the head of a larger file plus its last mebibyte (appended configs live there). */
  maxScanBytes?: number;
}

export interface ExtractedStrings {
  ascii: string[];
  utf16: string[];
  /** True when a cap stopped the scan early. */
  truncated: boolean;
}

const DEFAULTS: Required<StringsOptions> = { minLength: 6, maxCount: 20_000, maxLength: 1024, maxScanBytes: 16 * 1024 * 1024 };
const TAIL_BYTES = 1024 * 1024;

export function extractStrings(bytes: Uint8Array, options: StringsOptions = {}): ExtractedStrings {
  const r = scanRegions(bytes, options, false);
  return { ascii: r.ascii.found, utf16: r.utf16.found, truncated: r.truncated };
}

export interface StringIndicators extends Indicators {
  /** Strings found per encoding, as extractStrings would return them. */
  ascii: number;
  utf16: number;
  truncated: boolean;
}

/**
 * extractStrings' counts and extractIndicators over its strings, without making a JS string of
 * every run: only runs holding ':', '.' or '\\' can match an indicator, and most runs in a
 * binary hold none (two thirds of the bench mix's), so only those are copied out.
 */
export function extractStringIndicators(bytes: Uint8Array, options: StringsOptions = {}): StringIndicators {
  const r = scanRegions(bytes, options, true);
  return { ascii: r.ascii.count, utf16: r.utf16.count, truncated: r.truncated, ...extractIndicators([...r.ascii.found, ...r.utf16.found]) };
}

interface Scanned {
  found: string[];
  count: number;
  capped: boolean;
}

function scanRegions(
  bytes: Uint8Array,
  options: StringsOptions,
  candidatesOnly: boolean,
): { ascii: Scanned; utf16: Scanned; truncated: boolean } {
  const o = { ...DEFAULTS, ...options };
  const whole = bytes.length <= o.maxScanBytes;
  const tail = Math.min(TAIL_BYTES, Math.floor(o.maxScanBytes / 4));
  const regions = whole ? [bytes] : [bytes.subarray(0, o.maxScanBytes - tail), bytes.subarray(bytes.length - tail)];
  const ascii: Scanned = { found: [], count: 0, capped: false };
  const utf16: Scanned = { found: [], count: 0, capped: false };
  for (const region of regions) {
    for (const [width, out] of [
      [1, ascii],
      [2, utf16],
    ] as const) {
      const r = scan(region, width, { ...o, maxCount: o.maxCount - out.count }, candidatesOnly);
      out.found.push(...r.found);
      out.count += r.count;
      out.capped ||= r.capped;
    }
  }
  return { ascii, utf16, truncated: ascii.capped || utf16.capped || !whole };
}

/**
 * A byte the `strings` tool prints (ASCII 0x20-0x7e or tab) is non-zero; bit 2 marks the
 * characters some indicator needs (':' of "://", '.', '\\'), OR-ed over a run as it is scanned.
 */
const PRINTABLE = new Uint8Array(256);
const INDICATOR_CHAR = 2;
for (let c = 0x20; c <= 0x7e; c++) PRINTABLE[c] = 1;
PRINTABLE[0x09] = 1;
for (const c of ':.\\') PRINTABLE[c.charCodeAt(0)] |= INDICATOR_CHAR;

/**
 * width 1: runs of printable bytes; width 2: runs of printable bytes each followed by 0x00.
 * One loop per width, each testing its cheapest condition first: most bytes of a binary end a
 * candidate at the first test (for UTF-16, the byte after is not 0x00). `candidatesOnly`: count
 * every run but copy out only those holding an INDICATOR_CHAR.
 */
function scan(b: Uint8Array, width: 1 | 2, o: Required<StringsOptions>, candidatesOnly: boolean): Scanned {
  const found: string[] = [];
  let count = 0;
  const buf = asBuffer(b);
  const keep = (start: number, chars: number, marks: number): boolean => {
    if (chars < o.minLength) return true;
    if (count >= o.maxCount) return false;
    count++;
    if (candidatesOnly && (marks & INDICATOR_CHAR) === 0) return true;
    found.push(
      width === 1
        ? buf.toString('latin1', start, start + Math.min(chars, o.maxLength))
        : buf.toString('utf16le', start, start + Math.min(chars, o.maxLength) * 2),
    );
    return true;
  };
  const printable = PRINTABLE;
  if (width === 1) {
    const end = b.length;
    for (let i = 0; i < end; i++) {
      if (printable[b[i]] === 0) continue;
      const start = i;
      let marks = 0;
      while (i < end) {
        const p = printable[b[i]];
        if (p === 0) break;
        marks |= p;
        i++;
      }
      if (!keep(start, i - start, marks)) return { found, count, capped: true };
    }
    return { found, count, capped: false };
  }
  const end = b.length - 1;
  let i = 0;
  while (i < end) {
    if (b[i + 1] !== 0 || printable[b[i]] === 0) {
      i++;
      continue;
    }
    const start = i;
    let marks = 0;
    while (i < end && b[i + 1] === 0 && printable[b[i]] !== 0) {
      marks |= printable[b[i]];
      i += 2;
    }
    if (!keep(start, (i - start) / 2, marks)) return { found, count, capped: true };
  }
  return { found, count, capped: false };
}

export interface Indicators {
  urls: string[];
  ipv4: string[];
  registry: string[];
}

const URL_RE = /\b(?:https?|ftp|wss?):\/\/[^\s"'<>\\^`{|}]{3,}/gi;
const IPV4_RE = /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.])/g;
// Key names contain single spaces ("Windows NT", "Image File Execution Options").
const REGISTRY_RE =
  /\b(?:HKEY_(?:LOCAL_MACHINE|CURRENT_USER|CLASSES_ROOT|USERS|CURRENT_CONFIG)|HKLM|HKCU|HKCR|HKU)\\(?:[^\s"'<>|]| (?=[^\s"'<>|])){2,}|\b(?:Software|System)\\(?:Microsoft|Policies|Classes|CurrentControlSet|Wow6432Node)\\(?:[^\s"'<>|]| (?=[^\s"'<>|]))*/gi;

/** Version strings ("6.0.0.0", "1.2.0.0") look like addresses; these shapes almost never are. */
function plausibleIpv4(ip: string): boolean {
  const o = ip.split('.').map(Number);
  if (o[0] === 0) return false;
  if (o[1] === 0 && o[2] === 0 && o[3] === 0) return false;
  return true;
}

export function extractIndicators(strings: readonly string[], maxEach = 50): Indicators {
  const urls = new Set<string>();
  const ipv4 = new Set<string>();
  const registry = new Set<string>();
  const add = (set: Set<string>, v: string) => {
    if (set.size < maxEach) set.add(v);
  };
  // Each pattern needs a character most strings lack: testing for it first skips the regex.
  for (const s of strings) {
    if (s.includes('://')) for (const m of s.matchAll(URL_RE)) add(urls, trimEndChars(m[0], '.,;:)]'));
    if (s.includes('.')) for (const m of s.matchAll(IPV4_RE)) if (plausibleIpv4(m[0])) add(ipv4, m[0]);
    if (s.includes('\\')) for (const m of s.matchAll(REGISTRY_RE)) add(registry, trimEndChars(m[0], '.,;:'));
    if (urls.size >= maxEach && ipv4.size >= maxEach && registry.size >= maxEach) break;
  }
  return { urls: [...urls], ipv4: [...ipv4], registry: [...registry] };
}
