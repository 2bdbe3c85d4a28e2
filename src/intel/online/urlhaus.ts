// URLhaus (abuse.ch) API: is a URL, host or payload hash known for malware distribution?
// https://urlhaus-api.abuse.ch/  — POST form-encoded to /v1/url/ (url=), /v1/host/ (host=),
// /v1/payload/ (md5_hash= or sha256_hash=) with the Auth-Key header; the outcome is in
// query_status: ok, no_results, invalid_*, unknown_auth_key.
import { isIPv4 } from 'node:net';
import { z } from 'zod';
import { IntelError, requestJson } from './http';
import type { Indicator, IntelProvider, OnlineVerdict } from './types';
import { trimEndChars } from '../../domain/text-scan';

export const URLHAUS = 'urlhaus';

const Status = z.object({ query_status: z.string() });
const UrlEntry = z.object({
  url_status: z.string().optional(),
  threat: z.string().nullable().optional(),
  tags: z.array(z.string()).nullable().optional(),
  urlhaus_reference: z.string().optional(),
});
const HostAnswer = z.object({
  urlhaus_reference: z.string().optional(),
  url_count: z.union([z.string(), z.number()]).optional(),
  urls: z.array(UrlEntry).default([]),
});
const PayloadAnswer = z.object({
  sha256_hash: z.string().optional(),
  file_type: z.string().nullable().optional(),
  signature: z.string().nullable().optional(),
  url_count: z.union([z.string(), z.number()]).optional(),
});

type Judged = Pick<OnlineVerdict, 'verdict' | 'score' | 'summary' | 'link'>;

export function judgeUrlhausUrl(a: z.infer<typeof UrlEntry>): Judged {
  const tags = a.tags?.length ? `, tags ${a.tags.join(', ')}` : '';
  const summary = `listed for ${a.threat ?? 'malware distribution'} (${a.url_status ?? 'status unknown'})${tags}`;
  // Offline still means it served malware; online means it still does.
  return { verdict: 'malicious', score: a.url_status === 'online' ? 95 : 80, summary, link: a.urlhaus_reference };
}

export function judgeUrlhausHost(a: z.infer<typeof HostAnswer>): Judged {
  const online = a.urls.filter((u) => u.url_status === 'online').length;
  const count = Number(a.url_count ?? a.urls.length);
  const summary = `${count} malware URL(s) on this host, ${online} online`;
  // A host whose URLs are all offline is often a cleaned-up compromised site.
  return online > 0
    ? { verdict: 'malicious', score: 90, summary, link: a.urlhaus_reference }
    : { verdict: 'suspicious', score: 60, summary, link: a.urlhaus_reference };
}

export function judgeUrlhausPayload(a: z.infer<typeof PayloadAnswer>, hash: string): Judged {
  const summary = `payload ${a.signature ?? '(no family)'}${a.file_type ? ` (${a.file_type})` : ''} served by ${a.url_count ?? '?'} URL(s)`;
  return {
    verdict: 'malicious',
    score: 90,
    summary,
    link: `https://urlhaus.abuse.ch/browse.php?search=${encodeURIComponent(a.sha256_hash ?? hash)}`,
  };
}

export class UrlhausClient implements IntelProvider {
  readonly name = URLHAUS;
  private readonly baseUrl: string;

  constructor(private readonly opts: { authKey: string; baseUrl?: string; fetchImpl?: typeof fetch }) {
    this.baseUrl = trimEndChars(opts.baseUrl ?? 'https://urlhaus-api.abuse.ch', '/');
  }

  supports(i: Indicator): boolean {
    return (
      i.type === 'url' ||
      i.type === 'domain' ||
      (i.type === 'ip' && isIPv4(i.value)) ||
      (i.type === 'hash' && [32, 64].includes(i.value.length))
    );
  }

  private request(i: Indicator): { path: string; form: Record<string, string> } {
    switch (i.type) {
      case 'url':
        return { path: 'url', form: { url: i.value } };
      case 'domain':
      case 'ip':
        return { path: 'host', form: { host: i.value } };
      case 'hash':
        return { path: 'payload', form: i.value.length === 32 ? { md5_hash: i.value } : { sha256_hash: i.value } };
      default:
        throw new IntelError('http', `URLhaus has no ${i.type} lookup`);
    }
  }

  async lookup(indicator: Indicator, timeoutMs: number): Promise<OnlineVerdict> {
    const r = this.request(indicator);
    const ans = await requestJson({
      vendor: 'urlhaus',
      url: `${this.baseUrl}/v1/${r.path}/`,
      method: 'POST',
      headers: { 'Auth-Key': this.opts.authKey, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(r.form).toString(),
      timeoutMs,
      fetchImpl: this.opts.fetchImpl,
    });
    const status = Status.safeParse(ans.body);
    if (!status.success) throw new IntelError('malformed', `URLhaus answer (HTTP ${ans.status}) has no query_status`);
    const qs = status.data.query_status;
    if (qs === 'unknown_auth_key') throw new IntelError('auth', 'URLhaus refused the Auth-Key (unknown_auth_key)');
    if (qs === 'no_results') return { provider: this.name, indicator, verdict: 'unknown', score: 0, summary: 'not listed in URLhaus' };
    if (qs !== 'ok') throw new IntelError('http', `URLhaus query_status ${qs.slice(0, 60)}`);
    const schema = r.path === 'url' ? UrlEntry : r.path === 'host' ? HostAnswer : PayloadAnswer;
    const parsed = schema.safeParse(ans.body);
    if (!parsed.success) throw new IntelError('malformed', `URLhaus ${r.path} answer has an unexpected shape`);
    const judged =
      r.path === 'url'
        ? judgeUrlhausUrl(parsed.data as z.infer<typeof UrlEntry>)
        : r.path === 'host'
          ? judgeUrlhausHost(parsed.data as z.infer<typeof HostAnswer>)
          : judgeUrlhausPayload(parsed.data as z.infer<typeof PayloadAnswer>, indicator.value);
    return { provider: this.name, indicator, ...judged };
  }
}
