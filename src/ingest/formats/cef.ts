// CEF (ArcSight Common Event Format): parse one event and map it onto the Alert model.
//   [syslog header] CEF:Version|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity|Extension
// Escaping and the key dictionary follow the CEF Implementation Standard (Micro Focus ArcSight, v25).
// Pure: the only clock is ctx.receivedAt.
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { AlertInput, Severity } from '../../domain/alert';
import { parseSyslogLine, type SyslogLine } from './syslog';
import { confidenceOf, findingTypeOf, outcomeOf, semantics, verdictOf } from './semantics';
import { keepOriginal, NormalizeError, sourceSlug, type MapContext, type Normalized } from './types';

export interface CefEvent {
  version: string;
  deviceVendor: string;
  deviceProduct: string;
  deviceVersion: string;
  signatureId: string;
  name: string;
  /** As sent: "0".."10" or a word such as "Low", "Very-High", "Unknown". */
  severity: string;
  /** Extension key → unescaped value ('' for `key=` with no value). */
  extensions: Record<string, string>;
  /** Custom fields by their label: `cs1Label=Foo cs1=bar` gives `{ Foo: 'bar' }`. */
  labeled: Record<string, string>;
  /** The syslog header in front of the CEF text, when there is one. */
  syslog?: SyslogLine;
}

const HEADER_FIELDS = 'Version|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity';

// Microsoft Defender for Identity (Azure ATP) sends RFC 5424 with APP-NAME "CEF" and the message
// "<BOM>0|Microsoft|Azure ATP|..." — the "CEF:" marker is split across the syslog header.
const CEF_APP_NAME = /(?:^|\s)CEF [^\s|]+ [^\s|]+ \uFEFF?(?=[^\s|]*\|)/;

/** Where the CEF text starts: the header text before it and the body from the version on. */
function locate(text: string): { prefix: string; body: string } | undefined {
  const at = text.indexOf('CEF:');
  if (at >= 0) return { prefix: text.slice(0, at), body: text.slice(at + 4) };
  const m = CEF_APP_NAME.exec(text);
  if (m) return { prefix: text.slice(0, m.index + m[0].length), body: text.slice(m.index + m[0].length) };
  return undefined;
}

/** True when the text carries a CEF event (cheap; parseCef may still reject it). */
export function looksLikeCef(text: string): boolean {
  const found = locate(text);
  return found !== undefined && /^\d+\|/.test(found.body);
}

/** Parse a full syslog line or a bare `CEF:...` string; NormalizeError when it is not valid CEF. */
export function parseCef(text: string): CefEvent {
  const found = locate(text);
  if (!found) throw new NormalizeError('cef', 'no "CEF:" marker found');
  const { fields, extension } = splitHeader(found.body);
  if (fields.length < 7) {
    throw new NormalizeError('cef', `header has ${fields.length} of 7 fields (${HEADER_FIELDS})`);
  }
  const [version, deviceVendor, deviceProduct, deviceVersion, signatureId, name, severity] = fields.map((f) => f.trim());
  if (version !== '0' && version !== '1') {
    throw new NormalizeError(
      'cef',
      version ? `unsupported CEF version "${version.slice(0, 20)}" (expected 0 or 1)` : 'missing CEF version (expected 0 or 1)',
    );
  }
  const extensions = parseExtension(extension);
  const prefix = found.prefix.trim();
  return {
    version,
    deviceVendor,
    deviceProduct,
    deviceVersion,
    signatureId,
    name,
    severity,
    extensions,
    labeled: labelsOf(extensions),
    ...(prefix ? { syslog: parseSyslogLine(prefix) } : {}),
  };
}

/** The 7 header fields, split on unescaped `|` (`\|` → `|`, `\\` → `\`), and the extension after them. */
function splitHeader(body: string): { fields: string[]; extension: string } {
  const fields: string[] = [];
  let field = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\' && (body[i + 1] === '|' || body[i + 1] === '\\')) field += body[++i];
    else if (c !== '|') field += c;
    else {
      fields.push(field);
      field = '';
      if (fields.length === 7) return { fields, extension: body.slice(i + 1) };
    }
  }
  // Tolerated: a header that ends at the severity without the final "|".
  fields.push(field);
  return { fields, extension: '' };
}

