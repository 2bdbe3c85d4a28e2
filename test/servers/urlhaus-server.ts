// A local HTTP server that speaks the URLhaus API (https://urlhaus-api.abuse.ch/): POST
// form-encoded /v1/url/ (url=), /v1/host/ (host=), /v1/payload/ (md5_hash= | sha256_hash=),
// with the Auth-Key header. Outcomes travel in query_status: ok, no_results, invalid_url,
// invalid_host, invalid_md5, invalid_sha256, http_post_expected; a bad key is refused
// with HTTP 401 and query_status unknown_auth_key.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIPv4 } from 'node:net';
import { listenOnLoopback, readBody, type LoopbackServer } from './listen-on-loopback';

export interface UrlhausUrl {
  id: string;
  url: string;
  host: string;
  url_status: 'online' | 'offline' | 'unknown';
  threat: string;
  tags: string[];
  date_added?: string;
  reporter?: string;
}
export interface UrlhausPayload {
  md5_hash: string;
  sha256_hash: string;
  file_type: string;
  signature: string | null;
  urls: string[];
}
export type ServerMode = 'normal' | 'rate-limited' | 'hang' | 'malformed';

export class UrlhausServer {
  readonly requests: { method: string; path: string; form: Record<string, string>; authKey?: string; contentType?: string }[] = [];
  mode: ServerMode = 'normal';
  retryAfterSeconds?: number;
  private listening?: LoopbackServer;

  constructor(private readonly data: { authKey: string; urls?: UrlhausUrl[]; payloads?: UrlhausPayload[] }) {}

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  }

  private urlEntry(u: UrlhausUrl) {
    return {
      id: u.id,
      urlhaus_reference: `https://urlhaus.abuse.ch/url/${u.id}/`,
      url: u.url,
      url_status: u.url_status,
      host: u.host,
      date_added: u.date_added ?? '2025-03-14 08:58:02 UTC',
      threat: u.threat,
      blacklists: { spamhaus_dbl: 'not listed', surbl: 'not listed' },
      reporter: u.reporter ?? 'reporter_a',
      larted: 'true',
      takedown_time_seconds: null,
      tags: u.tags,
    };
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const path = (req.url ?? '').split('?')[0];
    const form = Object.fromEntries(new URLSearchParams(body));
    const authKey = req.headers['auth-key'] as string | undefined;
    this.requests.push({ method: req.method ?? '', path, form, authKey, contentType: req.headers['content-type'] });
    if (this.mode === 'hang') return;
    if (authKey !== this.data.authKey) return this.send(res, 401, { query_status: 'unknown_auth_key' });
    if (this.mode === 'rate-limited') {
      return this.send(
        res,
        429,
        { query_status: 'rate_limited' },
        this.retryAfterSeconds !== undefined ? { 'retry-after': String(this.retryAfterSeconds) } : {},
      );
    }
    if (this.mode === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"query_status": "ok", "urls": [');
      return;
    }
    if (req.method !== 'POST') return this.send(res, 200, { query_status: 'http_post_expected' });
    const urls = this.data.urls ?? [];
    switch (path) {
      case '/v1/url/': {
        if (!/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(form.url ?? '')) return this.send(res, 200, { query_status: 'invalid_url' });
        const u = urls.find((x) => x.url === form.url);
        if (!u) return this.send(res, 200, { query_status: 'no_results' });
        const payloads = (this.data.payloads ?? [])
          .filter((p) => p.urls.includes(u.url))
          .map((p) => ({
            firstseen: '2025-03-14',
            filename: null,
            file_type: p.file_type,
            response_size: '48211',
            response_md5: p.md5_hash,
            response_sha256: p.sha256_hash,
            urlhaus_download: `https://urlhaus-api.abuse.ch/v1/download/${p.sha256_hash}/`,
            signature: p.signature,
            virustotal: null,
            imphash: null,
            ssdeep: null,
            tlsh: null,
            magika: null,
          }));
        return this.send(res, 200, { query_status: 'ok', ...this.urlEntry(u), payloads });
      }
      case '/v1/host/': {
        const host = (form.host ?? '').toLowerCase();
        if (!isIPv4(host) && !/^[a-z0-9.-]+\.[a-z]{2,}$/.test(host)) return this.send(res, 200, { query_status: 'invalid_host' });
        const onHost = urls.filter((x) => x.host === host);
        if (onHost.length === 0) return this.send(res, 200, { query_status: 'no_results' });
        return this.send(res, 200, {
          query_status: 'ok',
          urlhaus_reference: `https://urlhaus.abuse.ch/host/${host}/`,
          host,
          firstseen: '2025-03-01 10:00:00 UTC',
          url_count: String(onHost.length),
          blacklists: { spamhaus_dbl: 'not listed', surbl: 'not listed' },
          urls: onHost.map((u) => Object.fromEntries(Object.entries(this.urlEntry(u)).filter(([k]) => k !== 'host'))),
        });
      }
      case '/v1/payload/': {
        const md5 = form.md5_hash?.toLowerCase();
        const sha256 = form.sha256_hash?.toLowerCase();
        if (md5 !== undefined && !/^[0-9a-f]{32}$/.test(md5)) return this.send(res, 200, { query_status: 'invalid_md5' });
        if (sha256 !== undefined && !/^[0-9a-f]{64}$/.test(sha256)) return this.send(res, 200, { query_status: 'invalid_sha256' });
        if (md5 === undefined && sha256 === undefined) return this.send(res, 200, { query_status: 'invalid_md5' });
        const p = (this.data.payloads ?? []).find((x) => x.md5_hash === md5 || x.sha256_hash === sha256);
        if (!p) return this.send(res, 200, { query_status: 'no_results' });
        return this.send(res, 200, {
          query_status: 'ok',
          md5_hash: p.md5_hash,
          sha256_hash: p.sha256_hash,
          file_type: p.file_type,
          file_size: '48211',
          signature: p.signature,
          firstseen: '2025-03-14 08:58:02',
          lastseen: null,
          url_count: String(p.urls.length),
          urlhaus_download: `https://urlhaus-api.abuse.ch/v1/download/${p.sha256_hash}/`,
          virustotal: null,
          imphash: null,
          ssdeep: null,
          tlsh: null,
          urls: p.urls.map((url) => ({
            url_id: '1',
            url,
            url_status: 'online',
            urlhaus_reference: 'https://urlhaus.abuse.ch/url/1/',
            filename: null,
            firstseen: '2025-03-14',
            lastseen: null,
          })),
        });
      }
      default:
        return this.send(res, 404, { query_status: 'unknown_endpoint' });
    }
  }

  async start(): Promise<string> {
    this.listening = await listenOnLoopback(async (req, res) => this.handle(req, res, (await readBody(req)).toString('utf8')));
    return this.listening.url;
  }

  async stop(): Promise<void> {
    await this.listening?.close();
  }
}
