// urlscan.io Search API: earlier scans of a domain, IP or URL; the Result API for their
// verdicts; and the Submission API (opt-in, never called by lookups: it publishes what it scans).
// https://docs.urlscan.io/apis/urlscan-openapi — GET /api/v1/search/?q=domain:example.com,
// header API-Key (search hits carry `verdicts` only on Pro plans); GET /api/v1/result/{uuid}/
// (the full result with `verdicts.overall`; 404 while a scan runs or once it is deleted);
// POST /api/v1/scan/ {url, visibility}. A result without verdicts is not "clean": only a
// verdict counts.
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
/** Results fetched per lookup for hits without verdicts (newest first: search sorts by date). */
const RESULT_FETCHES = 3;
/** Results are immutable: a small per-client memo spares refetching one several lookups share. */
const RESULT_MEMO = 500;
/** A full result embeds every request of the page: a few MB is normal. */
const RESULT_MAX_BYTES = 16 * 1024 * 1024;
const ResultVerdicts = z.object({ verdicts: Verdict.extend({ overall: Verdict.optional() }).optional() });

/** The search a lookup runs (the brief's form "domain:example.com"; values quoted for the query parser). */
export function urlscanQuery(i: Indicator): string {
  const quoted = (v: string) => `"${v.replace(/["\\]/g, '\\$&')}"`;
  switch (i.type) {
    case 'domain':
      return `domain:${i.value}`;
    case 'ip':
      return `ip:${quoted(i.value)}`;
    case 'url':
      return `page.url:${quoted(i.value)}`;
    default:
      throw new IntelError('http', `urlscan.io has no ${i.type} lookup`);
  }
}

/** Whether a scan is of the indicator itself, not of a page that merely contacted it. */
function isAbout(r: Result, i: Indicator): boolean {
  const v = i.value.toLowerCase();
  switch (i.type) {
    case 'domain':
      return r.page?.domain?.toLowerCase() === v || r.task?.domain?.toLowerCase() === v;
    case 'ip':
      return r.page?.ip?.toLowerCase() === v;
    case 'url':
      return r.page?.url === i.value || r.task?.url === i.value;
    default:
      return false;
  }
}

const uuidOf = (r: Result) => r._id ?? r.task?.uuid;
const verdictOf = (r: Result) => r.verdicts?.overall ?? (r.verdicts?.malicious !== undefined ? r.verdicts : undefined);

export function judgeUrlscan(results: Result[], i: Indicator): Pick<OnlineVerdict, 'verdict' | 'score' | 'summary'> & { uuid?: string } {
  const about = results.filter((r) => isAbout(r, i));
  if (about.length === 0) {
    return {
      verdict: 'unknown',
      score: 0,
      summary: results.length ? `${results.length} scan(s) mention it, none of it as the page scanned` : 'no urlscan.io scans',
    };
  }
  const judged = about.map((r) => ({ r, v: verdictOf(r) })).filter((x) => x.v);
  const bad = judged.filter((x) => x.v!.malicious);
  const top = Math.max(0, ...judged.map((x) => x.v!.score ?? 0));
  const unjudged = about.length - judged.length;
  const tail = unjudged ? `, ${unjudged} without a verdict` : '';
  if (bad.length > 0) {
    return {
      verdict: 'malicious',
      score: Math.min(100, Math.max(80, top)),
      summary: `${bad.length} of ${about.length} scan(s) judged malicious (score ${top})${tail}`,
      uuid: uuidOf(bad[0].r),
    };
  }
  if (top >= 50)
    return { verdict: 'suspicious', score: 50, summary: `${about.length} scan(s), highest score ${top}, none judged malicious${tail}` };
  return { verdict: 'unknown', score: 0, summary: `${about.length} scan(s), none judged malicious${tail}` };
}

export class UrlscanClient implements IntelProvider {
  readonly name = URLSCAN;
  private readonly baseUrl: string;

  constructor(private readonly opts: { apiKey: string; baseUrl?: string; fetchImpl?: typeof fetch }) {
    this.baseUrl = trimEndChars(opts.baseUrl ?? 'https://urlscan.io', '/');
  }

  supports(i: Indicator): boolean {
    return i.type === 'domain' || i.type === 'ip' || i.type === 'url';
  }

