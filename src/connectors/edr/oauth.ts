// OAuth2 client-credentials tokens (RFC 6749 §4.4) for the EDR APIs: fetched once, reused
// until a minute before they expire, dropped when the API answers 401. The secret goes in
// the form body only; no message built here contains it or the token.
import { ConnectorError, excerpt, parseJson, request, type HttpAnswer, type HttpRequest } from '../connector-http';

export interface ClientCredentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Azure AD needs a scope (e.g. https://api.securitycenter.microsoft.com/.default); Falcon takes none. */
  scope?: string;
  /** Send grant_type=client_credentials (Azure AD requires it; Falcon's endpoint does not ask for it). */
  sendGrantType: boolean;
}

interface CachedToken {
  value: string;
  expiresAt: number;
}

const EXPIRY_MARGIN_MS = 60_000;

export class OAuthTokenSource {
  // #private: invisible to util.inspect and JSON.stringify, so logging a client shows no secret.
  readonly #creds: ClientCredentials;
  #cached?: CachedToken;
  private pending?: Promise<string>;

  constructor(
    creds: ClientCredentials,
    private readonly opts: { timeoutMs: number; fetchImpl?: typeof fetch; now?: () => number },
  ) {
    this.#creds = creds;
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** A valid access token; one request at a time asks the token endpoint. */
  async token(signal?: AbortSignal): Promise<string> {
    if (this.#cached && this.#cached.expiresAt > this.now()) return this.#cached.value;
    this.pending ??= this.fetchToken(signal).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Forget the token (the API refused it). */
  invalidate(): void {
    this.#cached = undefined;
  }

  private async fetchToken(signal?: AbortSignal): Promise<string> {
    const form = new URLSearchParams({ client_id: this.#creds.clientId, client_secret: this.#creds.clientSecret });
    if (this.#creds.sendGrantType) form.set('grant_type', 'client_credentials');
    if (this.#creds.scope) form.set('scope', this.#creds.scope);
    const answer = await request({
      url: this.#creds.tokenUrl,
      method: 'POST',
      body: form,
      timeoutMs: this.opts.timeoutMs,
      signal,
      fetchImpl: this.opts.fetchImpl,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    });
    if (answer.status === 400 || answer.status === 401 || answer.status === 403) {
      throw new ConnectorError(
        'auth',
        `token endpoint refused the client credentials (HTTP ${answer.status}): ${excerpt(answer.body.toString('utf8'))}`,
        answer.status,
      );
    }
    if (answer.status < 200 || answer.status > 299)
      throw new ConnectorError('rejected', `token endpoint answered HTTP ${answer.status}`, answer.status);
    const body = parseJson(answer, 'token endpoint') as { access_token?: unknown; expires_in?: unknown } | undefined;
    if (typeof body?.access_token !== 'string' || !body.access_token)
      throw new ConnectorError('malformed', 'token endpoint answer has no access_token');
    const lifetimeMs = (typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 300) * 1000;
    this.#cached = { value: body.access_token, expiresAt: this.now() + Math.max(lifetimeMs - EXPIRY_MARGIN_MS, lifetimeMs / 2) };
    return body.access_token;
  }
}

/**
 * Sends a request with `Authorization: Bearer <token>`. A 401 drops the token and tries once
 * more with a fresh one; a second 401 (or a 403) is an 'auth' error.
 */
export async function authorizedRequest(tokens: OAuthTokenSource, r: HttpRequest): Promise<HttpAnswer> {
  for (let attempt = 0; ; attempt++) {
    const token = await tokens.token(r.signal);
    const answer = await request({ ...r, headers: { ...r.headers, authorization: `Bearer ${token}` } });
    if (answer.status === 401 && attempt === 0) {
      tokens.invalidate();
      continue;
    }
    if (answer.status === 401 || answer.status === 403) {
      throw new ConnectorError(
        'auth',
        `HTTP ${answer.status} (access token refused): ${excerpt(answer.body.toString('utf8'))}`,
        answer.status,
      );
    }
    return answer;
  }
}
