// MISP JSON → indicators. Reads an event export ({Event: {...}}), a list of them, a
// restSearch answer ({response: [...]} or {response: {Attribute: [...]}}), taking the
// attributes of the event and of its objects. Format: MISP core format (RFC draft
// draft-dulaunoy-misp-core-format), https://www.misp-project.org/datamodels/
import type { IocType } from './ioc';
import { DEFAULT_FEED_LIMITS, parseFeedJson, FeedCollector, FeedFormatError, type FeedLimits, type ParsedFeed } from './feed';

export interface MispOptions {
  /** Attributes with to_ids off are context, not detections: skipped unless this is set, then suspicious. */
  includeNonIds?: boolean;
  limits?: FeedLimits;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const tagNames = (v: unknown): string[] => asArray(v).flatMap((t) => (isObject(t) && typeof t.name === 'string' ? [t.name] : []));

// Which part of a (possibly composite "a|b") value is an indicator of which type.
const TYPES: Record<string, [IocType, number][]> = {
  'ip-src': [['ip', 0]],
  'ip-dst': [['ip', 0]],
  'ip-src|port': [['ip', 0]],
  'ip-dst|port': [['ip', 0]],
  domain: [['domain', 0]],
  hostname: [['domain', 0]],
  'hostname|port': [['domain', 0]],
  'domain|ip': [
    ['domain', 0],
    ['ip', 1],
  ],
  url: [['url', 0]],
  md5: [['hash', 0]],
  sha1: [['hash', 0]],
  sha256: [['hash', 0]],
  sha512: [['hash', 0]],
  'filename|md5': [['hash', 1]],
  'filename|sha1': [['hash', 1]],
  'filename|sha256': [['hash', 1]],
  'filename|sha512': [['hash', 1]],
  'malware-sample': [['hash', 1]],
  'email-src': [['email', 0]],
  'email-dst': [['email', 0]],
  email: [['email', 0]],
  'email-reply-to': [['email', 0]],
  'whois-registrant-email': [['email', 0]],
};

const toIds = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 'true';

interface EventContext {
  info?: string;
  tags: string[];
}

function addAttribute(out: FeedCollector, attr: unknown, event: EventContext, opts: MispOptions): void {
  if (!isObject(attr)) return out.skip('attribute is not an object');
  const type = typeof attr.type === 'string' ? attr.type : '';
  const value = typeof attr.value === 'string' ? attr.value : '';
  if (attr.deleted === true || attr.deleted === '1') return out.skip('deleted attribute', value);
  const parts = TYPES[type];
  if (!parts) return out.skip(`unsupported MISP attribute type ${type || '(none)'}`, value);
  const ids = toIds(attr.to_ids);
  if (!ids && !opts.includeNonIds) return out.skip('to_ids is off', value);
  const comment = typeof attr.comment === 'string' && attr.comment.trim() ? attr.comment.trim() : undefined;
  const description = [event.info, comment].filter(Boolean).join(': ') || undefined;
  const values = value.split('|');
  for (const [iocType, index] of parts) {
    out.add(iocType, values[index] ?? '', {
      verdict: ids ? 'malicious' : 'suspicious',
      description,
      tags: [...event.tags, ...tagNames(attr.Tag)],
      externalId: typeof attr.uuid === 'string' ? attr.uuid : undefined,
    });
  }
}

function addEvent(out: FeedCollector, event: Json, opts: MispOptions): void {
  const ctx: EventContext = { info: typeof event.info === 'string' ? event.info.trim() : undefined, tags: tagNames(event.Tag) };
  for (const attr of asArray(event.Attribute)) addAttribute(out, attr, ctx, opts);
  for (const object of asArray(event.Object)) {
    if (!isObject(object)) {
      out.skip('object is not an object');
      continue;
    }
    if (object.deleted === true) continue;
    for (const attr of asArray(object.Attribute)) addAttribute(out, attr, ctx, opts);
  }
}

/** The events (or a bare attribute list wrapped as one event) a MISP document holds. */
function eventsOf(doc: unknown): Json[] {
  if (Array.isArray(doc)) return doc.map((e) => (isObject(e) && isObject(e.Event) ? e.Event : e)).filter(isObject);
  if (!isObject(doc)) return [];
  if (isObject(doc.Event)) return [doc.Event];
  if ('response' in doc) return eventsOf(Array.isArray(doc.response) ? doc.response : isObject(doc.response) ? [doc.response] : []);
  if (Array.isArray(doc.Attribute) || Array.isArray(doc.Object)) return [doc];
  return [];
}

export function parseMisp(text: string, opts: MispOptions = {}): ParsedFeed {
  const limits = opts.limits ?? DEFAULT_FEED_LIMITS;
  const doc = parseFeedJson(text, limits, 'MISP');
  const events = eventsOf(doc);
  if (events.length === 0)
    throw new FeedFormatError('no MISP event found (expected {"Event": {...}}, a list of events, or a restSearch response)');
  const out = new FeedCollector(limits);
  for (const event of events) addEvent(out, event, opts);
  return out.result();
}
