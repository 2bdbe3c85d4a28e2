// urlscan.io Search API: earlier scans of a domain, IP or URL and their verdicts; and the
// Submission API (opt-in, never called by lookups: it publishes what it scans).
// https://docs.urlscan.io/apis/urlscan-openapi — GET /api/v1/search/?q=domain:example.com,
// header API-Key; POST /api/v1/scan/ {url, visibility}. A result without verdicts is not
// "clean": only a verdict counts.
import { z } from 'zod';
import { excerpt, IntelError, requestJson } from './http';
import type { Indicator, IntelProvider, OnlineVerdict } from './types';
import { trimEndChars } from '../../domain/text-scan';

export const URLSCAN = 'urlscan';

const Verdict = z.object({ malicious: z.boolean().optional(), score: z.number().optional() });
const Result = z.object({
  _id: z.string().optional(),
  task: z.object({ url: z.string().optional(), domain: z.string().optional(), uuid: z.string().optional() }).partial().optional(),
  page: z.object({ url: z.string().optional(), domain: z.string().optional(), ip: z.string().optional() }).partial().optional(),
  verdicts: Verdict.extend({ overall: Verdict.optional() }).optional(),
});
type Result = z.infer<typeof Result>;
const SearchAnswer = z.object({ results: z.array(z.unknown()), total: z.number().optional() });
const ScanAnswer = z.object({ uuid: z.string(), result: z.string(), api: z.string().optional() });

const SEARCH_SIZE = 50;

/** The search a lookup runs (the brief's form "domain:example.com"; values quoted for the query parser). */
export function urlscanQuery(i: Indicator): string {
  const quoted = (v: string) => `"${v.replace(/["\\]/g, '\\$&')}"`;
  switch (i.type) {
    case 'domain': return `domain:${i.value}`;
    case 'ip': return `ip:${quoted(i.value)}`;
    case 'url': return `page.url:${quoted(i.value)}`;
    default: throw new IntelError('http', `urlscan.io has no ${i.type} lookup`);
  }
}

/** Whether a scan is of the indicator itself, not of a page that merely contacted it. */
function isAbout(r: Result, i: Indicator): boolean {
  const v = i.value.toLowerCase();
  switch (i.type) {
    case 'domain': return r.page?.domain?.toLowerCase() === v || r.task?.domain?.toLowerCase() === v;
    case 'ip': return r.page?.ip?.toLowerCase() === v;
    case 'url': return r.page?.url === i.value || r.task?.url === i.value;
    default: return false;
  }
}

const verdictOf = (r: Result) => (r.verdicts?.overall ?? (r.verdicts?.malicious !== undefined ? r.verdicts : undefined));

export function judgeUrlscan(results: Result[], i: Indicator): Pick<OnlineVerdict, 'verdict' | 'score' | 'summary'> & { uuid?: string } {
  const about = results.filter((r) => isAbout(r, i));
  if (about.length === 0) {
    return { verdict: 'unknown', score: 0, summary: results.length ? `${results.length} scan(s) mention it, none of it as the page scanned` : 'no urlscan.io scans' };
  }
  const judged = about.map((r) => ({ r, v: verdictOf(r) })).filter((x) => x.v);
  const bad = judged.filter((x) => x.v!.malicious);
  const top = Math.max(0, ...judged.map((x) => x.v!.score ?? 0));
  const unjudged = about.length - judged.length;
  const tail = unjudged ? `, ${unjudged} without a verdict` : '';
  if (bad.length > 0) {
    return { verdict: 'malicious', score: Math.min(100, Math.max(80, top)), summary: `${bad.length} of ${about.length} scan(s) judged malicious (score ${top})${tail}`, uuid: bad[0].r._id ?? bad[0].r.task?.uuid };
  }
  if (top >= 50) return { verdict: 'suspicious', score: 50, summary: `${about.length} scan(s), highest score ${top}, none judged malicious${tail}` };
  return { verdict: 'unknown', score: 0, summary: `${about.length} scan(s), none judged malicious${tail}` };
}

export class UrlscanClient implements IntelProvider {
  readonly name = URLSCAN;
  private readonly baseUrl: string;

  constructor(private readonly opts: { apiKey: string; baseUrl?: string; fetchImpl?: typeof fetch }) {
    this.baseUrl = trimEndChars((opts.baseUrl ?? 'https://urlscan.io'), '/');
  }

  supports(i: Indicator): boolean {
    return i.type === 'domain' || i.type === 'ip' || i.type === 'url';
  }

  async lookup(indicator: Indicator, timeoutMs: number): Promise<OnlineVerdict> {
    const q = urlscanQuery(indicator);
    const ans = await requestJson({
      url: `${this.baseUrl}/api/v1/search/?${new URLSearchParams({ q, size: String(SEARCH_SIZE) })}`,
      headers: { 'API-Key': this.opts.apiKey, accept: 'application/json' },
      timeoutMs, fetchImpl: this.opts.fetchImpl,
    });
    if (ans.status !== 200) throw new IntelError('http', `HTTP ${ans.status}: ${excerpt(JSON.stringify(ans.body ?? ''))}`);
    const parsed = SearchAnswer.safeParse(ans.body);
    if (!parsed.success) throw new IntelError('malformed', 'urlscan.io search answer has no results array');
    const results = parsed.data.results.map((r) => Result.safeParse(r)).filter((r) => r.success).map((r) => r.data);
    const { uuid, ...judged } = judgeUrlscan(results, indicator);
    const link = uuid ? `https://urlscan.io/result/${encodeURIComponent(uuid)}/` : `https://urlscan.io/search/#${encodeURIComponent(q)}`;
    return { provider: this.name, indicator, ...judged, link };
  }

  /** Submits a URL for scanning (POST /api/v1/scan/); private unless asked otherwise. */
  async submitScan(url: string, opts: { visibility?: 'public' | 'unlisted' | 'private'; tags?: string[]; timeoutMs?: number } = {}): Promise<{ uuid: string; result: string; api?: string }> {
    const ans = await requestJson({
      url: `${this.baseUrl}/api/v1/scan/`, method: 'POST',
      headers: { 'API-Key': this.opts.apiKey, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ url, visibility: opts.visibility ?? 'private', ...(opts.tags ? { tags: opts.tags.slice(0, 10) } : {}) }),
      timeoutMs: opts.timeoutMs ?? 10_000, fetchImpl: this.opts.fetchImpl,
    });
    if (ans.status !== 200) {
      const message = (ans.body as { message?: unknown } | undefined)?.message;
      throw new IntelError('http', `HTTP ${ans.status}${typeof message === 'string' ? `: ${excerpt(message)}` : ''}`);
    }
    const parsed = ScanAnswer.safeParse(ans.body);
    if (!parsed.success) throw new IntelError('malformed', 'urlscan.io submission answer has no uuid/result');
    return parsed.data;
  }
}
