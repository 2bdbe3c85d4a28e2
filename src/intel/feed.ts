// What every feed parser produces: indicators ready for the IOC store (minus the source,
// which the importer names), and the entries it left out with the reason why.
import type { FeedIoc, FeedVerdict, IocType } from './ioc';
import { normalizeIndicator } from './indicator';

export interface FeedSkip {
  reason: string;
  value?: string;
}
export interface ParsedFeed {
  iocs: FeedIoc[];
  skipped: FeedSkip[];
}

export class FeedFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeedFormatError';
  }
}

export interface FeedLimits {
  /** Largest feed text accepted, in characters. */
  maxChars: number;
  /** Most indicators and skipped entries one feed may produce together. */
  maxEntries: number;
}
export const DEFAULT_FEED_LIMITS: FeedLimits = { maxChars: 64 * 1024 * 1024, maxEntries: 2_000_000 };

const MAX_TAGS = 32;
const MAX_TAG_LENGTH = 128;
const MAX_DESCRIPTION = 500;

const VERDICT_RANK: Record<FeedVerdict, number> = { benign: 0, suspicious: 1, malicious: 2 };
export const worseVerdict = (a: FeedVerdict, b: FeedVerdict): FeedVerdict => (VERDICT_RANK[a] >= VERDICT_RANK[b] ? a : b);

export function cleanTags(tags: Iterable<unknown>): string[] {
  const out = new Set<string>();
  for (const t of tags) {
    if (out.size >= MAX_TAGS) break;
    if (typeof t === 'string' && t.trim()) out.add(t.trim().slice(0, MAX_TAG_LENGTH));
  }
  return [...out];
}

/** A JSON feed's text, size-checked and parsed; `label` names the format in the error. */
export function parseFeedJson(text: string, limits: FeedLimits, label: string): unknown {
  checkFeedSize(text, limits);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new FeedFormatError(`${label} feed is not JSON: ${(err as Error).message}`);
  }
}

export function checkFeedSize(text: string, limits: FeedLimits): void {
  if (typeof text !== 'string') throw new FeedFormatError('feed must be text');
  if (text.length > limits.maxChars) throw new FeedFormatError(`feed is ${text.length} characters, over the limit of ${limits.maxChars}`);
}

/** Collects a parser's output: normalizes each value and keeps the output bounded. */
export class FeedCollector {
  readonly iocs: FeedIoc[] = [];
  readonly skipped: FeedSkip[] = [];

  constructor(private readonly limits: FeedLimits = DEFAULT_FEED_LIMITS) {}

  private room(): void {
    if (this.iocs.length + this.skipped.length >= this.limits.maxEntries) {
      throw new FeedFormatError(`feed has more than ${this.limits.maxEntries} entries`);
    }
  }

  add(type: IocType, raw: string, rest: Omit<FeedIoc, 'type' | 'value' | 'tags'> & { tags?: Iterable<unknown> }): void {
    this.room();
    const n = normalizeIndicator(type, raw);
    if (!n.ok) {
      this.skip(n.reason, raw);
      return;
    }
    this.iocs.push({
      type,
      value: n.value,
      verdict: rest.verdict,
      tags: cleanTags(rest.tags ?? []),
      ...(rest.description ? { description: rest.description.slice(0, MAX_DESCRIPTION) } : {}),
      ...(rest.expiresAt ? { expiresAt: rest.expiresAt } : {}),
      ...(rest.externalId ? { externalId: rest.externalId.slice(0, 200) } : {}),
    });
  }

  skip(reason: string, value?: unknown): void {
    this.room();
    this.skipped.push(typeof value === 'string' ? { reason, value: value.slice(0, 200) } : { reason });
  }

  result(): ParsedFeed {
    return { iocs: this.iocs, skipped: this.skipped };
  }
}
