// CSV and plain-list feeds → indicators. Three shapes:
//  - urlhaus: abuse.ch URLhaus dumps (comment banner, then "# id,dateadded,url,url_status,...").
//  - columns: any CSV with a column mapping (names from a header row, or 0-based indexes).
//  - list: one indicator per line, type detected, "#" comments, defanged values accepted.
// 'auto' picks one from the text. Quoting follows RFC 4180.
import type { FeedVerdict, IocType } from './ioc';
import { checkFeedSize, DEFAULT_FEED_LIMITS, FeedCollector, FeedFormatError, type FeedLimits, type ParsedFeed } from './feed';
import { detectIndicatorType, refang } from './indicator';

export type Column = string | number;
export interface CsvColumns {
  value: Column;
  type?: Column;
  verdict?: Column;
  description?: Column;
  tags?: Column;
  expires?: Column;
  id?: Column;
}

export interface CsvOptions {
  preset?: 'auto' | 'urlhaus' | 'columns' | 'list';
  columns?: CsvColumns;
  delimiter?: string;
  /** Whether the first non-comment row names the columns (default: when the mapping uses names). */
  header?: boolean;
  /** Every row's type; otherwise a type column, otherwise detected from the value. */
  type?: IocType;
  /** Verdict of rows without a verdict column (default malicious: it is a threat feed). */
  verdict?: FeedVerdict;
  limits?: FeedLimits;
}

const MAX_FIELDS = 512;

type CsvRecord = { comment: string } | { fields: string[]; line: number };

/** Records of an RFC 4180 text; lines starting with # outside quotes are comments. */
export function* csvRecords(text: string, delimiter = ','): Generator<CsvRecord> {
  let i = 0;
  let line = 1;
  while (i < text.length) {
    if (text[i] === '\r' || text[i] === '\n') {
      if (text[i] === '\n') line++;
      i++;
      continue;
    }
    if (text[i] === '#') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      yield { comment: text.slice(i + 1, stop).replace(/\r$/, '') };
      i = stop;
      continue;
    }
    const fields: string[] = [];
    const startLine = line;
    let field = '';
    for (;;) {
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= text.length) throw new FeedFormatError(`unterminated quoted field starting on line ${startLine}`);
          if (text[i] === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (text[i] === '\n') line++;
          field += text[i++];
        }
      }
      while (i < text.length && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') field += text[i++];
      if (fields.length < MAX_FIELDS) fields.push(field);
      field = '';
      if (text[i] === delimiter) {
        i++;
        continue;
      }
      break;
    }
    if (fields.some((f) => f.trim() !== '')) yield { fields, line: startLine };
  }
}

const TYPE_WORDS: Record<string, IocType> = {
  ip: 'ip',
  ipv4: 'ip',
  ipv6: 'ip',
  'ip-dst': 'ip',
  'ip-src': 'ip',
  'ipv4-addr': 'ip',
  'ipv6-addr': 'ip',
  ip_address: 'ip',
  ipaddress: 'ip',
  domain: 'domain',
  hostname: 'domain',
  fqdn: 'domain',
  host: 'domain',
  'domain-name': 'domain',
  url: 'url',
  link: 'url',
  hash: 'hash',
  md5: 'hash',
  sha1: 'hash',
  sha256: 'hash',
  sha512: 'hash',
  filehash: 'hash',
  md5_hash: 'hash',
  sha1_hash: 'hash',
  sha256_hash: 'hash',
  email: 'email',
  'email-src': 'email',
  'email-addr': 'email',
  email_address: 'email',
};
const VALUE_NAMES = ['indicator', 'ioc', 'value', 'observable', ...Object.keys(TYPE_WORDS)];
const DESCRIPTION_NAMES = ['description', 'comment', 'threat', 'malware', 'malware_printable', 'signature', 'name'];
const TAG_NAMES = ['tags', 'tag', 'labels'];
const VERDICTS = new Set<FeedVerdict>(['malicious', 'suspicious', 'benign']);

const URLHAUS_HEADER = ['id', 'dateadded', 'url', 'url_status', 'last_online', 'threat', 'tags', 'urlhaus_link', 'reporter'];

interface Mapping {
  columns: CsvColumns;
  header: boolean;
  type?: IocType;
  /** URLhaus: the url_status column, added to the description. */ statusColumn?: number;
}

