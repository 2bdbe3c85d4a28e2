// What every response connector shares: one authorized JSON call with the vendor's error
// quoted in the failure, the settings of an OAuth client-credentials vendor, and hash types.
import { ConnectorError, excerpt, parseJsonOrErrorPage, type HttpAnswer } from '../connector-http';
import { authorizedRequest, OAuthTokenSource } from '../edr/oauth';
import type { PollSettings } from '../edr/types';
import { trimEndChars } from '../../domain/text-scan';
import type { ResponseOutcome } from '../response-connector';

export interface OAuthVendorSettings {
  baseUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Azure AD scope (…/.default); Falcon takes none. */
  scope?: string;
  timeoutMs: number;
  /** Bounds for waiting on asynchronous actions (containment, machine actions). */
  poll: PollSettings;
  fetchImpl?: typeof fetch;
}

/** The vendor's own words for a failed answer: Falcon {errors:[{code,message}]}, Microsoft {error:{code,message}}, Okta {errorCode,errorSummary}. */
export function vendorError(parsed: unknown, answer: HttpAnswer): string {
  const p = parsed as
    | {
        errors?: { code?: unknown; message?: unknown }[];
        error?: { code?: unknown; message?: unknown };
        errorCode?: unknown;
        errorSummary?: unknown;
      }
    | undefined;
  const first = p?.errors?.[0] ?? p?.error;
  if (first && (first.code !== undefined || first.message !== undefined))
    return `${String(first.code ?? '')}: ${String(first.message ?? '')}`;
  if (p?.errorCode !== undefined) return `${String(p.errorCode)}: ${String(p.errorSummary ?? '')}`;
  return excerpt(answer.body.toString('utf8'));
}

/** The parsed body of a 2xx answer; else 404 'not-found', 401/403 'auth', other statuses 'rejected', quoting the vendor. */
export function expectSuccess(vendor: string, what: string, answer: HttpAnswer): unknown {
  const parsed = parseJsonOrErrorPage(answer, `${vendor} ${what}`);
  if (answer.status >= 200 && answer.status <= 299) return parsed;
  const message = `${vendor} ${what}: HTTP ${answer.status} ${vendorError(parsed, answer)}`;
  const kind = answer.status === 404 ? 'not-found' : answer.status === 401 || answer.status === 403 ? 'auth' : 'rejected';
  throw new ConnectorError(kind, message, answer.status);
}

/** A client-credentials vendor: JSON calls with a bearer token refreshed on 401. */
export class OAuthVendor {
  readonly base: string;
  private readonly tokens: OAuthTokenSource;
  private readonly s: Omit<OAuthVendorSettings, 'clientSecret'>;

  constructor(
    readonly vendor: string,
    { clientSecret, ...settings }: OAuthVendorSettings,
    sendGrantType: boolean,
  ) {
    this.s = settings;
    this.base = trimEndChars(settings.baseUrl, '/');
    this.tokens = new OAuthTokenSource(
      { tokenUrl: settings.tokenUrl, clientId: settings.clientId, clientSecret, scope: settings.scope, sendGrantType },
      { timeoutMs: settings.timeoutMs, fetchImpl: settings.fetchImpl },
    );
  }

  get poll(): PollSettings {
    return this.s.poll;
  }

  /** Sends JSON (when body is given) and returns the parsed 2xx answer, or throws ConnectorError. */
  async call(
    what: string,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    signal?: AbortSignal,
    body?: unknown,
  ): Promise<unknown> {
    const answer = await authorizedRequest(this.tokens, {
      url: `${this.base}${path}`,
      method,
      signal,
      timeoutMs: this.s.timeoutMs,
      fetchImpl: this.s.fetchImpl,
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return expectSuccess(this.vendor, what, answer);
  }
}

export type HashType = 'sha256' | 'sha1' | 'md5';
export function hashType(hash: string): HashType {
  if (/^[0-9a-f]{64}$/i.test(hash)) return 'sha256';
  if (/^[0-9a-f]{40}$/i.test(hash)) return 'sha1';
  if (/^[0-9a-f]{32}$/i.test(hash)) return 'md5';
  throw new ConnectorError('rejected', `not a file hash: ${hash.slice(0, 80)}`);
}

export const executed = (vendor: string, detail: string): ResponseOutcome => ({ status: 'executed', detail: `${vendor}: ${detail}` });
export const undone = (vendor: string, detail: string): ResponseOutcome => ({ status: 'undone', detail: `${vendor}: ${detail}` });

/** OData string literal: single quotes doubled (OData v4 ABNF, SQUOTE-in-string). */
export const odataString = (s: string): string => `'${s.replace(/'/g, "''")}'`;
