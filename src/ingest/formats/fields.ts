// Reading fields out of untrusted JSON, shared by the ECS, Wazuh and OCSF mappers.
// Elastic writes one field nested ({"kibana":{"alert":{"uuid":…}}}), flattened
// ("kibana.alert.uuid") or mixed ("kibana.alert.rule": {"name": …}), so a lookup tries every
// way of splitting the dotted path into keys. Arrays met on the way are flattened, because
// ECS and OCSF keep lists of objects (threat[].technique[].id, evidences[].process …).
import { Email, FileObservable, Host, NetworkConnection, Process, User, type AlertInput } from '../../domain/alert';

export type Doc = Record<string, unknown>;

export const isObject = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every non-null value at a dotted path (flat, nested or mixed keys; arrays flattened). */
export function values(doc: unknown, path: string): unknown[] {
  const out: unknown[] = [];
  const walk = (node: unknown, parts: string[]): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, parts));
    if (parts.length === 0) {
      if (node !== undefined && node !== null) out.push(node);
      return;
    }
    if (!isObject(node)) return;
    for (let i = parts.length; i >= 1; i--) {
      const key = parts.slice(0, i).join('.');
      if (Object.hasOwn(node, key)) walk(node[key], parts.slice(i));
    }
  };
  walk(doc, path.split('.'));
  return out;
}

export const first = (doc: unknown, path: string): unknown => values(doc, path)[0];

/** A value as trimmed non-empty text (numbers become text: ids are often numeric). */
function asText(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return undefined;
  return v.trim() || undefined;
}

/** The first text value at any of the paths, in order. */
export function str(doc: unknown, ...paths: string[]): string | undefined {
  for (const p of paths) {
    for (const v of values(doc, p)) {
      const t = asText(v);
      if (t !== undefined) return t;
    }
  }
  return undefined;
}

/** All distinct text values at the paths. */
export function strs(doc: unknown, ...paths: string[]): string[] {
  return [...new Set(paths.flatMap((p) => values(doc, p).map(asText)).filter((t): t is string => t !== undefined))];
}

/** The first value at the path as a number; numeric strings count ("34890", "0x1a2b"). */
export function num(doc: unknown, path: string): number | undefined {
  for (const v of values(doc, path)) {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (Number.isFinite(n)) return n;
  }
  return undefined;
}

/** An integer in [min, max], else undefined (a bad port or pid is dropped, not the alert). */
export const int = (n: number | undefined, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined =>
  n !== undefined && Number.isInteger(n) && n >= min && n <= max ? n : undefined;

export const port = (n: number | undefined) => int(n, 0, 65535);

/** Trimmed text cut to the schema's maximum length; undefined when empty. */
export function clip(v: string | undefined, max: number): string | undefined {
  const t = v?.trim();
  return t ? t.slice(0, max).trim() : undefined;
}

// GeoIP enrichments name countries (Wazuh GeoLocation.country_name, ECS source.geo.country_name):
// CLDR's English region names (Node's ICU) give the code; MaxMind's names that differ are aliased.
const COUNTRY_ALIASES: Record<string, string> = {
  'hong kong': 'HK',
  macao: 'MO',
  macau: 'MO',
  'russian federation': 'RU',
  'republic of korea': 'KR',
  'korea, republic of': 'KR',
  "democratic people's republic of korea": 'KP',
  'czech republic': 'CZ',
  'the netherlands': 'NL',
  'ivory coast': 'CI',
  myanmar: 'MM',
  palestine: 'PS',
  'iran, islamic republic of': 'IR',
  'republic of moldova': 'MD',
  'republic of lithuania': 'LT',
  congo: 'CG',
  'dr congo': 'CD',
  'democratic republic of the congo': 'CD',
  'united states of america': 'US',
  usa: 'US',
  uk: 'GB',
  'great britain': 'GB',
  turkey: 'TR',
  'viet nam': 'VN',
  'taiwan, province of china': 'TW',
  'syrian arab republic': 'SY',
};
let countryByName: Map<string, string> | undefined;
function countryNames(): Map<string, string> {
  if (countryByName) return countryByName;
  const names = new Intl.DisplayNames(['en'], { type: 'region' });
  const out = new Map(Object.entries(COUNTRY_ALIASES));
  const A = 65;
  for (let i = 0; i < 26; i++) {
    for (let j = 0; j < 26; j++) {
      const code = String.fromCharCode(A + i, A + j);
      const name = names.of(code);
      if (name && name !== code && name !== 'Unknown Region' && !out.has(name.toLowerCase())) out.set(name.toLowerCase(), code);
    }
  }
  return (countryByName = out);
}

/** An ISO 3166-1 alpha-2 country code, upper-cased, from a code or an English country name; anything else ("--", cities) is dropped. */
export function countryCode(v: string | undefined): string | undefined {
  const t = v?.trim();
  if (!t || t.length > 64) return undefined;
  if (/^[A-Za-z]{2}$/.test(t)) return t.toUpperCase();
  return countryNames().get(t.toLowerCase().replace(/\s+/g, ' '));
}

/** Last segment of a Windows or POSIX path. */

export const basename = (path: string | undefined): string | undefined => path?.split(/[\\/]/).pop() || undefined;

/**
 * An ISO 8601 time with an offset, or undefined. Numbers are epoch milliseconds, or
 * seconds when too small to be milliseconds (Okta and Prowler write OCSF `time` in seconds).
 * A string without a zone is ambiguous (Prowler's time_dt is local time) and is refused.
 */
export function isoTime(v: unknown): string | undefined {
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) v = Number(v);
  if (typeof v === 'number' && Number.isFinite(v)) {
    const d = new Date(v < 1e11 ? v * 1000 : v);
    return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
  }
  if (typeof v !== 'string') return undefined;
  const s = v.trim().replace(/([+-]\d{2})(\d{2})$/, '$1:$2'); // Wazuh: -0800 → -08:00
  if (!/(Z|[+-]\d{2}:\d{2})$/i.test(s) || Number.isNaN(Date.parse(s))) return undefined;
  // Keep the source's own offset when the text is already strict ISO 8601.
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s) ? s : new Date(s).toISOString();
}

