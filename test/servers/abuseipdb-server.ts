// A local HTTP server that speaks the AbuseIPDB API v2 check endpoint
// (https://docs.abuseipdb.com/#check-endpoint): GET /api/v2/check?ipAddress=&maxAgeInDays=,
// headers Key and Accept: application/json. Errors in the documented {"errors": [...]} shape:
// 401 authentication failed, 422 invalid parameter, 429 daily limit with Retry-After and
// X-RateLimit-* headers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { listenOnLoopback, readBody, type LoopbackServer } from './listen-on-loopback';

export interface AbuseReport {
  abuseConfidenceScore: number;
  totalReports: number;
  countryCode?: string | null;
  isWhitelisted?: boolean | null;
  isp?: string;
  usageType?: string;
  domain?: string;
  numDistinctUsers?: number;
  lastReportedAt?: string | null;
}
export type ServerMode = 'normal' | 'rate-limited' | 'hang' | 'malformed';

export class AbuseIpdbServer {
  readonly requests: { path: string; query: Record<string, string>; key?: string; accept?: string }[] = [];
  mode: ServerMode = 'normal';
  retryAfterSeconds = 3600;
  private served = 0;
  private listening?: LoopbackServer;

  /** dailyLimit: checks answered before 429s start (AbuseIPDB free plan: 1000). */
  constructor(private readonly data: { apiKey: string; reports?: Record<string, AbuseReport>; dailyLimit?: number }) {}

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://local');
    const query = Object.fromEntries(url.searchParams);
    const key = req.headers.key as string | undefined;
    this.requests.push({ path: url.pathname, query, key, accept: req.headers.accept });
    if (this.mode === 'hang') return;
    if (key !== this.data.apiKey) {
      return this.send(res, 401, {
        errors: [
          {
            detail:
              'Authentication failed. Your API key is either missing, incorrect, or revoked. Note: The APIv2 key differs from the APIv1 key.',
            status: 401,
          },
        ],
      });
    }
    if (req.method !== 'GET' || url.pathname !== '/api/v2/check')
      return this.send(res, 404, { errors: [{ detail: 'Not Found', status: 404 }] });
    const limit = this.data.dailyLimit ?? 1000;
    const reset = String(Math.floor(Date.now() / 1000) + this.retryAfterSeconds);
    if (this.mode === 'rate-limited' || this.served >= limit) {
      return this.send(
        res,
        429,
        {
          errors: [
            {
              detail: `Daily rate limit of ${limit} requests exceeded for this endpoint. See headers for additional details.`,
              status: 429,
            },
          ],
        },
        {
          'retry-after': String(this.retryAfterSeconds),
          'x-ratelimit-limit': String(limit),
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': reset,
        },
      );
    }
    if (this.mode === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('<html><body>502 Bad Gateway</body></html>');
      return;
    }
    const ip = query.ipAddress ?? '';
    if (!isIP(ip)) {
      return this.send(res, 422, {
        errors: [{ detail: 'The ip address must be a valid IP address.', status: 422, source: { parameter: 'ipAddress' } }],
      });
    }
    const maxAge = Number(query.maxAgeInDays ?? 30);
    if (!Number.isInteger(maxAge) || maxAge < 1 || maxAge > 365) {
      return this.send(res, 422, {
        errors: [{ detail: 'The max age in days must be between 1 and 365.', status: 422, source: { parameter: 'maxAgeInDays' } }],
      });
    }
    this.served++;
    const r = this.data.reports?.[ip];
    this.send(
      res,
      200,
      {
        data: {
          ipAddress: ip,
          isPublic: true,
          ipVersion: isIP(ip),
          isWhitelisted: r?.isWhitelisted ?? false,
          abuseConfidenceScore: r?.abuseConfidenceScore ?? 0,
          countryCode: r?.countryCode ?? null,
          usageType: r?.usageType ?? 'Data Center/Web Hosting/Transit',
          isp: r?.isp ?? 'Example Hosting Ltd',
          domain: r?.domain ?? 'hosting.example',
          hostnames: [],
          isTor: false,
          totalReports: r?.totalReports ?? 0,
          numDistinctUsers: r?.numDistinctUsers ?? Math.min(r?.totalReports ?? 0, 50),
          lastReportedAt: r?.lastReportedAt ?? null,
        },
      },
      { 'x-ratelimit-limit': String(limit), 'x-ratelimit-remaining': String(limit - this.served) },
    );
  }

  async start(): Promise<string> {
    this.listening = await listenOnLoopback(async (req, res) => {
      await readBody(req);
      this.handle(req, res);
    });
    return this.listening.url;
  }

  async stop(): Promise<void> {
    await this.listening?.close();
  }
}
