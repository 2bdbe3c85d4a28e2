// HTTP for intel providers: a timeout on the whole exchange (AbortSignal.timeout), a cap on
// the answer's size, and failures sorted into kinds the lookup layer acts on (429 → wait).
export type IntelErrorKind = 'timeout' | 'network' | 'auth' | 'rate-limited' | 'http' | 'malformed' | 'too-large';

export class IntelError extends Error {
  constructor(readonly kind: IntelErrorKind, message: string, readonly retryAfterMs?: number) {
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
}

export interface JsonAnswer { status: number; headers: Headers; body: unknown }

const DEFAULT_MAX_BYTES = 2 * 1024 * 1024;

/** Milliseconds a 429 asks us to wait: Retry-After (seconds or HTTP date), else urlscan's X-Rate-Limit-Reset-After. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const retry = headers.get('retry-after')?.trim();
  if (retry) {
    if (/^\d+(\.\d+)?$/.test(retry)) return Math.round(Number(retry) * 1000);
    const at = Date.parse(retry);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const resetAfter = headers.get('x-rate-limit-reset-after')?.trim();
  if (resetAfter && /^\d+(\.\d+)?$/.test(resetAfter)) return Math.round(Number(resetAfter) * 1000);
  return undefined;
}

function transportError(err: unknown, timeoutMs: number): IntelError {
  if (isIntelError(err)) return err;
  const e = err as { name?: string; message?: string; cause?: { name?: string; code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError') return new IntelError('timeout', `no answer within ${timeoutMs} ms`);
  if (e?.name === 'AbortError') return new IntelError('timeout', 'request aborted');
  return new IntelError('network', `network error: ${e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err)}`);
}

async function readBounded(res: Response, maxBytes: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new IntelError('too-large', `answer larger than ${maxBytes} bytes`);
    }
    chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A short, printable excerpt of an error answer (never request headers, so never a key). */
export function excerpt(text: string, max = 160): string {
  return text.replace(/\s+/g, ' ').replace(/[^\x20-\x7e]/g, '?').trim().slice(0, max);
}

/**
 * Sends a request and parses a JSON answer. Throws IntelError for transport failures,
 * 429, 401/403, 5xx, oversized answers and a 2xx answer that is not JSON. Other statuses
 * (404, 400, 422...) come back with their parsed body (undefined when not JSON).
 */
export async function requestJson(r: JsonRequest): Promise<JsonAnswer> {
  const fetchImpl = r.fetchImpl ?? fetch;
  const signal = AbortSignal.timeout(r.timeoutMs);
  let res: Response;
  let text: string;
  try {
    res = await fetchImpl(r.url, { method: r.method ?? 'GET', headers: r.headers, body: r.body, signal });
    if (res.status === 429) {
      await res.body?.cancel().catch(() => undefined);
      throw new IntelError('rate-limited', 'HTTP 429 Too Many Requests', retryAfterMs(res.headers));
    }
    text = await readBounded(res, r.maxBytes ?? DEFAULT_MAX_BYTES);
  } catch (err) {
    throw transportError(err, r.timeoutMs);
  }
  if (res.status === 401 || res.status === 403) throw new IntelError('auth', `HTTP ${res.status} (API key refused): ${excerpt(text)}`);
  if (res.status >= 500) throw new IntelError('http', `HTTP ${res.status}: ${excerpt(text)}`);
  let body: unknown;
  try {
    body = text.trim() ? JSON.parse(text) : undefined;
  } catch {
    if (res.ok) throw new IntelError('malformed', `HTTP ${res.status} answer is not JSON: ${excerpt(text, 80)}`);
  }
  return { status: res.status, headers: res.headers, body };
}
