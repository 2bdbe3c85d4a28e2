// PDF active content by a raw scan of the bytes (in the spirit of pdfid): a parser that
// builds the object graph gives up on the malformed files attackers send, while a scan still
// sees the objects, the names that matter (/JavaScript /OpenAction /Launch ...), hex-escaped
// names like /J#61vaScript, and — after inflating FlateDecode streams with a size cap — what
// object streams hide. Stream ends are found by `endstream`, never by trusting /Length alone.
// Every pass is linear in the input: keyword positions are found once and walked with cursors.
import { asBytes, failedFinding, latin1, uniqueSorted, type Analysis } from './common';
import { applyFilters, normalizeName, readHexString, readLiteralString } from './pdf-decode';
import type { Finding } from '../../domain/finding';

export const PDF_ANALYZER = 'pdf';
export const ANALYZER_VERSION = '1';

export interface PdfLimits {
  maxInputBytes: number;
  maxObjects: number;
  maxStreams: number;
  maxStreamOutput: number;
  maxTotalDecoded: number;
  /** Items (URIs, scripts, names) listed per kind. */
  maxItems: number;
  maxStringChars: number;
}
export const DEFAULT_PDF_LIMITS: PdfLimits = {
  maxInputBytes: 64 * 1024 * 1024,
  maxObjects: 200_000,
  maxStreams: 5_000,
  maxStreamOutput: 8 * 1024 * 1024,
  maxTotalDecoded: 64 * 1024 * 1024,
  maxItems: 50,
  maxStringChars: 4096,
};

/** Names counted, after #xx normalization. */
export const TRACKED_NAMES = [
  'JavaScript',
  'JS',
  'OpenAction',
  'AA',
  'Launch',
  'EmbeddedFile',
  'EmbeddedFiles',
  'URI',
  'AcroForm',
  'XFA',
  'ObjStm',
  'RichMedia',
  'SubmitForm',
  'GoToR',
  'GoToE',
  'ImportData',
  'Encrypt',
  'JBIG2Decode',
] as const;
const TRACKED = new Set<string>(TRACKED_NAMES);

