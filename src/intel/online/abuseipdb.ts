// AbuseIPDB API v2 check endpoint: crowd-sourced abuse reports on an IP address.
// https://docs.abuseipdb.com/#check-endpoint
//   GET /api/v2/check?ipAddress=&maxAgeInDays=90, headers Key and Accept: application/json;
//   data.abuseConfidenceScore (0-100), totalReports, countryCode, isWhitelisted.
import { z } from 'zod';
import { excerpt, IntelError, requestJson } from './http';
import type { Indicator, IntelProvider, OnlineVerdict } from './types';
import { trimEndChars } from '../../domain/text-scan';

export const ABUSEIPDB = 'abuseipdb';

const Check = z.object({
  abuseConfidenceScore: z.number().min(0).max(100),
  totalReports: z.number().int().min(0),
  countryCode: z.string().nullable().optional(),
  isWhitelisted: z.boolean().nullable().optional(),
  isp: z.string().nullable().optional(),
});
export type AbuseIpdbCheck = z.infer<typeof Check>;
const Answer = z.object({ data: Check });
const ErrorAnswer = z.object({ errors: z.array(z.object({ detail: z.string() })).min(1) });

/** Whitelisted → benign; confidence ≥ 75 malicious, ≥ 25 suspicious; otherwise no opinion. */
export function judgeAbuseIpdb(c: AbuseIpdbCheck): Pick<OnlineVerdict, 'verdict' | 'score' | 'summary'> {
  const where = c.countryCode ? `, ${c.countryCode}` : '';
  const summary = `abuse confidence ${c.abuseConfidenceScore}% from ${c.totalReports} report(s)${where}${c.isWhitelisted ? ', whitelisted' : ''}`;
  if (c.isWhitelisted) return { verdict: 'benign', score: 0, summary };
  if (c.abuseConfidenceScore >= 75) return { verdict: 'malicious', score: c.abuseConfidenceScore, summary };
  if (c.abuseConfidenceScore >= 25) return { verdict: 'suspicious', score: c.abuseConfidenceScore, summary };
  return { verdict: 'unknown', score: c.abuseConfidenceScore, summary };
}

export class AbuseIpdbClient implements IntelProvider {
  readonly name = ABUSEIPDB;
  private readonly baseUrl: string;

  constructor(private readonly opts: { apiKey: string; baseUrl?: string; maxAgeInDays?: number; fetchImpl?: typeof fetch }) {
    this.baseUrl = trimEndChars(opts.baseUrl ?? 'https://api.abuseipdb.com', '/');
  }

  supports(i: Indicator): boolean {
    return i.type === 'ip';
  }

  async lookup(indicator: Indicator, timeoutMs: number): Promise<OnlineVerdict> {
    const query = new URLSearchParams({ ipAddress: indicator.value, maxAgeInDays: String(this.opts.maxAgeInDays ?? 90) });
    const ans = await requestJson({
      vendor: 'abuseipdb',
      url: `${this.baseUrl}/api/v2/check?${query}`,
      headers: { Key: this.opts.apiKey, Accept: 'application/json' },
      timeoutMs,
      fetchImpl: this.opts.fetchImpl,
    });
    if (ans.status !== 200) {
      const e = ErrorAnswer.safeParse(ans.body);
      throw new IntelError('http', `HTTP ${ans.status}${e.success ? `: ${excerpt(e.data.errors[0].detail)}` : ''}`);
    }
    const parsed = Answer.safeParse(ans.body);
    if (!parsed.success) throw new IntelError('malformed', 'AbuseIPDB answer has no data.abuseConfidenceScore/totalReports');
    return {
      provider: this.name,
      indicator,
      ...judgeAbuseIpdb(parsed.data.data),
      link: `https://www.abuseipdb.com/check/${encodeURIComponent(indicator.value)}`,
    };
  }
}
