// A local HTTP server that speaks the urlscan.io Search, Result and Submission APIs
// (https://docs.urlscan.io/apis/urlscan-openapi): GET /api/v1/search/?q=&size=, GET
// /api/v1/result/{uuid}/ and POST /api/v1/scan/ with the API-Key header. Search runs without
// a key (anonymous quota); a key of the wrong form is refused with 400, an unknown key with
// 401; results and submission need a key (401). Search hits carry no `verdicts` unless the
// plan is Pro (`pro: true`): verdicts come from the result, whose `verdicts.overall` is always
// present (hasVerdicts false, score 0 when no engine judged it). A result still being scanned
// (`pending`) or deleted is a 404. 429s carry the X-Rate-Limit-* headers, X-Rate-Limit-Reset-After in seconds.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback, readBody, type LoopbackServer } from './listen-on-loopback';

export interface UrlscanScan {
  uuid: string;
  url: string;
  domain: string;
  ip: string;
  /** The page's final URL when it redirected. */
  pageUrl?: string;
  /** Other domains the page contacted (a domain: search matches them too). */
  contacted?: string[];
  /** No engine judged it when undefined (the result says hasVerdicts: false). */
  malicious?: boolean;
  score?: number;
  /** Still being scanned: its result is a 404. */
  pending?: boolean;
}
export type ServerMode = 'normal' | 'rate-limited' | 'hang' | 'malformed';

