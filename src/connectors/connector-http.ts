// HTTP for the vendor connectors (EDR, sandbox, response, SIEM, MISP): the shared client
// (src/connectors/http.ts) with failures sorted by what the caller does next. Only
// 'unavailable' is worth retrying; src/activities/edr.ts turns the other kinds into the
// non-retryable EdrAuth, EdrNotFound, EdrRejected, EdrMalformed and EdrTooLarge.
import { createHttpClient, type HttpFailure } from './http';

export { abortableSleep, excerpt, type HttpAnswer, type HttpRequest } from './http';

export type ConnectorErrorKind =
  /** Network error, timeout, 429 or 5xx: the service may answer later. */
  | 'unavailable'
  /** 401/403, or a token endpoint refusing the credentials. */
  | 'auth'
  /** The host, task, file or action does not exist. */
  | 'not-found'
  /** The service answered and said no (4xx, an error flag, a failed remote action). */
  | 'rejected'
  | 'malformed'
  | 'too-large';

export class ConnectorError extends Error {
  /** What a throttled service asked us to wait, when it was longer than we wait in place. */
  retryAfterMs?: number;

  constructor(
    readonly kind: ConnectorErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ConnectorError';
  }
}

export const isConnectorError = (err: unknown): err is ConnectorError => err instanceof Error && err.name === 'ConnectorError';

function toConnectorError(f: HttpFailure): ConnectorError {
  switch (f.kind) {
    case 'too-large':
      return new ConnectorError('too-large', f.message);
    case 'malformed':
      return new ConnectorError('malformed', f.message, f.status);
    case 'status':
      return Object.assign(
        new ConnectorError('unavailable', f.message, f.status),
        f.retryAfterMs !== undefined ? { retryAfterMs: f.retryAfterMs } : {},
      );
    default:
      return new ConnectorError('unavailable', f.message);
  }
}

/**
 * 429 and 5xx throw 'unavailable'; every other status comes back to the caller. A throttled
 * answer naming a wait of up to 30 s (Retry-After, Falcon's X-RateLimit-RetryAfter) is
 * retried in place after it.
 */
const http = createHttpClient({
  defaultMaxBytes: 4 * 1024 * 1024,
  failsOn: (status) => status === 429 || status >= 500,
  toError: toConnectorError,
  honourRetryAfter: { maxWaitMs: 30_000, maxRetries: 3 },
});

export const { request, parseJson, parseJsonOrErrorPage } = http;

/** The next poll interval: grows by half each time, never past max. */
export const nextInterval = (current: number, max: number): number => Math.min(max, Math.ceil(current * 1.5));