// A key starts the line or follows whitespace and ends at an unescaped "=". Values run to the next
// key, so they may contain spaces; "\" is not a key character, so "\=" never ends a value.
const EXTENSION_KEY = /(?:^|\s)([A-Za-z0-9_.[\]-]+)=/g;

function parseExtension(text: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null); // keys come from the wire: no prototype
  const keys = [...text.matchAll(EXTENSION_KEY)];
  keys.forEach((m, i) => {
    const end = i + 1 < keys.length ? keys[i + 1].index : text.length;
    // Trimmed: senders pad values ("msg= text", trailing spaces at end of line).
    out[m[1]] = unescapeValue(text.slice(m.index + m[0].length, end).trim());
  });
  return out;
}

/**
 * Extension escapes: `\\` → `\`, `\=` → `=`, `\n`, `\r` and `\r\n` → newline. Any other backslash
 * is kept: senders often leave Windows paths unescaped (`DOMAIN\user`), and dropping it would garble them.
 */
function unescapeValue(v: string): string {
  return v.replace(/\\(\\|=|r\\n|n|r)/g, (_, c: string) => (c === '\\' || c === '=' ? c : '\n'));
}

/** `xLabel=Foo x=bar` → `{ Foo: 'bar' }` for every custom field (cs1-6, cn1-3, c6a1-4, flexString1-2, ...). */
function labelsOf(ext: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const key of Object.keys(ext)) {
    if (!key.endsWith('Label') || key === 'Label') continue;
    const base = key.slice(0, -'Label'.length);
    const label = ext[key]
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .trim(); // some senders quote labels
    if (label && Object.hasOwn(ext, base)) out[label] = ext[base];
  }
  return out;
}

/** CEF severity: 0-3 low, 4-6 medium, 7-8 high, 9-10 critical, or the words Low/Medium/High/Very-High. */
export function cefSeverity(raw: string): Severity {
  const s = raw.trim();
  if (/^\d{1,3}(\.\d+)?$/.test(s)) {
    const n = Number(s);
    return n >= 9 ? 'critical' : n >= 7 ? 'high' : n >= 4 ? 'medium' : 'low';
  }
  switch (s.toLowerCase().replace(/[^a-z]/g, '')) {
    case 'low':
      return 'low';
    case 'medium':
      return 'medium';
    case 'high':
      return 'high';
    case 'veryhigh':
    case 'critical':
      return 'critical';
    default:
      return 'informational'; // "Unknown" and anything unrecognised
  }
}

