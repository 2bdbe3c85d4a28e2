// Asks every enabled provider about an alert's indicators: cache first, then the provider's
// rate limit, then the network with a timeout. Nothing throws out of lookupAll: each
// provider × indicator becomes an entry (ok, rate-limited, error or skipped).
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { iocCandidates } from '../ioc-match';
import { isPublicIpv4, type ObservableSet, urlHost } from '../../domain/observables';
import type { IntelCache } from '../../store/intel-cache';
import { isIntelError } from './http';
import { type Rate, TokenBucket } from './rate-limit';
import { type Clock, type Indicator, type IntelLookupEntry, type IntelProvider, systemClock } from './types';
import { trimChars } from '../../domain/text-scan';

export interface ProviderSetup {
  provider: IntelProvider;
  rate: Rate;
  timeoutMs?: number;
}

export interface OnlineIntelOptions {
  providers: ProviderSetup[];
  cache?: IntelCache;
  clock?: Clock;
  /** Most distinct indicators one lookupAll sends out (default 25); the rest are skipped. */
  maxIndicators?: number;
  /** Domain suffixes that are ours and never leave (e.g. corp.example.com). */
  internalDomains?: string[];
  /** Time one lookupAll may spend before it stops asking (default 60 s). */
  deadlineMs?: number;
  /** Wait after a 429 that names none (default 60 s). */
  defaultRetryAfterMs?: number;
}

// Names that only resolve inside an organization (RFC 6761, RFC 8375 and common practice).
const PRIVATE_SUFFIXES = [
  'local',
  'localhost',
  'internal',
  'intranet',
  'lan',
  'corp',
  'home',
  'home.arpa',
  'localdomain',
  'private',
  'in-addr.arpa',
  'ip6.arpa',
];

interface ProviderState {
  setup: ProviderSetup;
  bucket: TokenBucket;
  blockedUntil: number;
}

export class OnlineIntel {
  private readonly clock: Clock;
  private readonly states: ProviderState[];
  private readonly internal: string[];

  constructor(private readonly opts: OnlineIntelOptions) {
    this.clock = opts.clock ?? systemClock;
    this.states = opts.providers.map((setup) => ({ setup, bucket: new TokenBucket(setup.rate, this.clock), blockedUntil: 0 }));
    this.internal = [...PRIVATE_SUFFIXES, ...(opts.internalDomains ?? [])].map((d) => trimChars(d.toLowerCase(), '.')).filter(Boolean);
  }

  get providers(): string[] {
    return this.states.map((s) => s.setup.provider.name);
  }

  /** Whether an indicator may be sent to a third party: no private addresses, no internal names. */
  shareable(i: Indicator): boolean {
    switch (i.type) {
      case 'ip': {
        if (isIP(i.value) === 4) return isPublicIpv4(i.value);
        if (isIP(i.value) !== 6) return false;
        try {
          return ipaddr.parse(i.value).range() === 'unicast';
        } catch {
          return false;
        }
      }
      case 'domain': {
        const d = i.value.toLowerCase().replace(/\.$/, '');
        return d.includes('.') && !this.internal.some((s) => d === s || d.endsWith(`.${s}`));
      }
      case 'url': {
        const host = urlHost(i.value)?.replace(/^\[|\]$/g, '');
        if (!host) return false;
        return this.shareable(isIP(host) ? { type: 'ip', value: host } : { type: 'domain', value: host });
      }
      case 'hash':
        return /^[0-9a-f]{32}$|^[0-9a-f]{40}$|^[0-9a-f]{64}$/.test(i.value);
      default:
        return false;
    }
  }

  private indicatorsOf(input: ObservableSet | Indicator[]): Indicator[] {
    const raw = Array.isArray(input) ? input : iocCandidates(input);
    const seen = new Set<string>();
    const out: Indicator[] = [];
    for (const c of raw) {
      if (!c || typeof c.value !== 'string' || !c.value.trim()) continue;
      const value = c.type === 'url' ? c.value.trim() : c.value.trim().toLowerCase();
      const i = { type: c.type, value };
      const key = `${i.type}\u0000${i.value}`;
      if (seen.has(key) || !this.shareable(i)) continue;
      seen.add(key);
      out.push(i);
    }
    return out;
  }

  async lookupAll(input: ObservableSet | Indicator[]): Promise<IntelLookupEntry[]> {
    let indicators: Indicator[];
    try {
      indicators = this.indicatorsOf(input);
    } catch {
      return []; // not an observable set: nothing to ask about
    }
    const max = this.opts.maxIndicators ?? 25;
    const asked = indicators.slice(0, max);
    const deadline = this.clock.now() + (this.opts.deadlineMs ?? 60_000);
    const perProvider = await Promise.all(this.states.map((s) => this.lookupWith(s, asked, deadline)));
    const overflow: IntelLookupEntry[] = indicators.slice(max).map((indicator) => ({
      provider: 'online-intel',
      indicator,
      status: 'skipped',
      error: `not looked up: more than ${max} indicators in one alert`,
    }));
    return [...perProvider.flat(), ...overflow];
  }

  private async lookupWith(state: ProviderState, indicators: Indicator[], deadline: number): Promise<IntelLookupEntry[]> {
    const { provider } = state.setup;
    const out: IntelLookupEntry[] = [];
    let authFailure: string | undefined;
    for (const indicator of indicators.filter((i) => provider.supports(i))) {
      const base = { provider: provider.name, indicator };
      if (authFailure) {
        out.push({ ...base, status: 'skipped', error: `not asked: ${authFailure}` });
        continue;
      }
      const cached = await this.opts.cache?.get(provider.name, indicator).catch(() => undefined); // a cache outage only costs requests
      if (cached) {
        out.push({ ...base, status: 'ok', cached: true, verdict: cached });
        continue;
      }
      const now = this.clock.now();
      if (state.blockedUntil > now) {
        out.push({
          ...base,
          status: 'rate-limited',
          retryAfterMs: state.blockedUntil - now,
          error: `${provider.name} asked us to wait (HTTP 429)`,
        });
        continue;
      }
      if (now >= deadline) {
        out.push({ ...base, status: 'error', error: 'not asked: the lookup deadline passed' });
        continue;
      }
      const token = state.bucket.take();
      if (!token.ok) {
        out.push({ ...base, status: 'rate-limited', retryAfterMs: token.retryAfterMs, error: `${provider.name} request budget used up` });
        continue;
      }
      try {
        const verdict = await provider.lookup(indicator, state.setup.timeoutMs ?? 10_000);
        await this.opts.cache?.put(verdict).catch(() => undefined);
        out.push({ ...base, status: 'ok', cached: false, verdict });
      } catch (err) {
        if (isIntelError(err) && err.kind === 'rate-limited') {
          const wait = err.retryAfterMs ?? this.opts.defaultRetryAfterMs ?? 60_000;
          state.blockedUntil = this.clock.now() + wait;
          out.push({ ...base, status: 'rate-limited', retryAfterMs: wait, error: `${provider.name}: ${err.message}` });
          continue;
        }
        const message = err instanceof Error ? err.message : String(err);
        if (isIntelError(err) && err.kind === 'auth') authFailure = `${provider.name} refused the API key`;
        out.push({ ...base, status: 'error', error: `${provider.name}: ${message.slice(0, 300)}` });
      }
    }
    return out;
  }
}
