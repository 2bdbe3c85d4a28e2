// How much one caller may send: at most `maxItemsPerRequest` alerts in a body (a 10 MB body of
// minimal CEF lines is ~550k of them) and `itemsPerSecond` alerts per source, as a token bucket
// per authenticated source (the token's bound source, else the token's name). Counting happens
// after the body is split and before any item is mapped, stored or started.
import { type Rate, TokenBucket } from '../intel/online/rate-limit';
import { type Clock, systemClock } from '../intel/online/types';
import type { ApiPrincipal } from '../store/api-tokens';

export interface IngestLimits {
  maxItemsPerRequest: number;
  itemsPerSecond: number;
}

export const DEFAULT_INGEST_LIMITS: IngestLimits = { maxItemsPerRequest: 1000, itemsPerSecond: 1000 };

/** The caller sent more items than its source's budget holds right now (HTTP 429). */
export class IngestRateLimitedError extends Error {
  constructor(
    readonly key: string,
    readonly items: number,
    readonly retryAfterMs: number,
    readonly itemsPerSecond: number,
  ) {
    super(
      `rate limit: ${key} may send ${itemsPerSecond} alerts per second; these ${items} fit again in ${Math.ceil(retryAfterMs / 1000)} s`,
    );
    this.name = 'IngestRateLimitedError';
  }
}

export class IngestRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly rate: Rate;

  constructor(
    readonly limits: IngestLimits,
    private readonly clock: Clock = systemClock,
  ) {
    // The bucket holds at least one full request, so a body within maxItemsPerRequest can pass.
    const capacity = Math.max(limits.itemsPerSecond, limits.maxItemsPerRequest);
    this.rate = { requests: capacity, perMs: (capacity / limits.itemsPerSecond) * 1000 };
  }

  /** Whose budget a principal spends: its bound source, else its own name. */
  static keyOf(principal: ApiPrincipal): string {
    return principal.source ? `source ${principal.source}` : `token ${principal.name}`;
  }

  /** Takes `items` from the key's bucket or throws IngestRateLimitedError. */
  admit(key: string, items: number): void {
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = new TokenBucket(this.rate, this.clock)));
    const taken = bucket.take(items);
    if (!taken.ok) throw new IngestRateLimitedError(key, items, taken.retryAfterMs, this.limits.itemsPerSecond);
  }
}
