// HTTP for the sandbox and EDR connectors: a deadline per request joined with the caller's
// cancellation (an activity's), answers read up to a size cap, and failures sorted by what
// the caller does next. Only 'unavailable' is worth retrying; 'cancelled' passes the
// caller's own abort reason through, so Temporal sees its CancelledFailure.
import { setTimeout as delay } from 'node:timers/promises';

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

export interface HttpRequest {
  url: string;
  method?: 'GET' | 'POST' | 'DELETE';
  headers?: Record<string, string>;
  body?: string | URLSearchParams | FormData;
  timeoutMs: number;
  /** The caller's cancellation: when it fires, its reason is thrown unchanged. */
  signal?: AbortSignal;
  /** Largest answer read, in bytes (default 4 MiB). */
  maxBytes?: number;
  fetchImpl?: typeof fetch;
}

export interface HttpAnswer { status: number; headers: Headers; body: Buffer }

const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

/** A short, printable excerpt of an answer for error messages (never request headers, so never a secret). */
export function excerpt(text: string, max = 200): string {
  return text.replace(/\s+/g, ' ').replace(/[^\x20-\x7e]/g, '?').trim().slice(0, max);
}

async function readBounded(res: Response, maxBytes: number): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0);
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body.cancel().catch(() => undefined);
    throw new ConnectorError('too-large', `answer of ${declared} bytes is larger than the ${maxBytes}-byte limit`);
  }
  const reader = res.body.getReader();
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new ConnectorError('too-large', `answer larger than the ${maxBytes}-byte limit`);
    }
    chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
  return Buffer.concat(chunks);
}

function transportError(err: unknown, r: HttpRequest): unknown {
  if (r.signal?.aborted) return r.signal.reason ?? err;
  if (isConnectorError(err)) return err;
  const e = err as { name?: string; message?: string; cause?: { name?: string; code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError') return new ConnectorError('unavailable', `no answer within ${r.timeoutMs} ms`);
  return new ConnectorError('unavailable', `network error: ${e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err)}`);
}

/**
 * Sends a request and reads the whole answer. Throws ConnectorError 'unavailable' for
 * transport failures, timeouts, 429 and 5xx, 'too-large' past maxBytes, and the caller's
 * abort reason when its signal fires. Every other status comes back to the caller.
 */
export async function request(r: HttpRequest): Promise<HttpAnswer> {
  const fetchImpl = r.fetchImpl ?? fetch;
  const deadline = AbortSignal.timeout(r.timeoutMs);
  const signal = r.signal ? AbortSignal.any([deadline, r.signal]) : deadline;
  try {
    const res = await fetchImpl(r.url, { method: r.method ?? 'GET', headers: r.headers, body: r.body, signal });
    if (res.status === 429 || res.status >= 500) {
      const text = (await readBounded(res, 64 * 1024).catch(() => Buffer.alloc(0))).toString('utf8');
      throw new ConnectorError('unavailable', `HTTP ${res.status}${res.status === 429 ? ' (throttled)' : ''}: ${excerpt(text)}`, res.status);
    }
    return { status: res.status, headers: res.headers, body: await readBounded(res, r.maxBytes ?? DEFAULT_MAX_BYTES) };
  } catch (err) {
    throw transportError(err, r);
  }
}

/** Parses a JSON answer; undefined when the body is empty. A body that is not JSON is 'malformed'. */
export function parseJson(answer: HttpAnswer, what: string): unknown {
  const text = answer.body.toString('utf8');
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ConnectorError('malformed', `${what}: HTTP ${answer.status} answer is not JSON: ${excerpt(text, 80)}`, answer.status);
  }
}

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