function findColumn(names: string[], candidates: string[]): number | undefined {
  for (const c of candidates) {
    const idx = names.indexOf(c);
    if (idx >= 0) return idx;
  }
  return undefined;
}

function splitHeader(line: string, delimiter: string): string[] {
  return line.split(delimiter).map((s) => s.trim().replace(/^"|"$/g, '').toLowerCase());
}

/** Column indexes for a mapping given by name (from a header row) or by index. */
function resolve(columns: CsvColumns, header: string[] | undefined): Record<keyof CsvColumns, number | undefined> {
  const index = (c: Column | undefined, what: string): number | undefined => {
    if (c === undefined) return undefined;
    if (typeof c === 'number') return c;
    if (/^\d+$/.test(c)) return Number(c);
    if (!header) throw new FeedFormatError(`column "${c}" is named but the feed has no header row`);
    const idx = header.indexOf(c.toLowerCase());
    if (idx < 0) throw new FeedFormatError(`no ${what} column "${c}" in header ${header.join(',')}`);
    return idx;
  };
  return {
    value: index(columns.value, 'value'),
    type: index(columns.type, 'type'),
    verdict: index(columns.verdict, 'verdict'),
    description: index(columns.description, 'description'),
    tags: index(columns.tags, 'tags'),
    expires: index(columns.expires, 'expires'),
    id: index(columns.id, 'id'),
  };
}

/** Mostly one field per row: a plain list (a few URLs may hold the delimiter). */
function looksLikeList(text: string, delimiter: string): boolean {
  let rows = 0;
  let multi = 0;
  try {
    for (const rec of csvRecords(text.slice(0, 64 * 1024).replace(/\n[^\n]*$/, ''), delimiter)) {
      if (!('fields' in rec)) continue;
      rows++;
      if (rec.fields.length > 1) multi++;
    }
  } catch {
    return false; // an unbalanced quote: CSV, not a list
  }
  return multi <= rows * 0.1;
}

/** Guess the shape of a feed from its first rows. */
function autoMapping(text: string, opts: CsvOptions, delimiter: string): Mapping | 'list' {
  let lastComment: string | undefined;
  let firstRow: string[] | undefined;
  let urlhausBanner = false;
  for (const rec of headRecords(text, delimiter)) {
    if ('comment' in rec) {
      if (/urlhaus/i.test(rec.comment)) urlhausBanner = true;
      if (rec.comment.trim()) lastComment = rec.comment;
      continue;
    }
    firstRow = rec.fields.map((f) => f.trim().toLowerCase());
    break;
  }
  const commentHeader = lastComment ? splitHeader(lastComment, delimiter) : [];
  if (urlhausBanner || (commentHeader.includes('url') && commentHeader.includes('url_status'))) return urlhausMapping(commentHeader);
  if (opts.columns)
    return {
      columns: opts.columns,
      header: opts.header ?? Object.values(opts.columns).some((c) => typeof c === 'string' && !/^\d+$/.test(c)),
      type: opts.type,
    };
  if (looksLikeList(text, delimiter)) return 'list';
  const names = firstRow ?? [];
  const value = findColumn(names, VALUE_NAMES);
  if (value !== undefined) {
    const valueName = names[value];
    return {
      header: true,
      type: opts.type ?? TYPE_WORDS[valueName],
      columns: {
        value,
        type: findColumn(names, ['type', 'indicator_type', 'ioc_type']),
        verdict: findColumn(names, ['verdict']),
        description: findColumn(
          names,
          DESCRIPTION_NAMES.filter((n) => n !== valueName),
        ),
        tags: findColumn(names, TAG_NAMES),
        expires: findColumn(names, ['expires', 'expires_at', 'valid_until']),
      },
    };
  }
  return { header: false, columns: { value: 0 }, type: opts.type };
}

function urlhausMapping(commentHeader: string[]): Mapping {
  const names = commentHeader.includes('url') ? commentHeader : URLHAUS_HEADER;
  const at = (n: string) => {
    const i = names.indexOf(n);
    return i >= 0 ? i : undefined;
  };
  return {
    header: false,
    type: 'url',
    statusColumn: at('url_status'),
    columns: { value: at('url') ?? 2, description: at('threat'), tags: at('tags'), id: at('urlhaus_link') ?? at('id') },
  };
}

