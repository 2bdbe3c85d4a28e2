// HTTP for intel providers: the shared client (src/connectors/http.ts) with failures sorted
// into kinds the lookup layer acts on (429 → wait for retryAfterMs, auth → stop asking).
import { createHttpClient, excerpt, retryAfterMs, type HttpFailure } from '../../connectors/http';

export { excerpt, retryAfterMs } from '../../connectors/http';

export type IntelErrorKind = 'timeout' | 'network' | 'auth' | 'rate-limited' | 'http' | 'malformed' | 'too-large';

export class IntelError extends Error {
  constructor(
    readonly kind: IntelErrorKind,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'IntelError';
  }
}

export const isIntelError = (err: unknown): err is IntelError => err instanceof Error && err.name === 'IntelError';

export interface JsonRequest {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Largest answer read, in bytes (default 2 MiB). */
  maxBytes?: number;
  fetchImpl?: typeof fetch;
  /** The provider, for the metrics (autosoc_connector_calls_total). */
  vendor?: string;
}

export interface JsonAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

function toIntelError(f: HttpFailure): IntelError {
  if (f.kind !== 'status') return new IntelError(f.kind, f.message);
  if (f.status === 429) return new IntelError('rate-limited', 'HTTP 429 Too Many Requests', retryAfterMs(f.headers));
  if (f.status === 401 || f.status === 403) return new IntelError('auth', `HTTP ${f.status} (API key refused): ${excerpt(f.text)}`);
  return new IntelError('http', f.message);
}

/** 429, 401/403 and 5xx throw; other statuses (404, 400, 422...) are the provider's to read. */
const http = createHttpClient({
  defaultMaxBytes: 2 * 1024 * 1024,
  failsOn: (status) => status === 429 || status === 401 || status === 403 || status >= 500,
  toError: toIntelError,
});

/**
 * Sends a request and parses a JSON answer. Throws IntelError for transport failures,
 * 429, 401/403, 5xx, oversized answers and a 2xx answer that is not JSON. Other statuses
 * (404, 400, 422...) come back with their parsed body (undefined when not JSON).
 */
export async function requestJson(r: JsonRequest): Promise<JsonAnswer> {
  const answer = await http.request(r);
  return { status: answer.status, headers: answer.headers, body: http.parseJsonOrErrorPage(answer) };
}
