// A token bucket per provider: `requests` per `perMs`, refilled continuously, on an
// injectable clock. An empty bucket answers how long until the next token, never waits.
import type { Clock } from './types';

export interface Rate {
  requests: number;
  perMs: number;
}

/** "4/1m", "1000/1d" → a rate. */
export function parseRate(text: string, parseDuration: (s: string) => number): Rate {
  const m = /^\s*(\d+)\s*\/\s*(\S+)\s*$/.exec(text);
  if (!m || Number(m[1]) < 1) throw new Error(`"${text}" is not a rate (use e.g. 4/1m or 1000/1d)`);
  return { requests: Number(m[1]), perMs: parseDuration(m[2]) };
}

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: Rate,
    private readonly clock: Clock,
  ) {
    this.tokens = rate.requests;
    this.last = clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    if (now > this.last) {
      this.tokens = Math.min(this.rate.requests, this.tokens + ((now - this.last) * this.rate.requests) / this.rate.perMs);
    }
    this.last = Math.max(this.last, now);
  }

  /** Takes `n` tokens if there are that many; otherwise says how many ms until there will be. */
  take(n = 1): { ok: true } | { ok: false; retryAfterMs: number } {
    this.refill();
    if (this.tokens >= n) {
      this.tokens -= n;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((n - this.tokens) * this.rate.perMs) / this.rate.requests) };
  }
}
