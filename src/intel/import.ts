// Feed import: parse a MISP, STIX or CSV feed and upsert its indicators into the IOC store,
// counting what was added, updated, left unchanged and skipped (with the reasons).
import type { Pool } from 'pg';
import { parseCsvFeed, type CsvOptions } from './csv';
import { cleanTags, DEFAULT_FEED_LIMITS, type FeedLimits, type ParsedFeed, worseVerdict } from './feed';
import type { FeedIoc } from './ioc';
import { parseMisp, type MispOptions } from './misp';
import { parseStix, type StixOptions } from './stix';
import { pruneExpiredIocs, upsertFeedIocs } from '../store/iocs';

export const FEED_FORMATS = ['misp', 'stix', 'csv'] as const;
export type FeedFormat = (typeof FEED_FORMATS)[number];

export interface ImportOptions {
  /** The instant expiry is judged against (default: now). */
  now?: Date;
  /** Expiry for indicators the feed gives none, in ms (default: they never expire). */
  expireAfterMs?: number;
  csv?: CsvOptions;
  misp?: MispOptions;
  stix?: StixOptions;
  limits?: FeedLimits;
}

export interface ImportResult {
  format: FeedFormat;
  source: string;
  /** Indicators the feed held (before duplicates and expired ones were set aside). */
  parsed: number;
  added: number;
  updated: number;
  unchanged: number;
  skipped: number;
  skippedReasons: Record<string, number>;
  /** Expired indicators (of any feed) removed from the store. */
  pruned: number;
}

const BATCH = 500;

export function parseFeed(text: string, format: FeedFormat, opts: ImportOptions = {}): ParsedFeed {
  const limits = opts.limits ?? DEFAULT_FEED_LIMITS;
  switch (format) {
    case 'misp':
      return parseMisp(text, { ...opts.misp, limits });
    case 'stix':
      return parseStix(text, { ...opts.stix, limits });
    case 'csv':
      return parseCsvFeed(text, { ...opts.csv, limits });
    default:
      throw new Error(`unknown feed format ${String(format)} (use ${FEED_FORMATS.join(', ')})`);
  }
}

/** One row per (type, value) as the store keys them: the worse verdict and all tags win. */
export function mergeDuplicates(iocs: FeedIoc[]): { unique: FeedIoc[]; duplicates: number } {
  const byKey = new Map<string, FeedIoc>();
  let duplicates = 0;
  for (const ioc of iocs) {
    const value = ioc.value.toLowerCase(); // the store matches lower-cased text (store/iocs.ts)
    const key = `${ioc.type}\u0000${value}`;
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, { ...ioc, value });
      continue;
    }
    duplicates++;
    seen.verdict = worseVerdict(seen.verdict, ioc.verdict);
    seen.tags = cleanTags([...seen.tags, ...ioc.tags]);
    seen.description ??= ioc.description;
    // An entry without expiry keeps the indicator alive; otherwise the later expiry wins.
    seen.expiresAt = !seen.expiresAt || !ioc.expiresAt ? undefined : seen.expiresAt > ioc.expiresAt ? seen.expiresAt : ioc.expiresAt;
  }
  return { unique: [...byKey.values()], duplicates };
}

export async function importIocs(
  pool: Pool,
  text: string,
  format: FeedFormat,
  source: string,
  opts: ImportOptions = {},
): Promise<ImportResult> {
  if (!source.trim() || source.length > 200) throw new Error('source must be a name of 1-200 characters');
  const now = opts.now ?? new Date();
  const feed = parseFeed(text, format, opts);
  const reasons: Record<string, number> = {};
  const skip = (reason: string, n = 1) => {
    if (n > 0) reasons[reason] = (reasons[reason] ?? 0) + n;
  };
  for (const s of feed.skipped) skip(s.reason);

  const { unique, duplicates } = mergeDuplicates(feed.iocs);
  skip('duplicate in feed (merged)', duplicates);
  const live: FeedIoc[] = [];
  for (const ioc of unique) {
    if (ioc.expiresAt && ioc.expiresAt <= now) skip('expired (valid_until has passed)');
    else live.push(opts.expireAfterMs && !ioc.expiresAt ? { ...ioc, expiresAt: new Date(now.getTime() + opts.expireAfterMs) } : ioc);
  }

  let added = 0;
  let updated = 0;
  for (let i = 0; i < live.length; i += BATCH) {
    const r = await upsertFeedIocs(pool, live.slice(i, i + BATCH), source.trim(), now);
    added += r.added;
    updated += r.updated;
  }
  const pruned = await pruneExpiredIocs(pool, now);
  return {
    format,
    source: source.trim(),
    parsed: feed.iocs.length,
    added,
    updated,
    unchanged: live.length - added - updated,
    skipped: Object.values(reasons).reduce((a, b) => a + b, 0),
    skippedReasons: reasons,
    pruned,
  };
}