const MONTHS = new Map(['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].map((m, i) => [m, i]));
/** Zone abbreviations with one common meaning, in minutes east of UTC. Others are not guessed. */
const ZONES = new Map<string, number>([
  ['z', 0],
  ['ut', 0],
  ['utc', 0],
  ['gmt', 0],
  ['est', -300],
  ['edt', -240],
  ['cst', -360],
  ['cdt', -300],
  ['mst', -420],
  ['mdt', -360],
  ['pst', -480],
  ['pdt', -420],
  ['cet', 60],
  ['cest', 120],
]);
const ISO_DATE = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?) ?(Z|[+-]\d{2}:?\d{2})?$/i;
// "MMM dd [yyyy] HH:mm:ss[.SSS] [zzz]": the CEF date formats, and the RFC 3164 timestamp.
const CEF_DATE = /^([A-Za-z]{3}) +(\d{1,2})(?: +(\d{4}))? +(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?: +(\S+))?$/;
const DAY_MS = 86_400_000;

/**
 * A CEF or syslog time as ISO 8601 (UTC), or undefined if it cannot be read. Times without a zone
 * are taken as UTC; times without a year get the year of `receivedAt` (the previous one if that
 * would put them more than a day after receipt, i.e. December events read in January).
 */
export function parseCefTime(value: string, receivedAt: string): string | undefined {
  const v = value.trim();
  if (/^\d{1,15}$/.test(v)) {
    // Epoch milliseconds per the standard; some senders use seconds. 1e11 ms is 1973, 1e11 s is year 5138.
    const n = Number(v);
    return isoOf(n < 1e11 ? n * 1000 : n);
  }
  const iso = ISO_DATE.exec(v);
  if (iso) {
    const zone = !iso[3] ? 'Z' : iso[3].toUpperCase() === 'Z' ? 'Z' : `${iso[3].slice(0, 3)}:${iso[3].slice(-2)}`;
    return isoOf(Date.parse(`${iso[1]}T${iso[2]}${zone}`)); // explicit zone: Date.parse is then locale-free
  }
  const m = CEF_DATE.exec(v);
  if (!m) return undefined;
  const month = MONTHS.get(m[1].toLowerCase());
  if (month === undefined) return undefined;
  const offset = m[8] === undefined ? 0 : zoneOffset(m[8]);
  const [day, hour, minute, second] = [m[2], m[4], m[5], m[6]].map(Number);
  if (offset === undefined || day < 1 || hour > 23 || minute > 59 || second > 60) return undefined;
  const millis = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const at = (year: number) => {
    if (new Date(Date.UTC(year, month, day)).getUTCDate() !== day) return NaN; // Feb 30 and the like
    return Date.UTC(year, month, day, hour, minute, second, millis) - offset * 60_000;
  };
  if (m[3]) return isoOf(at(Number(m[3])));
  const received = Date.parse(receivedAt);
  if (Number.isNaN(received)) return undefined;
  const year = new Date(received).getUTCFullYear();
  const t = at(year);
  return isoOf(t > received + DAY_MS ? at(year - 1) : t);
}

function zoneOffset(zone: string): number | undefined {
  const named = ZONES.get(zone.toLowerCase());
  if (named !== undefined) return named;
  const m = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(zone);
  if (!m || Number(m[2]) > 14) return undefined;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

function isoOf(ms: number): string | undefined {
  // 0 is what senders put in an unset time field; years past 9999 are not ISO 8601 basic form.
  if (!Number.isFinite(ms) || ms <= 0 || ms >= Date.UTC(10000, 0, 1)) return undefined;
  return new Date(ms).toISOString();
}

/** An extension value, trimmed; undefined when absent or empty. */
const valueOf = (ext: Record<string, string>, key: string) => (Object.hasOwn(ext, key) ? ext[key].trim() || undefined : undefined);
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** Trimmed, non-empty and at most `max` long, else undefined: observables are dropped, never cut. */
const fit = (v: string | undefined, max: number) => {
  const t = v?.trim();
  return t && t.length <= max ? t : undefined;
};
/** Trimmed and cut to `max`: for display text (title, description). */
const cut = (v: string | undefined, max: number) => v?.trim().slice(0, max).trim() || undefined;
const int = (v: string | undefined, max = Number.MAX_SAFE_INTEGER) =>
  v && /^\d{1,15}$/.test(v) && Number(v) <= max ? Number(v) : undefined;
const ip = (v: string | undefined) => (v && isIP(v) ? v : undefined);
const basename = (path: string) => path.split(/[\\/]/).pop();
const present = <T>(xs: (T | undefined)[]): T[] => xs.filter((x): x is T => x !== undefined);
const unique = <T>(xs: T[], key: (x: T) => string = String): T[] => [...new Map(xs.map((x) => [key(x), x] as const)).values()];

const PROTOCOLS = new Map([
  ['1', 'icmp'],
  ['6', 'tcp'],
  ['17', 'udp'],
  ['58', 'ipv6-icmp'],
]);
const DIRECTIONS = new Map<string, 'inbound' | 'outbound'>([
  ['0', 'inbound'],
  ['1', 'outbound'],
]);
const ATTACK_ID = /^T\d{4}(\.\d{3})?$/;

function hashesOf(v: string | undefined) {
  if (!v || !/^[a-fA-F0-9]+$/.test(v)) return undefined;
  const kind = v.length === 32 ? 'md5' : v.length === 40 ? 'sha1' : v.length === 64 ? 'sha256' : undefined;
  return kind ? { [kind]: v } : undefined;
}

/** `DOMAIN\user` splits into name and domain; `user@domain` (a UPN) stays whole. */
function userOf(raw: string | undefined, domain: string | undefined) {
  const v = fit(raw, 513); // DOMAIN\name, each part at most 256
  if (!v) return undefined;
  const slash = v.indexOf('\\');
  const [d, name] = slash > 0 ? [v.slice(0, slash), v.slice(slash + 1)] : [domain, v];
  const user = { name: fit(name, 256), domain: fit(d, 256) };
  return user.name ? { name: user.name, ...(user.domain ? { domain: user.domain } : {}) } : undefined;
}

/**
 * Defender for Identity and ATA put the alert *type* in externalId (2003 = account enumeration,
 * for every such alert); the alert's own id ends its portal URL (label "url"). Keying on
 * externalId would merge all alerts of a type into one workflow. Everyone else: externalId or
 * eventId, else a hash of the whole line (a redelivered line dedups, distinct lines do not).
 */
function sourceIdOf(event: CefEvent, line: string): string {
  let id: string | undefined;
  if (event.deviceVendor === 'Microsoft' && /^(ATA|Azure ATP|.*Defender for Identity)$/i.test(event.deviceProduct)) {
    const url = Object.hasOwn(event.labeled, 'url') ? event.labeled.url : '';
    id = /\/(?:alerts|securityAlert|suspiciousActivity)\/([A-Za-z0-9-]{8,})\/?$/.exec(url)?.[1];
  } else {
    id = valueOf(event.extensions, 'externalId') ?? valueOf(event.extensions, 'eventId');
  }
  if (!id) return sha256(line);
  return id.length <= 256 ? id : sha256(id);
}

/** Values of custom fields (cs1..cs6, cn1..cn3) whose label matches. */
function labelledValues(ext: Record<string, string>, label: RegExp): string[] {
  const out: string[] = [];
  for (const key of ['cs1', 'cs2', 'cs3', 'cs4', 'cs5', 'cs6', 'cn1', 'cn2', 'cn3']) {
    const l = valueOf(ext, `${key}Label`);
    const v = valueOf(ext, key);
    if (l && v && label.test(l.trim())) out.push(v);
  }
  return out;
}
const labelledNumber = (ext: Record<string, string>, label: RegExp) => {
  const n = Number(labelledValues(ext, label)[0]);
  return labelledValues(ext, label).length && Number.isFinite(n) ? n : undefined;
};

/** The program of a command line: its first word, or its first quoted string. */
function programOf(commandLine: string): string {
  const t = commandLine.trim();
  if (t.startsWith('"')) return t.slice(1, t.indexOf('"', 1) > 0 ? t.indexOf('"', 1) : undefined);
  const end = t.search(/\s/);
  return end < 0 ? t : t.slice(0, end);
}

/**
 * EDRs put the process's command line (and its parent's) in labelled custom strings
 * (CrowdStrike cs5Label=CommandLine, Trend Micro cs2Label=Parent Process). The event's file is
 * the process image only when it names the command's own program (CrowdStrike's FileName/FilePath).
 */
function labelledProcess(ext: Record<string, string>, file: { path?: string; name?: string }) {
  const commandLine = fit(labelledValues(ext, /^(?:process )?(?:command ?line|cmd ?line)$/i)[0], 32_768);
  const parentLine = fit(labelledValues(ext, /^parent (?:process )?(?:command ?line|process)$/i)[0], 32_768);
  const image = fit(valueOf(ext, 'TrendMicroDsProcess'), 4096);
  if (!commandLine && !parentLine && !image) return undefined;
  const program = commandLine ? basename(programOf(commandLine))?.toLowerCase() : undefined;
  const path = image ?? (program && program === file.name?.toLowerCase() ? file.path : undefined);
  return {
    ...(path ? { path, name: fit(basename(path), 512) } : {}),
    ...(commandLine ? { commandLine } : {}),
    parents: parentLine ? [{ commandLine: parentLine }] : [],
  };
}

/** Map a parsed CEF event (and its original line) onto the Alert model. */
export function mapCef(event: CefEvent, line: string, ctx: MapContext): Normalized {
  const ext = event.extensions;
  const get = (key: string) => valueOf(ext, key);

  let time: string | undefined;
  for (const candidate of [get('rt'), get('end'), get('start'), event.syslog?.timestamp]) {
    time = candidate ? parseCefTime(candidate, ctx.receivedAt) : undefined;
    if (time) break;
  }

  const [src, dst, dvc] = [ip(get('src')), ip(get('dst')), ip(get('dvc'))];
  const host = (name: string | undefined, addr: string | undefined) => {
    const hostname = fit(name, 255);
    return hostname ? { hostname, ...(addr ? { ip: addr } : {}) } : undefined;
  };
  const proc = (name: string | undefined, pid: string | undefined) => {
    const p = { name: fit(name, 512), pid: int(pid) };
    return p.name || p.pid !== undefined ? p : undefined;
  };

  const filePath = fit(get('filePath'), 4096);
  const file = {
    path: filePath,
    name: fit(get('fname') ?? (filePath && basename(filePath)), 1024),
    hashes: hashesOf(get('fileHash')),
    size: int(get('fsize')),
  };

  const network = {
    srcIp: src,
    srcPort: int(get('spt'), 65535),
    dstIp: dst,
    dstPort: int(get('dpt'), 65535),
    protocol: fit(PROTOCOLS.get(get('proto') ?? '') ?? get('proto')?.toLowerCase(), 16),
    direction: DIRECTIONS.get(get('deviceDirection') ?? ''),
  };
  const hasFlow = network.srcIp || network.dstIp || network.srcPort !== undefined || network.dstPort !== undefined;

  // No Alert field holds the action or the client application; the description carries them.
  const act = get('act'),
    client = get('requestClientApplication');
  const description = cut(
    [get('msg'), act && `Action: ${act}`, client && `Client application: ${client}`].filter(Boolean).join('\n'),
    16_384,
  );

  const attackTechniques = unique(Object.values(ext).flatMap((v) => v.split(/[,;]/).map((s) => s.trim())))
    .filter((s) => ATTACK_ID.test(s))
    .slice(0, 50);

  const { raw, evidence } = keepOriginal(line, 'text/plain');
  const vendor = cut(event.deviceVendor, 256);
  const product = cut(event.deviceProduct, 256) ?? vendor;
  const rule = { id: cut(event.signatureId, 256), name: cut(event.name, 512) };
  const alert: AlertInput = {
    source: sourceSlug(event.deviceVendor, event.deviceProduct),
    sourceId: sourceIdOf(event, line),
    time: time ?? ctx.receivedAt,
    title: cut(event.name, 512) ?? cut(event.signatureId, 512) ?? 'CEF event',
    ...(description ? { description } : {}),
    severity: cefSeverity(event.severity),
    ...(product ? { product: { name: product, ...(vendor ? { vendor } : {}) } } : {}),
    ...(rule.id || rule.name ? { rule } : {}),
    attackTechniques,
    observables: {
      hosts: unique(present([host(get('shost'), src), host(get('dhost'), dst), host(get('dvchost'), dvc)]), (h) => `${h.hostname}|${h.ip}`),
      users: unique(
        present([
          userOf(get('suser'), get('sntdom') ?? get('sourceNtDomain')),
          userOf(get('duser'), get('dntdom') ?? get('destinationNtDomain')),
        ]),
        (u) => `${u.domain}\\${u.name}`,
      ),
      processes: present([proc(get('sproc'), get('spid')), proc(get('dproc'), get('dpid')), labelledProcess(ext, file)]),
      files: file.path || file.name || file.hashes || file.size !== undefined ? [file] : [],
      network: hasFlow ? [network] : [],
      domains: unique(present([fit(get('sourceDnsDomain'), 253), fit(get('destinationDnsDomain'), 253)])),
      urls: present([fit(get('request'), 8192)]),
      ips: unique(present([src, dst, dvc, ...['c6a1', 'c6a2', 'c6a3', 'c6a4'].map((k) => ip(get(k)))])),
    },
    // act is CEF's "action taken by the device"; cat the device's category (URL category for
    // web proxies); a labelled custom field may carry the threat name or the risk score.
    semantics: semantics({
      outcome: outcomeOf(act),
      sourceConfidence: confidenceOf(labelledNumber(ext, /^(risk ?score|confidence)$/i)),
      findingType: findingTypeOf({
        threatNames: [event.name, get('cs5Label') && /threat/i.test(get('cs5Label')!) ? get('cs5') : undefined],
        categories: [get('cat'), ...labelledValues(ext, /^url ?cat(egory)?$/i)],
      }),
      // PAN-OS file logs carry the WildFire verdict in a labelled custom field.
      sourceVerdict: verdictOf(labelledValues(ext, /^(?:wildfire |sandbox |file )?verdict$/i)[0]),
    }),
    ...(raw !== undefined ? { raw } : {}),
  };
  return { alert, evidence };
}
