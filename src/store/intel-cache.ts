// The intel_cache table: one provider's verdict on one indicator until expires_at. Verdicts
// with something to say live `ttlMs`; "unknown" (not found, no reports) lives `negativeTtlMs`,
// shorter, since a fresh indicator may be listed within hours.
import type { Pool } from 'pg';
import { type Clock, type Indicator, OnlineVerdict } from '../intel/online/types';

export interface CacheTtl {
  ttlMs: number;
  negativeTtlMs: number;
}
export const DEFAULT_CACHE_TTL: CacheTtl = { ttlMs: 24 * 3_600_000, negativeTtlMs: 3_600_000 };

export class IntelCache {
  constructor(
    private readonly pool: Pool,
    private readonly clock: Clock,
    private readonly ttl: CacheTtl = DEFAULT_CACHE_TTL,
  ) {}

  async get(provider: string, indicator: Indicator): Promise<OnlineVerdict | undefined> {
    const { rows } = await this.pool.query<{ verdict: unknown }>(
      `SELECT verdict FROM intel_cache
       WHERE provider = $1 AND indicator_type = $2 AND indicator_value = $3 AND expires_at > $4`,
      [provider, indicator.type, indicator.value, new Date(this.clock.now())],
    );
    const parsed = rows[0] ? OnlineVerdict.safeParse(rows[0].verdict) : undefined;
    return parsed?.success ? parsed.data : undefined;
  }

  async put(verdict: OnlineVerdict): Promise<void> {
    const now = this.clock.now();
    const ttl = verdict.verdict === 'unknown' ? this.ttl.negativeTtlMs : this.ttl.ttlMs;
    await this.pool.query(
      `INSERT INTO intel_cache (provider, indicator_type, indicator_value, verdict, fetched_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (provider, indicator_type, indicator_value)
       DO UPDATE SET verdict = EXCLUDED.verdict, fetched_at = EXCLUDED.fetched_at, expires_at = EXCLUDED.expires_at`,
      [verdict.provider, verdict.indicator.type, verdict.indicator.value, JSON.stringify(verdict), new Date(now), new Date(now + ttl)],
    );
  }

  /** Removes expired rows; returns how many. */
  async prune(): Promise<number> {
    const { rowCount } = await this.pool.query('DELETE FROM intel_cache WHERE expires_at <= $1', [new Date(this.clock.now())]);
    return rowCount ?? 0;
  }
}
