// STIX 2.1 bundle → indicators (STIX 2.1, OASIS, https://docs.oasis-open.org/cti/stix/v2.1/).
// Indicator objects give one indicator per equality in their pattern, judged by
// indicator_types/labels and expiring at valid_until; bare cyber observables (ipv4-addr,
// domain-name, url, email-addr, file) count too, unless an indicator already judged the value.
import { isIP } from 'node:net';
import type { FeedVerdict, IocType } from './ioc';
import { DEFAULT_FEED_LIMITS, parseFeedJson, FeedCollector, FeedFormatError, type FeedLimits, type ParsedFeed, worseVerdict } from './feed';
import { normalizeIndicator } from './indicator';
import { parseStixPattern, type StixComparison } from './stix-pattern';

export interface StixOptions {
  /** Verdict of an observable no indicator judged: it sat in a threat feed, nothing more. */
  observableVerdict?: FeedVerdict;
  limits?: FeedLimits;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

// STIX 2.1 indicator-type-ov (section 10.11); STIX 2.0 used the same words as labels.
const INDICATOR_TYPE_VERDICT: Record<string, FeedVerdict> = {
  'malicious-activity': 'malicious',
  compromised: 'malicious',
  attribution: 'malicious',
  'anomalous-activity': 'suspicious',
  anonymization: 'suspicious',
  unknown: 'suspicious',
  benign: 'benign',
};

const HASH_KEYS = new Set(['MD5', 'SHA1', 'SHA256', 'SHA512']);
const hashKey = (k: string) => k.toUpperCase().replace(/-/g, '');
const keyOf = (type: IocType, value: string) => `${type}\u0000${value}`;

/** The indicator one comparison asserts, if it is an equality on a property we can match. */
function indicatorOf(c: StixComparison): { type: IocType; value: string }[] {
  if (c.negated || (c.operator !== '=' && c.operator !== 'IN')) return [];
  const values = c.values.filter((v): v is string => typeof v === 'string');
  const path = c.path.join('.');
  const typed = (type: IocType) => values.map((value) => ({ type, value }));
  switch (c.objectType) {
    case 'ipv4-addr':
    case 'ipv6-addr':
      return path === 'value' ? typed('ip') : [];
    case 'domain-name':
      return path === 'value' ? typed('domain') : [];
    case 'url':
      return path === 'value' ? typed('url') : [];
    case 'email-addr':
      return path === 'value' ? typed('email') : [];
    case 'email-message':
      return /^(from_ref|sender_ref|reply_to_refs\.\[[*\d]+\])\.value$/.test(path) ? typed('email') : [];
    case 'file':
      return c.path.length === 2 && c.path[0] === 'hashes' && HASH_KEYS.has(hashKey(c.path[1])) ? typed('hash') : [];
    case 'network-traffic':
      if (!/^(src_ref|dst_ref)\.value$/.test(path)) return [];
      return values.map((value) => ({ type: isIP(value.replace(/\/\d+$/, '')) ? ('ip' as const) : ('domain' as const), value }));
    default:
      return [];
  }
}

function verdictOf(indicator: Json): FeedVerdict {
  const words = [...strings(indicator.indicator_types), ...strings(indicator.labels)].map((w) => w.toLowerCase());
  const known = words.map((w) => INDICATOR_TYPE_VERDICT[w]).filter((v): v is FeedVerdict => !!v);
  // Benign only when every stated type says so; no stated type: it is in a threat feed.
  let verdict: FeedVerdict = known.length === 0 ? 'malicious' : known.reduce(worseVerdict);
  const confidence = typeof indicator.confidence === 'number' ? indicator.confidence : undefined;
  if (verdict === 'malicious' && confidence !== undefined && confidence < 50) verdict = 'suspicious';
  return verdict;
}

function dateOf(v: unknown): Date | undefined {
  if (typeof v !== 'string') return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function addIndicator(out: FeedCollector, ind: Json, judged: Set<string>): void {
  const pattern = typeof ind.pattern === 'string' ? ind.pattern : '';
  if (ind.revoked === true) return out.skip('revoked indicator', pattern);
  const patternType = typeof ind.pattern_type === 'string' ? ind.pattern_type : 'stix'; // STIX 2.0 had no pattern_type
  if (patternType !== 'stix') return out.skip(`pattern_type ${patternType} is not STIX patterning`, pattern);
  let comparisons: StixComparison[];
  try {
    comparisons = parseStixPattern(pattern);
  } catch (err) {
    return out.skip(`unparseable pattern: ${(err as Error).message}`, pattern);
  }
  const found = comparisons.flatMap(indicatorOf);
  if (found.length === 0) return out.skip('pattern has no equality on an IP, domain, URL, email or file hash', pattern);
  const name = typeof ind.name === 'string' ? ind.name : typeof ind.description === 'string' ? ind.description : undefined;
  const before = out.iocs.length;
  for (const f of found) {
    out.add(f.type, f.value, {
      verdict: verdictOf(ind),
      description: name,
      tags: [...strings(ind.labels), ...strings(ind.indicator_types)],
      expiresAt: dateOf(ind.valid_until),
      externalId: typeof ind.id === 'string' ? ind.id : undefined,
    });
  }
  for (const ioc of out.iocs.slice(before)) judged.add(keyOf(ioc.type, ioc.value));
}

/** A bare observable's indicators, e.g. {"type": "ipv4-addr", "value": "198.51.100.7"}. */
function observableOf(obj: Json): { type: IocType; value: unknown }[] {
  switch (obj.type) {
    case 'ipv4-addr':
    case 'ipv6-addr':
      return [{ type: 'ip', value: obj.value }];
    case 'domain-name':
      return [{ type: 'domain', value: obj.value }];
    case 'url':
      return [{ type: 'url', value: obj.value }];
    case 'email-addr':
      return [{ type: 'email', value: obj.value }];
    case 'file': {
      const hashes = isObject(obj.hashes) ? obj.hashes : {};
      return Object.entries(hashes)
        .filter(([k]) => HASH_KEYS.has(hashKey(k)))
        .map(([, value]) => ({ type: 'hash', value }));
    }
    default:
      return [];
  }
}

function objectsOf(doc: unknown): unknown[] {
  if (isObject(doc) && doc.type === 'bundle') {
    if (!Array.isArray(doc.objects)) throw new FeedFormatError('STIX bundle has no objects array');
    return doc.objects;
  }
  if (Array.isArray(doc)) return doc;
  if (isObject(doc) && typeof doc.type === 'string') return [doc];
  throw new FeedFormatError('not a STIX bundle (expected {"type": "bundle", "objects": [...]})');
}

export function parseStix(text: string, opts: StixOptions = {}): ParsedFeed {
  const limits = opts.limits ?? DEFAULT_FEED_LIMITS;
  const doc = parseFeedJson(text, limits, 'STIX');
  const objects = objectsOf(doc);
  const out = new FeedCollector(limits);
  const judged = new Set<string>();
  for (const obj of objects) {
    if (isObject(obj) && obj.type === 'indicator') addIndicator(out, obj, judged);
  }
  for (const obj of objects) {
    if (!isObject(obj) || obj.type === 'indicator') continue;
    for (const o of observableOf(obj)) {
      if (typeof o.value !== 'string') {
        out.skip(`${String(obj.type)} object without a string value`);
        continue;
      }
      const n = normalizeIndicator(o.type, o.value);
      if (n.ok && judged.has(keyOf(o.type, n.value))) continue; // the indicator's verdict stands
      out.add(o.type, o.value, {
        verdict: opts.observableVerdict ?? 'suspicious',
        description: `STIX ${String(obj.type)} observable`,
        externalId: typeof obj.id === 'string' ? obj.id : undefined,
      });
    }
  }
  return out.result();
}
