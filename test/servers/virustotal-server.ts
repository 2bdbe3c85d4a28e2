// A local HTTP server that speaks the part of the VirusTotal API v3 autosoc uses
// (https://docs.virustotal.com/reference/overview): GET /api/v3/files/{md5|sha1|sha256},
// /domains/{domain}, /ip_addresses/{ip}, /urls/{base64url id or sha256}, header x-apikey.
// Errors as documented (https://docs.virustotal.com/reference/errors): 401
// AuthenticationRequiredError / WrongCredentialsError, 404 NotFoundError, 429 QuotaExceededError.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback, readBody, type LoopbackServer } from './listen-on-loopback';

export interface VtStats {
  malicious: number;
  suspicious: number;
  harmless: number;
  undetected: number;
  timeout?: number;
}
export interface VtFile {
  md5: string;
  sha1: string;
  sha256: string;
  stats: VtStats;
  meaningfulName?: string;
}
/** hang: never answers; stall-body: sends 200 and half an answer, then nothing. */
export type ServerMode = 'normal' | 'rate-limited' | 'hang' | 'stall-body' | 'malformed' | 'server-error';

export class VirusTotalServer {
  readonly requests: { method: string; path: string; apiKey?: string }[] = [];
  mode: ServerMode = 'normal';
  /** Sent as Retry-After with 429s when set (VirusTotal does not promise one). */
  retryAfterSeconds?: number;
  private listening?: LoopbackServer;
  private url = '';

  constructor(
    private readonly data: {
      apiKey: string;
      files?: VtFile[];
      domains?: Record<string, VtStats>;
      ips?: Record<string, VtStats>;
      urls?: Record<string, VtStats>;
    },
  ) {}

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  }

  private error(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
    this.send(res, status, { error: { code, message } }, headers);
  }

  private object(type: string, id: string, stats: VtStats, path: string, extra: Record<string, unknown> = {}) {
    return {
      data: {
        id,
        type,
        links: { self: `${this.url}${path}` },
        attributes: {
          last_analysis_stats: { timeout: 0, ...stats },
          last_analysis_date: 1741958400,
          reputation: stats.malicious > 0 ? -stats.malicious : 0,
          total_votes: { harmless: 0, malicious: stats.malicious > 0 ? 1 : 0 },
          ...extra,
        },
      },
    };
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '').split('?')[0];
    const apiKey = req.headers['x-apikey'] as string | undefined;
    this.requests.push({ method: req.method ?? '', path, apiKey });
    if (this.mode === 'hang') return; // never answers
    if (!apiKey) return this.error(res, 401, 'AuthenticationRequiredError', 'X-Apikey header is missing');
    if (apiKey !== this.data.apiKey) return this.error(res, 401, 'WrongCredentialsError', 'Wrong API key');
    if (this.mode === 'rate-limited') {
      return this.error(
        res,
        429,
        'QuotaExceededError',
        'Quota exceeded',
        this.retryAfterSeconds !== undefined ? { 'retry-after': String(this.retryAfterSeconds) } : {},
      );
    }
    if (this.mode === 'server-error') return this.error(res, 503, 'TransientError', 'Transient error, retry might work');
    if (this.mode === 'malformed' || this.mode === 'stall-body') {
      res.writeHead(200, { 'content-type': 'application/json' });
      const half = '{"data": {"attributes": {"last_analysis_stats": {"malicious": 3,';
      if (this.mode === 'malformed') res.end(half);
      else res.write(half);
      return;
    }
    if (req.method !== 'GET') return this.error(res, 405, 'MethodNotAllowedError', `Method ${req.method} not allowed`);
    const m = /^\/api\/v3\/(files|domains|ip_addresses|urls)\/([^/]+)$/.exec(path);
    if (!m) return this.error(res, 404, 'NotFoundError', `Resource not found: ${path}`);
    const id = decodeURIComponent(m[2]);
    if (m[1] === 'files') {
      const h = id.toLowerCase();
      const f = this.data.files?.find((x) => x.md5 === h || x.sha1 === h || x.sha256 === h);
      if (!/^([0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64})$/.test(h))
        return this.error(res, 400, 'InvalidArgumentError', `Invalid file id "${id}"`);
      return f
        ? this.send(
            res,
            200,
            this.object('file', f.sha256, f.stats, path, { md5: f.md5, sha1: f.sha1, sha256: f.sha256, meaningful_name: f.meaningfulName }),
          )
        : this.error(res, 404, 'NotFoundError', `File "${id}" not found`);
    }
    if (m[1] === 'domains') {
      const s = this.data.domains?.[id.toLowerCase()];
      return s
        ? this.send(res, 200, this.object('domain', id, s, path))
        : this.error(res, 404, 'NotFoundError', `Domain "${id}" not found`);
    }
    if (m[1] === 'ip_addresses') {
      const s = this.data.ips?.[id];
      return s
        ? this.send(res, 200, this.object('ip_address', id, s, path))
        : this.error(res, 404, 'NotFoundError', `IP address "${id}" not found`);
    }
    // URL identifiers: unpadded base64url of the URL, or the SHA-256 of the URL.
    const urls = Object.entries(this.data.urls ?? {});
    const byHash = urls.find(([u]) => createHash('sha256').update(u).digest('hex') === id);
    const decoded = /^[A-Za-z0-9_-]+$/.test(id) && !id.endsWith('=') ? Buffer.from(id, 'base64url').toString('utf8') : undefined;
    const hit = byHash ?? urls.find(([u]) => u === decoded);
    if (!hit) return this.error(res, 404, 'NotFoundError', `URL "${id}" not found`);
    return this.send(res, 200, this.object('url', createHash('sha256').update(hit[0]).digest('hex'), hit[1], path, { url: hit[0] }));
  }

  async start(): Promise<string> {
    this.listening = await listenOnLoopback(async (req, res) => {
      await readBody(req);
      this.handle(req, res);
    });
    this.url = this.listening.url;
    return this.url;
  }

  async stop(): Promise<void> {
    await this.listening?.close();
  }
}