function parseList(text: string, out: FeedCollector, opts: CsvOptions): void {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';') || line.startsWith('//')) continue;
    const m = /^(\S+)(?:\s*[#;]\s*(.*)|\s+(.*))?$/.exec(line);
    const value = refang(m?.[1] ?? line);
    const note = (m?.[2] ?? m?.[3])?.trim();
    const type = opts.type ?? detectIndicatorType(value);
    if (!type) {
      out.skip('not a recognizable IP, domain, URL, hash or email', value);
      continue;
    }
    out.add(type, value, { verdict: opts.verdict ?? 'malicious', description: note || undefined });
  }
}

function parseColumns(text: string, out: FeedCollector, mapping: Mapping, opts: CsvOptions, delimiter: string): void {
  let cols: ReturnType<typeof resolve> | undefined;
  if (!mapping.header) cols = resolve(mapping.columns, undefined);
  for (const rec of csvRecords(text, delimiter)) {
    if ('comment' in rec) continue;
    if (!cols) {
      cols = resolve(
        mapping.columns,
        rec.fields.map((f) => f.trim().toLowerCase()),
      );
      continue;
    }
    const cell = (i: number | undefined) => (i === undefined ? undefined : rec.fields[i]?.trim() || undefined);
    const raw = cell(cols.value);
    if (!raw) {
      out.skip(`line ${rec.line}: no value in the indicator column`);
      continue;
    }
    const value = refang(raw);
    const typeCell = cell(cols.type)?.toLowerCase();
    const type = mapping.type ?? (typeCell !== undefined ? TYPE_WORDS[typeCell] : detectIndicatorType(value));
    if (!type) {
      out.skip(
        typeCell !== undefined ? `unsupported indicator type ${typeCell}` : 'not a recognizable IP, domain, URL, hash or email',
        value,
      );
      continue;
    }
    const verdictCell = cell(cols.verdict)?.toLowerCase();
    if (verdictCell !== undefined && !VERDICTS.has(verdictCell as FeedVerdict)) {
      out.skip(`unknown verdict ${verdictCell.slice(0, 40)}`, value);
      continue;
    }
    const expires = cell(cols.expires) ? new Date(cell(cols.expires)!) : undefined;
    let description = cell(cols.description);
    const status = cell(mapping.statusColumn);
    if (description && status) description = `${description} (${status})`;
    out.add(type, value, {
      verdict: (verdictCell as FeedVerdict | undefined) ?? opts.verdict ?? 'malicious',
      description,
      tags: cell(cols.tags)?.split(',') ?? [],
      expiresAt: expires && !Number.isNaN(expires.getTime()) ? expires : undefined,
      externalId: cell(cols.id),
    });
  }
}

export function parseCsvFeed(text: string, opts: CsvOptions = {}): ParsedFeed {
  const limits = opts.limits ?? DEFAULT_FEED_LIMITS;
  checkFeedSize(text, limits);
  const delimiter = opts.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n')
    throw new FeedFormatError('delimiter must be one character other than a quote or newline');
  const out = new FeedCollector(limits);
  const preset = opts.preset ?? 'auto';
  const mapping: Mapping | 'list' =
    preset === 'list'
      ? 'list'
      : preset === 'urlhaus'
        ? urlhausMapping(lastCommentHeader(text, delimiter))
        : preset === 'columns'
          ? columnsMapping(opts)
          : autoMapping(text, opts, delimiter);
  if (mapping === 'list') parseList(text, out, opts);
  else parseColumns(text, out, mapping, opts, delimiter);
  return out.result();
}

function columnsMapping(opts: CsvOptions): Mapping {
  if (!opts.columns) throw new FeedFormatError('preset "columns" needs a column mapping (at least the value column)');
  return {
    columns: opts.columns,
    header: opts.header ?? Object.values(opts.columns).some((c) => typeof c === 'string' && !/^\d+$/.test(c)),
    type: opts.type,
  };
}

function lastCommentHeader(text: string, delimiter: string): string[] {
  let last: string[] = [];
  for (const rec of headRecords(text, delimiter)) {
    if ('fields' in rec) break;
    if (rec.comment.includes(delimiter)) last = splitHeader(rec.comment, delimiter);
  }
  return last;
}

/** The records at the head of a feed, for guessing its shape; a record cut by the sample ends it. */
function* headRecords(text: string, delimiter: string): Generator<CsvRecord> {
  try {
    yield* csvRecords(text.slice(0, 64 * 1024), delimiter);
  } catch {
    // the sample ended inside a quoted field
  }
}