  async lookup(indicator: Indicator, timeoutMs: number): Promise<OnlineVerdict> {
    const q = urlscanQuery(indicator);
    const ans = await requestJson({
      vendor: 'urlscan',
      url: `${this.baseUrl}/api/v1/search/?${new URLSearchParams({ q, size: String(SEARCH_SIZE) })}`,
      headers: { 'API-Key': this.opts.apiKey, accept: 'application/json' },
      timeoutMs,
      fetchImpl: this.opts.fetchImpl,
    });
    if (ans.status !== 200) throw new IntelError('http', `HTTP ${ans.status}: ${excerpt(JSON.stringify(ans.body ?? ''))}`);
    const parsed = SearchAnswer.safeParse(ans.body);
    if (!parsed.success) throw new IntelError('malformed', 'urlscan.io search answer has no results array');
    const hits = parsed.data.results
      .map((r) => Result.safeParse(r))
      .filter((r) => r.success)
      .map((r) => r.data);
    const results = await this.withVerdicts(hits, indicator, timeoutMs);
    const { uuid, ...judged } = judgeUrlscan(results, indicator);
    const link = uuid ? `https://urlscan.io/result/${encodeURIComponent(uuid)}/` : `https://urlscan.io/search/#${encodeURIComponent(q)}`;
    return { provider: this.name, indicator, ...judged, link };
  }

  /** Search hits about the indicator without verdicts get them from their results (bounded). */
  private async withVerdicts(hits: Result[], indicator: Indicator, timeoutMs: number): Promise<Result[]> {
    const missing = hits.filter((r) => isAbout(r, indicator) && !verdictOf(r) && uuidOf(r)).slice(0, RESULT_FETCHES);
    const fetched = new Map<Result, Result['verdicts']>();
    for (const hit of missing) {
      const verdicts = await this.resultVerdicts(uuidOf(hit)!, timeoutMs);
      if (verdicts) fetched.set(hit, verdicts);
    }
    return hits.map((r) => (fetched.has(r) ? { ...r, verdicts: fetched.get(r) } : r));
  }

  private readonly memo = new Map<string, Result['verdicts']>();

  /** GET /api/v1/result/{uuid}/ — the verdicts of one scan; undefined while it runs or once deleted (404). */
  private async resultVerdicts(uuid: string, timeoutMs: number): Promise<Result['verdicts']> {
    if (this.memo.has(uuid)) return this.memo.get(uuid);
    const ans = await requestJson({
      vendor: 'urlscan',
      url: `${this.baseUrl}/api/v1/result/${encodeURIComponent(uuid)}/`,
      headers: { 'API-Key': this.opts.apiKey, accept: 'application/json' },
      timeoutMs,
      maxBytes: RESULT_MAX_BYTES,
      fetchImpl: this.opts.fetchImpl,
    });
    if (ans.status === 404 || ans.status === 410) return undefined;
    if (ans.status !== 200) throw new IntelError('http', `result ${uuid}: HTTP ${ans.status}: ${excerpt(JSON.stringify(ans.body ?? ''))}`);
    const parsed = ResultVerdicts.safeParse(ans.body);
    if (!parsed.success) throw new IntelError('malformed', `urlscan.io result ${uuid} has malformed verdicts`);
    if (this.memo.size >= RESULT_MEMO) this.memo.delete(this.memo.keys().next().value!);
    this.memo.set(uuid, parsed.data.verdicts);
    return parsed.data.verdicts;
  }

  /** Submits a URL for scanning (POST /api/v1/scan/); private unless asked otherwise. */
  async submitScan(
    url: string,
    opts: { visibility?: 'public' | 'unlisted' | 'private'; tags?: string[]; timeoutMs?: number } = {},
  ): Promise<{ uuid: string; result: string; api?: string }> {
    const ans = await requestJson({
      vendor: 'urlscan',
      url: `${this.baseUrl}/api/v1/scan/`,
      method: 'POST',
      headers: { 'API-Key': this.opts.apiKey, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ url, visibility: opts.visibility ?? 'private', ...(opts.tags ? { tags: opts.tags.slice(0, 10) } : {}) }),
      timeoutMs: opts.timeoutMs ?? 10_000,
      fetchImpl: this.opts.fetchImpl,
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