const KEY_FORM = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class UrlscanServer {
  readonly requests: { method: string; path: string; query: Record<string, string>; apiKey?: string; body?: unknown }[] = [];
  readonly submissions: { url: string; visibility: string; uuid: string }[] = [];
  mode: ServerMode = 'normal';
  resetAfterSeconds = 17;
  /** urlscan.io documents X-Rate-Limit-Reset-After; a Retry-After is added only when set. */
  retryAfterSeconds?: number;
  private listening?: LoopbackServer;

  constructor(private readonly data: { apiKey: string; scans?: UrlscanScan[]; pro?: boolean }) {}

  private verdicts(s: UrlscanScan) {
    const judged = s.malicious !== undefined;
    const overall = {
      score: s.score ?? (s.malicious ? 100 : 0),
      categories: s.malicious ? ['phishing'] : [],
      brands: [],
      tags: [],
      malicious: s.malicious ?? false,
      hasVerdicts: judged,
    };
    return {
      overall,
      urlscan: { ...overall },
      engines: { score: 0, malicious: [], benign: [], maliciousTotal: 0, benignTotal: 0, verdicts: [], enginesTotal: 0 },
      community: { score: 0, votes: [], votesTotal: 0, votesMalicious: 0, votesBenign: 0, tags: [], categories: [] },
    };
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
  }

  private result(s: UrlscanScan) {
    return {
      task: {
        visibility: 'public',
        method: 'api',
        domain: s.domain,
        apexDomain: s.domain.split('.').slice(-2).join('.'),
        time: '2025-03-14T08:59:10.120Z',
        uuid: s.uuid,
        url: s.url,
      },
      stats: { uniqIPs: 3, uniqCountries: 1, dataLength: 48211, encodedDataLength: 20102, requests: 12 },
      page: {
        country: 'NL',
        server: 'nginx',
        ip: s.ip,
        mimeType: 'text/html',
        title: 'Invoice',
        url: s.pageUrl ?? s.url,
        domain: s.domain,
        apexDomain: s.domain.split('.').slice(-2).join('.'),
        asnname: 'EXAMPLE-AS, NL',
        asn: 'AS64500',
        status: '200',
      },
      _id: s.uuid,
      _score: null,
      sort: [1741942750120, s.uuid],
      result: `https://urlscan.io/api/v1/result/${s.uuid}/`,
      screenshot: `https://urlscan.io/screenshots/${s.uuid}.png`,
      ...(this.data.pro ? { verdicts: { overall: this.verdicts(s).overall } } : {}),
    };
  }

  private matches(q: string): ((s: UrlscanScan) => boolean) | undefined {
    const m = /^(domain|ip|page\.url|task\.url):(?:"((?:[^"\\]|\\.)*)"|(\S+))$/.exec(q.trim());
    if (!m) return undefined;
    const v = (m[2] ?? m[3]).replace(/\\(.)/g, '$1');
    switch (m[1]) {
      case 'domain':
        return (s) => s.domain === v.toLowerCase() || (s.contacted ?? []).includes(v.toLowerCase());
      case 'ip':
        return (s) => s.ip === v;
      default:
        return (s) => (s.pageUrl ?? s.url) === v || s.url === v;
    }
  }

  private handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
    const url = new URL(req.url ?? '/', 'http://local');
    const apiKey = req.headers['api-key'] as string | undefined;
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    this.requests.push({ method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), apiKey, body });
    if (this.mode === 'hang') return;
    if (apiKey !== undefined && !KEY_FORM.test(apiKey)) return this.send(res, 400, { message: 'Invalid API key format', status: 400 });
    if (apiKey !== undefined && apiKey !== this.data.apiKey)
      return this.send(res, 401, { message: 'API key supplied but not found in database!', status: 401 });
    const action = url.pathname === '/api/v1/scan/' ? 'private' : 'search';
    if (this.mode === 'rate-limited') {
      return this.send(
        res,
        429,
        {
          message: `Rate limit for action ${action} exceeded. Limit: 30 per minute. Reset in ${this.resetAfterSeconds} seconds.`,
          status: 429,
        },
        {
          'x-rate-limit-scope': 'team',
          'x-rate-limit-action': action,
          'x-rate-limit-window': 'minute',
          'x-rate-limit-limit': '30',
          'x-rate-limit-remaining': '0',
          'x-rate-limit-reset': new Date(Date.now() + this.resetAfterSeconds * 1000).toISOString(),
          'x-rate-limit-reset-after': String(this.resetAfterSeconds),
          ...(this.retryAfterSeconds !== undefined ? { 'retry-after': String(this.retryAfterSeconds) } : {}),
        },
      );
    }
    if (this.mode === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"results": [{"task": ');
      return;
    }
    if (req.method === 'GET' && url.pathname === '/api/v1/search/') {
      const match = this.matches(url.searchParams.get('q') ?? '');
      if (!match) return this.send(res, 400, { message: 'Search query could not be parsed', status: 400 });
      const size = Math.min(Number(url.searchParams.get('size') ?? 100), 10_000);
      const hits = (this.data.scans ?? []).filter(match);
      return this.send(res, 200, {
        results: hits.slice(0, size).map((s) => this.result(s)),
        total: hits.length,
        took: 3,
        has_more: hits.length > size,
      });
    }
    const result = /^\/api\/v1\/result\/([0-9a-f-]{36})\/$/.exec(url.pathname);
    if (req.method === 'GET' && result) {
      if (!apiKey) return this.send(res, 401, { message: 'You need an API key to retrieve results', status: 401 });
      const s = (this.data.scans ?? []).find((x) => x.uuid === result[1]);
      if (!s || s.pending)
        return this.send(res, 404, {
          message: 'Scan is not finished yet or does not exist',
          description: 'The scan is either still running or does not exist.',
          status: 404,
        });
      const summary = this.result(s);
      return this.send(res, 200, {
        data: { requests: [], cookies: [], console: [], links: [], timing: {}, globals: [] },
        stats: summary.stats,
        meta: { processors: {} },
        task: summary.task,
        page: summary.page,
        lists: {
          ips: [s.ip],
          countries: ['NL'],
          asns: ['64500'],
          domains: [s.domain, ...(s.contacted ?? [])],
          servers: ['nginx'],
          urls: [s.url],
          linkDomains: [],
          certificates: [],
          hashes: [],
        },
        verdicts: this.verdicts(s),
      });
    }
    if (req.method === 'POST' && url.pathname === '/api/v1/scan/') {
      if (!apiKey) return this.send(res, 401, { message: 'You need an API key to submit scans', status: 401 });
      const b = body as { url?: unknown; visibility?: unknown } | undefined;
      if (typeof b?.url !== 'string' || !/^https?:\/\/\S+$/.test(b.url))
        return this.send(res, 400, {
          message: 'Missing URL properties',
          description: 'The URL supplied was not OK, please specify it including the protocol, host and path (e.g. http://example.com/bar)',
          status: 400,
        });
      const visibility = typeof b.visibility === 'string' ? b.visibility : 'public';
      const uuid = randomUUID();
      this.submissions.push({ url: b.url, visibility, uuid });
      return this.send(res, 200, {
        message: 'Submission successful',
        uuid,
        result: `https://urlscan.io/result/${uuid}/`,
        api: `https://urlscan.io/api/v1/result/${uuid}/`,
        visibility,
        options: { useragent: 'Mozilla/5.0' },
        url: b.url,
        country: 'de',
      });
    }
    return this.send(res, 404, { message: 'Not found', status: 404 });
  }

  async start(): Promise<string> {
    this.listening = await listenOnLoopback(async (req, res) => this.handle(req, res, (await readBody(req)).toString('utf8')));
    return this.listening.url;
  }

  async stop(): Promise<void> {
    await this.listening?.close();
  }
}