const JS_INDICATORS: { id: string; re: RegExp }[] = [
  { id: 'eval', re: /\beval\s*\(/ },
  { id: 'unescape', re: /\bunescape\s*\(/ },
  { id: 'fromCharCode', re: /String\.fromCharCode/ },
  { id: 'launchURL/getURL', re: /\b(?:app\.launchURL|getURL|app\.openDoc)\s*\(/ },
  { id: 'exportDataObject', re: /exportDataObject\s*\(/ },
  { id: 'submitForm', re: /submitForm\s*\(/ },
  {
    id: 'known exploit API',
    re: /util\.printf|Collab\.(?:getIcon|collectEmailInfo)|media\.newPlayer|spell\.customDictionaryOpen|getAnnots\s*\(/,
  },
  { id: 'shellcode escapes', re: /(?:%u[0-9a-fA-F]{4}){4}|(?:\\x[0-9a-fA-F]{2}){8}/ },
  { id: 'timer', re: /app\.setTimeOut|app\.setInterval/ },
];

export interface PdfFacts {
  version?: string;
  headerOffset?: number;
  objects: number;
  endobjs: number;
  streams: number;
  decodedStreams: number;
  objectStreams: number;
  eofMarkers: number;
  encrypted: boolean;
  names: Record<string, number>;
  obfuscatedNames: string[];
  javascript: string[];
  jsIndicators: string[];
  uris: string[];
  launch: string[];
  embeddedFiles: string[];
  anomalies: string[];
  undecoded: string[];
  /** Characters the string readers consumed: at most about the text scanned (tests check it stays linear). */
  stringCharsRead: number;
}

interface StreamInfo {
  objNum: number;
  dict: string;
  dataStart: number;
  dataEnd: number;
}

/** Sorted positions of `word` in text, at most `max`; `skipPrefix` drops hits preceded by it. */
function positions(text: string, word: string, max: number, skipPrefix?: string): number[] {
  const out: number[] = [];
  let at = text.indexOf(word);
  while (at >= 0 && out.length < max) {
    if (!skipPrefix || text.slice(Math.max(0, at - skipPrefix.length), at) !== skipPrefix) out.push(at);
    at = text.indexOf(word, at + word.length);
  }
  return out;
}

class Collector {
  constructor(
    private readonly facts: PdfFacts,
    private readonly limits: PdfLimits,
    readonly jsRefs: Set<number>,
  ) {}

  private push(list: string[], value: string): void {
    const v = value.slice(0, this.limits.maxStringChars);
    if (list.length < this.limits.maxItems && !list.includes(v)) list.push(v);
  }

  /** Names, scripts, URIs and launch targets in a piece of PDF syntax (structure or decoded stream). */
  scan(text: string): void {
    const nameRe = /\/([^\s/[\]<>(){}%\0]{1,127})/g;
    const hasEmbedded = /\/EF\b|\/EmbeddedFile/.test(text);
    for (let m = nameRe.exec(text); m; m = nameRe.exec(text)) {
      const raw = m[1];
      const name = normalizeName(raw);
      if (TRACKED.has(name)) {
        this.facts.names[name] = (this.facts.names[name] ?? 0) + 1;
        if (raw !== name) this.push(this.facts.obfuscatedNames, `/${raw}`);
      }
      const after = m.index + m[0].length;
      if (name === 'JS' || name === 'URI' || ((name === 'UF' || name === 'F') && hasEmbedded)) {
        const value = this.valueAt(text, after);
        if (value?.kind === 'string') {
          if (name === 'JS') this.push(this.facts.javascript, value.text);
          else if (name === 'URI') this.push(this.facts.uris, value.text);
          else this.push(this.facts.embeddedFiles, value.text);
          // Resume after the string: its content is not syntax, and re-reading it from every
          // name inside it (`/JS (/JS (/JS (...`) made the scan quadratic.
          nameRe.lastIndex = Math.max(nameRe.lastIndex, value.end);
        } else if (value?.kind === 'ref' && name === 'JS') this.jsRefs.add(value.objNum);
      } else if (name === 'Launch') {
        this.push(
          this.facts.launch,
          text
            .slice(after, after + 300)
            .replace(/\s+/g, ' ')
            .trim(),
        );
      }
    }
  }

  private valueAt(text: string, from: number): { kind: 'string'; text: string; end: number } | { kind: 'ref'; objNum: number } | undefined {
    let i = from;
    while (i < text.length && i < from + 64 && /\s/.test(text[i])) i++;
    const string =
      text[i] === '('
        ? readLiteralString(text, i, this.limits.maxStringChars)
        : text[i] === '<' && text[i + 1] !== '<'
          ? readHexString(text, i, this.limits.maxStringChars)
          : undefined;
    if (string) {
      this.facts.stringCharsRead += string.end - i;
      return { kind: 'string', text: string.value, end: string.end };
    }
    const ref = /^(\d{1,10})\s+\d{1,5}\s+R/.exec(text.slice(i, i + 32));
    return ref ? { kind: 'ref', objNum: Number(ref[1]) } : undefined;
  }
}

function filtersOf(dict: string): string[] {
  const m = /\/Filter\s*(\[[^\]]{0,512}\]|\/[^\s/[\]<>()]+)/.exec(dict);
  if (!m) return [];
  return [...m[1].matchAll(/\/([^\s/[\]<>()]+)/g)].map((f) => normalizeName(f[1]));
}

/** Locate objects and their streams. Linear: keyword positions are walked with cursors. */
function locateObjects(text: string, limits: PdfLimits, facts: PdfFacts): StreamInfo[] {
  const headers: { objNum: number; start: number; bodyStart: number }[] = [];
  const headerRe = /(\d{1,10})[ \t\r\n\f\0]{1,32}(\d{1,5})[ \t\r\n\f\0]{1,32}obj\b/g;
  for (const m of text.matchAll(headerRe)) {
    if (headers.length >= limits.maxObjects) {
      facts.anomalies.push(`more than ${limits.maxObjects} objects: the rest not examined`);
      break;
    }
    headers.push({ objNum: Number(m[1]), start: m.index ?? 0, bodyStart: (m.index ?? 0) + m[0].length });
  }
  facts.objects = headers.length;
  const endobjs = positions(text, 'endobj', limits.maxObjects * 2);
  facts.endobjs = endobjs.length;
  const streamKw = positions(text, 'stream', limits.maxObjects * 2, 'end');
  const endstreams = positions(text, 'endstream', limits.maxObjects * 2);
  const streams: StreamInfo[] = [];
  let e = 0;
  let s = 0;
  let es = 0;
  let unterminated = 0;
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i];
    const next = i + 1 < headers.length ? headers[i + 1].start : text.length;
    while (e < endobjs.length && endobjs[e] < h.bodyStart) e++;
    const hasEnd = e < endobjs.length && endobjs[e] < next;
    const bodyEnd = hasEnd ? endobjs[e] : next;
    if (!hasEnd) unterminated++;
    while (s < streamKw.length && streamKw[s] < h.bodyStart) s++;
    if (s >= streamKw.length || streamKw[s] >= bodyEnd) continue;
    const kw = streamKw[s];
    let dataStart = kw + 'stream'.length;
    if (text[dataStart] === '\r') dataStart++;
    if (text[dataStart] === '\n') dataStart++;
    const dict = text.slice(h.bodyStart, kw);
    let dataEnd = -1;
    const declared = /\/Length\s+(\d{1,12})(?!\d)(?!\s+\d+\s+R)/.exec(dict);
    if (declared) {
      const len = Number(declared[1]);
      if (len > text.length)
        facts.anomalies.push(`object ${h.objNum}: declared /Length ${len} is larger than the file (${text.length} bytes)`);
      else if (dataStart + len <= bodyEnd && /^[\r\n\s]*endstream/.test(text.slice(dataStart + len, dataStart + len + 16)))
        dataEnd = dataStart + len;
    }
    if (dataEnd < 0) {
      while (es < endstreams.length && endstreams[es] < dataStart) es++;
      if (es < endstreams.length && endstreams[es] <= bodyEnd) {
        dataEnd = endstreams[es];
        if (text[dataEnd - 1] === '\n') dataEnd--;
        if (text[dataEnd - 1] === '\r') dataEnd--;
      } else {
        dataEnd = bodyEnd;
        facts.anomalies.push(`object ${h.objNum}: stream without endstream`);
      }
    }
    streams.push({ objNum: h.objNum, dict, dataStart, dataEnd: Math.max(dataStart, dataEnd) });
    s++;
  }
  if (unterminated) facts.anomalies.push(`${unterminated} object(s) without endobj`);
  facts.streams = streams.length;
  return streams;
}

function judge(facts: PdfFacts): Finding {
  const n = (k: string): number => facts.names[k] ?? 0;
  const js = n('JavaScript') + n('JS') > 0 || facts.javascript.length > 0;
  const auto = n('OpenAction') + n('AA') > 0;
  const launch = n('Launch') > 0;
  const embedded = n('EmbeddedFile') + n('EmbeddedFiles') > 0;
  const reasons: { score: number; what: string }[] = [];
  const attack: string[] = [];
  const evidence: string[] = [];

  if (launch) {
    reasons.push({ score: auto ? 85 : 70, what: `Launch action${auto ? ' with an automatic trigger' : ''} (runs a program)` });
    attack.push('T1204.002');
    const targets = facts.launch.join(' ');
    if (/cmd(\.exe)?\b/i.test(targets)) attack.push('T1059.003');
    if (/powershell/i.test(targets)) attack.push('T1059.001');
  }
  if (js && auto) reasons.push({ score: 80, what: 'JavaScript run automatically on open (/OpenAction or /AA)' });
  else if (js) reasons.push({ score: 55, what: 'JavaScript' });
  if (js) attack.push('T1059.007', ...(auto ? ['T1204.002'] : []));
  if (js && facts.jsIndicators.length) reasons.push({ score: auto ? 85 : 65, what: `JavaScript uses ${facts.jsIndicators.join(', ')}` });
  if (embedded) {
    reasons.push({ score: js || auto ? 65 : 35, what: 'embedded file' });
    if (js || auto) attack.push('T1204.002');
  }
  if (facts.obfuscatedNames.length) {
    reasons.push({ score: 50, what: 'hex-escaped names hide keywords' });
    attack.push('T1027');
  }
  if (n('RichMedia')) reasons.push({ score: 40, what: 'RichMedia (embedded Flash/media)' });
  if (n('XFA')) reasons.push({ score: 30, what: 'XFA form' });
  if (n('GoToE') + n('GoToR') + n('SubmitForm') + n('ImportData') > 0)
    reasons.push({ score: 30, what: 'actions that open other files or send form data' });

  const tracked = Object.entries(facts.names)
    .filter(([, c]) => c > 0)
    .map(([k, c]) => `/${k}:${c}`);
  evidence.push(
    `PDF ${facts.version ?? '(no header)'}: ${facts.objects} objects, ${facts.streams} streams (${facts.decodedStreams} decoded, ${facts.objectStreams} object streams), ${facts.eofMarkers} %%EOF`,
  );
  if (tracked.length) evidence.push(`names: ${tracked.join(' ')}`);
  if (facts.obfuscatedNames.length) evidence.push(`obfuscated names: ${facts.obfuscatedNames.slice(0, 10).join(' ')}`);
  for (const s of facts.javascript.slice(0, 3)) evidence.push(`JavaScript: ${s.slice(0, 300)}`);
  for (const l of facts.launch.slice(0, 3)) evidence.push(`Launch: ${l}`);
  if (facts.uris.length) evidence.push(`URIs: ${facts.uris.slice(0, 10).join(' ')}`);
  if (facts.embeddedFiles.length) evidence.push(`embedded files: ${facts.embeddedFiles.slice(0, 10).join(', ')}`);
  if (facts.encrypted) evidence.push('encrypted: strings and streams are ciphered, so scripts inside them are not visible');
  evidence.push(...facts.anomalies.slice(0, 5).map((a) => `anomaly: ${a}`));

  const score = Math.max(0, ...reasons.map((r) => r.score));
  const verdict = score >= 80 ? 'malicious' : score >= 30 ? 'suspicious' : 'benign';
  const summary = reasons.length
    ? reasons
        .sort((a, b) => b.score - a.score)
        .map((r) => r.what)
        .join('; ')
    : `no active content${facts.uris.length ? `; ${facts.uris.length} link(s) to check` : ''}`;
  const confidence = facts.encrypted || facts.anomalies.length ? 0.5 : facts.uris.length && !reasons.length ? 0.5 : 0.7;
  return { analyzer: PDF_ANALYZER, verdict, score, confidence, summary, evidence, attack: uniqueSorted(attack) };
}

/** Scan a PDF. Never throws; a file with neither a header nor objects is reported as an error. */
export function analyzePdf(input: Uint8Array, limits: Partial<PdfLimits> = {}): Analysis<PdfFacts> {
  const lim = { ...DEFAULT_PDF_LIMITS, ...limits };
  const all = asBytes(input);
  const bytes = all.subarray(0, lim.maxInputBytes);
  const text = latin1(bytes);
  const facts: PdfFacts = {
    objects: 0,
    endobjs: 0,
    streams: 0,
    decodedStreams: 0,
    objectStreams: 0,
    eofMarkers: 0,
    encrypted: false,
    names: {},
    obfuscatedNames: [],
    javascript: [],
    jsIndicators: [],
    uris: [],
    launch: [],
    embeddedFiles: [],
    anomalies: [],
    undecoded: [],
    stringCharsRead: 0,
  };
  if (all.length > bytes.length) facts.anomalies.push(`only the first ${lim.maxInputBytes} bytes were scanned`);
  const header = text.indexOf('%PDF-');
  if (header >= 0 && header < 1024) {
    facts.headerOffset = header;
    facts.version = /^\d\.\d/.exec(text.slice(header + 5, header + 8))?.[0];
    if (header > 0) facts.anomalies.push(`header at offset ${header}, after junk`);
  } else facts.anomalies.push('no %PDF header in the first 1024 bytes');
  facts.eofMarkers = positions(text, '%%EOF', 10_000).length;

  const streams = locateObjects(text, lim, facts);
  if (facts.version === undefined && facts.objects === 0) {
    return { finding: failedFinding(PDF_ANALYZER, 'not a PDF: no header and no objects'), facts };
  }
  if (facts.objects === 0) facts.anomalies.push('no objects');
  if (facts.eofMarkers === 0) facts.anomalies.push('no %%EOF marker (truncated?)');
  const jsRefs = new Set<number>();
  const collector = new Collector(facts, lim, jsRefs);

  // Structure: everything outside stream data.
  let cursor = 0;
  for (const st of streams) {
    collector.scan(text.slice(cursor, st.dataStart));
    cursor = Math.max(cursor, st.dataEnd);
  }
  collector.scan(text.slice(cursor));
  facts.encrypted = (facts.names.Encrypt ?? 0) > 0;

  // Stream contents, decoded within budget (encrypted streams cannot be decoded without the key).
  const decoded = new Map<number, string>();
  let budget = lim.maxTotalDecoded;
  for (const st of streams.slice(0, lim.maxStreams)) {
    const filters = filtersOf(st.dict);
    const isObjStm = /\/Type\s*\/ObjStm\b/.test(
      st.dict.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
    );
    if (isObjStm) facts.objectStreams++;
    if (facts.encrypted && filters.length) continue;
    if (budget <= 0) {
      facts.undecoded.push('decoding budget spent; later streams not decoded');
      break;
    }
    const raw = bytes.subarray(st.dataStart, st.dataEnd);
    const out = applyFilters(raw, filters, Math.min(lim.maxStreamOutput, budget));
    if (out.error && facts.undecoded.length < lim.maxItems) facts.undecoded.push(`object ${st.objNum}: ${out.error}`);
    if (!out.data) continue;
    budget -= out.data.length;
    facts.decodedStreams += filters.length ? 1 : 0;
    const content = latin1(out.data);
    collector.scan(content);
    decoded.set(st.objNum, content);
  }
  if (facts.encrypted) facts.undecoded.push('encrypted document: filtered streams not decoded');

  // Scripts held in streams referenced by /JS n 0 R.
  for (const ref of jsRefs) {
    const body = decoded.get(ref);
    if (body !== undefined && facts.javascript.length < lim.maxItems) facts.javascript.push(body.slice(0, lim.maxStringChars));
  }
  const scripts = facts.javascript.join('\n');
  facts.jsIndicators = JS_INDICATORS.filter((i) => i.re.test(scripts)).map((i) => i.id);
  return { finding: judge(facts), facts };
}