export type Hashes = { md5?: string; sha1?: string; sha256?: string };
const HASH_BY_LENGTH: Record<number, keyof Hashes> = { 32: 'md5', 40: 'sha1', 64: 'sha256' };

/** Only well-formed hashes survive (test fixtures carry values like "fake md5"). */
export function hashes(...candidates: (string | undefined)[]): Hashes | undefined {
  const out: Hashes = {};
  for (const c of candidates) {
    const h = c?.trim();
    const kind = h && /^[a-fA-F0-9]+$/.test(h) ? HASH_BY_LENGTH[h.length] : undefined;
    if (kind && !out[kind]) out[kind] = h;
  }
  return Object.keys(out).length ? out : undefined;
}

/** Valid ATT&CK technique / sub-technique ids, distinct, in order. */
export const attackIds = (ids: string[]): string[] =>
  [...new Set(ids.map((i) => i.trim().toUpperCase()).filter((i) => /^T\d{4}(\.\d{3})?$/.test(i)))].slice(0, 50);

/** The object without undefined members, or undefined when nothing is left. */
export function compact<T extends object>(o: T): T | undefined {
  const entries = Object.entries(o).filter(([, v]) => v !== undefined);
  return entries.length ? (Object.fromEntries(entries) as T) : undefined;
}

/** Unwrap an Elasticsearch / OpenSearch search hit ({_id, _index, _source}). */
export function unwrapHit(doc: unknown): { source: unknown; id?: string } {
  if (isObject(doc) && isObject(doc._source)) return { source: doc._source, id: asText(doc._id) };
  return { source: doc };
}

type O = NonNullable<AlertInput['observables']>;
/** Observables with every list present, so mappers can push into them. */
export type Observables = { [K in keyof O]-?: NonNullable<O[K]> };

export const emptyObservables = (): Observables => ({
  hosts: [],
  users: [],
  processes: [],
  files: [],
  network: [],
  domains: [],
  urls: [],
  ips: [],
  emails: [],
});

/**
 * Drop duplicates, and whatever the schema would refuse (an over-long field, too many
 * entries), so one odd value costs an observable, never the alert.
 */
export function finishObservables(o: Observables): Observables {
  const valid = <T>(xs: T[], schema: { safeParse(x: unknown): { success: boolean } }, max: number): T[] =>
    [...new Map(xs.filter((x) => schema.safeParse(x).success).map((x) => [JSON.stringify(x), x])).values()].slice(0, max);
  const texts = (xs: string[], maxLength: number, max: number) => [...new Set(xs.filter((x) => x.length <= maxLength))].slice(0, max);
  const placed = new Set([...o.hosts.map((h) => h.ip), ...o.network.flatMap((n) => [n.srcIp, n.dstIp])]);
  return {
    hosts: valid(o.hosts, Host, 100),
    users: valid(o.users, User, 100),
    processes: valid(
      o.processes.map((p) => ({ ...p, parents: p.parents?.slice(0, 32) })),
      Process,
      100,
    ),
    files: valid(o.files, FileObservable, 100),
    network: valid(o.network, NetworkConnection, 100),
    domains: texts(o.domains, 253, 200),
    urls: texts(o.urls, 8192, 200),
    // `ips` is for addresses that belong to no host or connection listed above.
    ips: texts(
      o.ips.filter((ip) => !placed.has(ip)),
      64,
      200,
    ),
    emails: valid(
      o.emails.map((e) => ({ ...e, to: e.to?.slice(0, 100) })),
      Email,
      20,
    ),
  };
}
