// HTTP for the sandbox and EDR connectors: the shared client (src/connectors/http.ts) with
// failures sorted by what the caller does next. Only 'unavailable' is worth retrying;
// src/activities/edr.ts turns the other kinds into the non-retryable EdrAuth, EdrNotFound,
// EdrRejected, EdrMalformed and EdrTooLarge.
import { setTimeout as delay } from 'node:timers/promises';
import { createHttpClient, type HttpFailure } from '../http';

export { excerpt, type HttpAnswer, type HttpRequest } from '../http';

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
  constructor(readonly kind: ConnectorErrorKind, message: string, readonly status?: number) {
    super(message);
    this.name = 'ConnectorError';
  }
}

export const isConnectorError = (err: unknown): err is ConnectorError => err instanceof Error && err.name === 'ConnectorError';

function toConnectorError(f: HttpFailure): ConnectorError {
  switch (f.kind) {
    case 'too-large': return new ConnectorError('too-large', f.message);
    case 'malformed': return new ConnectorError('malformed', f.message, f.status);
    case 'status': return new ConnectorError('unavailable', f.message, f.status);
    default: return new ConnectorError('unavailable', f.message);
  }
}

/** 429 and 5xx throw 'unavailable'; every other status comes back to the caller. */
const http = createHttpClient({
  defaultMaxBytes: 4 * 1024 * 1024,
  failsOn: (status) => status === 429 || status >= 500,
  toError: toConnectorError,
});

export const { request, parseJson, parseJsonOrErrorPage } = http;

/** Waits ms, or throws the signal's reason as soon as it fires. */
export async function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch (err) {
    throw signal?.aborted ? (signal.reason ?? err) : err;
  }
}

/** The next poll interval: grows by half each time, never past max. */
export const nextInterval = (current: number, max: number): number => Math.min(max, Math.ceil(current * 1.5));
