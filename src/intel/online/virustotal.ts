// VirusTotal API v3: file, domain, IP address and URL reports, read from
// data.attributes.last_analysis_stats. https://docs.virustotal.com/reference/overview
//   GET /api/v3/files/{md5|sha1|sha256}, /domains/{domain}, /ip_addresses/{ip},
//   /urls/{base64url of the URL, no padding}; header x-apikey; 404 NotFoundError → unknown.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { excerpt, IntelError, requestJson } from './http';
import type { Indicator, IntelProvider, OnlineVerdict } from './types';
import { trimEndChars } from '../../domain/text-scan';

export const VIRUSTOTAL = 'virustotal';
const GUI = 'https://www.virustotal.com/gui';

const Stats = z.object({
  malicious: z.number().int().min(0),
  suspicious: z.number().int().min(0),
  harmless: z.number().int().min(0),
  undetected: z.number().int().min(0),
});
export type VtStats = z.infer<typeof Stats>;
const Answer = z.object({ data: z.object({ attributes: z.object({ last_analysis_stats: Stats }) }) });
const ErrorAnswer = z.object({ error: z.object({ code: z.string(), message: z.string().optional() }) });

/** The URL identifier VirusTotal accepts: base64url of the URL without "=" padding. */
export const vtUrlId = (url: string) => Buffer.from(url, 'utf8').toString('base64url');

function paths(i: Indicator): { api: string; gui: string } {
  switch (i.type) {
    case 'hash':
      return { api: `files/${i.value}`, gui: `file/${i.value}` };
    case 'domain':
      return { api: `domains/${i.value}`, gui: `domain/${i.value}` };
    case 'ip':
      return { api: `ip_addresses/${i.value}`, gui: `ip-address/${i.value}` };
    case 'url':
      return { api: `urls/${vtUrlId(i.value)}`, gui: `url/${createHash('sha256').update(i.value).digest('hex')}` };
    default:
      throw new IntelError('http', `VirusTotal has no ${i.type} lookup`);
  }
}

/** Engine counts → verdict. Five engines make it malicious; one, or three "suspicious", suspicious. */
export function judgeVirusTotal(stats: VtStats): Pick<OnlineVerdict, 'verdict' | 'score' | 'summary'> {
  const { malicious: m, suspicious: s } = stats;
  const total = m + s + stats.harmless + stats.undetected;
  const summary = `${m}/${total} engines flag it malicious${s ? `, ${s} suspicious` : ''}`;
  if (total === 0) return { verdict: 'unknown', score: 0, summary: 'known to VirusTotal but not analyzed by any engine' };
  if (m >= 5) return { verdict: 'malicious', score: Math.min(100, 70 + m), summary };
  if (m >= 1) return { verdict: 'suspicious', score: 40 + 5 * m, summary };
  if (s >= 3) return { verdict: 'suspicious', score: 40, summary };
  return { verdict: 'benign', score: 0, summary };
}

export class VirusTotalClient implements IntelProvider {
  readonly name = VIRUSTOTAL;
  private readonly baseUrl: string;

  constructor(private readonly opts: { apiKey: string; baseUrl?: string; fetchImpl?: typeof fetch }) {
    this.baseUrl = trimEndChars(opts.baseUrl ?? 'https://www.virustotal.com', '/');
  }

  supports(i: Indicator): boolean {
    return i.type === 'ip' || i.type === 'domain' || i.type === 'url' || (i.type === 'hash' && [32, 40, 64].includes(i.value.length));
  }

  async lookup(indicator: Indicator, timeoutMs: number): Promise<OnlineVerdict> {
    const p = paths(indicator);
    const link = `${GUI}/${p.gui}`;
    const ans = await requestJson({
      vendor: 'virustotal',
      url: `${this.baseUrl}/api/v3/${p.api.split('/').map(encodeURIComponent).join('/')}`,
      headers: { 'x-apikey': this.opts.apiKey, accept: 'application/json' },
      timeoutMs,
      fetchImpl: this.opts.fetchImpl,
    });
    if (ans.status === 404)
      return { provider: this.name, indicator, verdict: 'unknown', score: 0, summary: 'not found in VirusTotal', link };
    if (ans.status !== 200) {
      const e = ErrorAnswer.safeParse(ans.body);
      throw new IntelError('http', `HTTP ${ans.status}${e.success ? ` ${e.data.error.code}: ${excerpt(e.data.error.message ?? '')}` : ''}`);
    }
    const parsed = Answer.safeParse(ans.body);
    if (!parsed.success) throw new IntelError('malformed', 'VirusTotal answer has no data.attributes.last_analysis_stats');
    return { provider: this.name, indicator, ...judgeVirusTotal(parsed.data.data.attributes.last_analysis_stats), link };
  }
}
