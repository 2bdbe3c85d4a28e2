// What the local servers for the response vendors (Falcon, Defender, Graph, Okta) share: the
// OAuth2 client-credentials token endpoint (RFC 6749 §4.4) or a static API token, 401 for a
// token the server no longer knows (revokeTokens: as if it expired), and injected faults:
// throttleNext answers 429 with the vendor's own header, failNext answers 503. Each vendor
// adds its routes, error envelope and throttle header.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback, readBody, type LoopbackServer } from './listen-on-loopback';

export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown>;
}
/** [status, JSON body (none: empty)]. */
export type ApiAnswer = [number, unknown?];
export interface Route {
  method: string;
  path: RegExp;
  handle(req: ApiRequest, m: RegExpExecArray): ApiAnswer;
}

export type Auth =
  | { kind: 'oauth'; tokenPath: string; clientId: string; clientSecret: string }
  /** Okta's API token: `Authorization: SSWS <token>`. */
  | { kind: 'ssws'; token: string };

export abstract class VendorApiServer {
  /** Every API call served (not token requests, not injected faults), in order. */
  readonly calls: { method: string; path: string }[] = [];
  tokensIssued = 0;
  /** The next N API calls answer 429 with the vendor's throttle header. */
  throttleNext = 0;
  /** The next N API calls answer 503. */
  failNext = 0;
  throttled = 0;
  failed = 0;
  private tokens = new Set<string>();
  private listening?: LoopbackServer;

  constructor(private readonly auth: Auth) {}

  protected abstract routes(): Route[];
  protected abstract error(status: number, code: string, message: string): unknown;
  /** The headers a 429 carries, asking for a wait of about one second. */
  protected abstract throttleHeaders(): Record<string, string>;

  revokeTokens(): void {
    this.tokens.clear();
  }

  get url(): string {
    if (!this.listening) throw new Error('server not started');
    return this.listening.url;
  }

  /** What each served call did, by verb and target (a host name, hash, user): what tests count. */
  readonly log: { verb: string; target: string }[] = [];

  /** How many times `verb` was done to `target`. */
  did(verb: string, target: string): number {
    return this.log.filter((l) => l.verb === verb && l.target === target).length;
  }

  protected record(verb: string, target: string): void {
    this.log.push({ verb, target });
  }

  private authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    if (this.auth.kind === 'ssws') return header === `SSWS ${this.auth.token}`;
    const bearer = /^Bearer (\S+)$/.exec(header)?.[1];
    return !!bearer && this.tokens.has(bearer);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const raw = (await readBody(req)).toString('utf8');
    const send = ([status, body]: ApiAnswer, headers: Record<string, string> = {}) => {
      if (body === undefined) return void res.writeHead(status, headers).end();
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    };
    if (this.auth.kind === 'oauth' && req.method === 'POST' && url.pathname === this.auth.tokenPath) {
      const form = new URLSearchParams(raw);
      if (form.get('client_id') !== this.auth.clientId || form.get('client_secret') !== this.auth.clientSecret) {
        return send([401, this.error(401, 'invalid_client', 'invalid client credentials')]);
      }
      const token = randomUUID().replace(/-/g, '');
      this.tokens.add(token);
      this.tokensIssued += 1;
      return send([200, { access_token: token, token_type: 'bearer', expires_in: 1799 }]);
    }
    if (!this.authorized(req))
      return send([401, this.error(401, 'InvalidAuthenticationToken', 'Access token is missing, invalid or expired')]);
    if (this.throttleNext > 0) {
      this.throttleNext -= 1;
      this.throttled += 1;
      return send([429, this.error(429, 'TooManyRequests', 'API rate limit exceeded')], this.throttleHeaders());
    }
    if (this.failNext > 0) {
      this.failNext -= 1;
      this.failed += 1;
      return send([503, this.error(503, 'ServiceUnavailable', 'service unavailable')]);
    }
    this.calls.push({ method: req.method ?? '', path: url.pathname });
    for (const route of this.routes()) {
      const m = req.method === route.method ? route.path.exec(url.pathname) : null;
      if (m)
        return send(
          route.handle(
            {
              method: req.method ?? '',
              path: url.pathname,
              query: url.searchParams,
              body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {},
            },
            m,
          ),
        );
    }
    send([404, this.error(404, 'NotFound', `no route ${req.method} ${url.pathname}`)]);
  }

  async start(): Promise<string> {
    this.listening = await listenOnLoopback((req, res) => this.handle(req, res));
    return this.listening.url;
  }

  async stop(): Promise<void> {
    await this.listening?.close();
  }
}

/** Retry-After of one second, as Microsoft Graph and Defender send on 429. */
export const retryAfterOneSecond = (): Record<string, string> => ({ 'retry-after': '1' });
