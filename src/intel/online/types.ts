// The shapes every online threat-intel provider shares: what is asked (an indicator), what
// comes back (a normalized verdict), and what a lookup of several providers reports.
import { z } from 'zod';
import type { IocType } from '../ioc';

export const IOC_TYPES = ['ip', 'domain', 'url', 'hash', 'email'] as const satisfies readonly IocType[];

export const Indicator = z.object({ type: z.enum(IOC_TYPES), value: z.string().min(1).max(4096) });
export type Indicator = z.infer<typeof Indicator>;

export const OnlineVerdict = z.object({
  provider: z.string(),
  indicator: Indicator,
  verdict: z.enum(['malicious', 'suspicious', 'benign', 'unknown']),
  /** Risk per this provider, 0-100. */
  score: z.number().min(0).max(100),
  summary: z.string(),
  /** Where an analyst reads the provider's own report. */
  link: z.string().optional(),
});
export type OnlineVerdict = z.infer<typeof OnlineVerdict>;

/**
 * One provider × one indicator. ok: a verdict (fresh or cached). rate-limited: not asked,
 * ask again after retryAfterMs. error: asked and failed. skipped: deliberately not asked.
 */
export const IntelLookupEntry = z.object({
  provider: z.string(),
  indicator: Indicator,
  status: z.enum(['ok', 'rate-limited', 'error', 'skipped']),
  cached: z.boolean().optional(),
  verdict: OnlineVerdict.optional(),
  error: z.string().optional(),
  retryAfterMs: z.number().optional(),
});
export type IntelLookupEntry = z.infer<typeof IntelLookupEntry>;

export interface IntelProvider {
  readonly name: string;
  supports(indicator: Indicator): boolean;
  /** Throws IntelError on failure; a provider that knows nothing of it answers verdict 'unknown'. */
  lookup(indicator: Indicator, timeoutMs: number): Promise<OnlineVerdict>;
}

export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };
