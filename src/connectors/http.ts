// HTTP for every connector: a deadline per request joined with the caller's cancellation
// (an activity's), answers read up to a size cap, JSON parsed with a clear failure. What a
// failure is called belongs to each family of connectors: it hands createHttpClient an
// error mapping, so EDR and sandbox calls throw ConnectorError, intel lookups IntelError,
// and the activities and workflows that act on those kinds and names keep them.

/** What went wrong, before a family gives it its own error. */
export type HttpFailure =
  /** No answer (or not all of it) within timeoutMs. */
  | { kind: 'timeout'; message: string }
  /** No HTTP answer at all: refused, reset, DNS, TLS. */
  | { kind: 'network'; message: string }
  /** The answer is larger than maxBytes. */
  | { kind: 'too-large'; message: string }
  /** A status the family fails on (see HttpErrorMapping.failsOn); text is the start of the body. */
  | { kind: 'status'; message: string; status: number; headers: Headers; text: string }
  /** parseJson: a body that should be JSON is not. */
  | { kind: 'malformed'; message: string; status: number };

export interface HttpErrorMapping {
  /** Largest answer read when a request names no maxBytes. */
  defaultMaxBytes: number;
  /** Statuses that throw (as a 'status' failure) instead of coming back to the caller. */
  failsOn(status: number): boolean;
  /** The family's own error for a failure. */
  toError(failure: HttpFailure): Error;
}

export interface HttpRequest {
  url: string;
  method?: 'GET' | 'POST' | 'DELETE';
  headers?: Record<string, string>;
  body?: string | URLSearchParams | FormData;
  timeoutMs: number;
  /** The caller's cancellation: when it fires, its reason is thrown unchanged (Temporal sees its CancelledFailure). */
  signal?: AbortSignal;
  /** Largest answer read, in bytes (default: the mapping's defaultMaxBytes). */
  maxBytes?: number;
  /** False when only the status matters (a webhook): the body is dropped unread, whatever its size. */
  readBody?: boolean;
  fetchImpl?: typeof fetch;
}

export interface HttpAnswer { status: number; headers: Headers; body: Buffer }

export interface HttpClient {
  /**
   * Sends a request and reads the whole answer. Throws the family's error for transport
   * failures, timeouts, statuses it fails on and answers past maxBytes, and the caller's
   * abort reason when its signal fires. Every other status comes back to the caller.
   */
  request(r: HttpRequest): Promise<HttpAnswer>;
  /** The body as JSON; undefined when it is empty. A body that is not JSON is 'malformed'. */
  parseJson(answer: HttpAnswer, what?: string): unknown;
  /** As parseJson, except that a non-2xx answer that is not JSON (an error page) gives undefined. */
  parseJsonOrErrorPage(answer: HttpAnswer, what?: string): unknown;
}

/** Enough of an error answer's body to quote in a message. */
const ERROR_BODY_BYTES = 64 * 1024;

/** A short, printable excerpt of an answer for error messages (never request headers, so never a secret). */
export function excerpt(text: string, max = 200): string {
  return text.replace(/\s+/g, ' ').replace(/[^\x20-\x7e]/g, '?').trim().slice(0, max);
}

export const isSuccess = (status: number): boolean => status >= 200 && status <= 299;

/** Carries a failure from where it is found to the one place that maps it. */
class Failed extends Error {
  constructor(readonly failure: HttpFailure) {
    super(failure.message);
  }
}

async function readBounded(res: Response, maxBytes: number): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0);
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body.cancel().catch(() => undefined);
    throw new Failed({ kind: 'too-large', message: `answer of ${declared} bytes is larger than the ${maxBytes}-byte limit` });
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
      throw new Failed({ kind: 'too-large', message: `answer larger than the ${maxBytes}-byte limit` });
    }
    chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
  return Buffer.concat(chunks);
}

function transportFailure(err: unknown, timeoutMs: number): HttpFailure {
  const e = err as { name?: string; message?: string; cause?: { name?: string; code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError') return { kind: 'timeout', message: `no answer within ${timeoutMs} ms` };
  if (e?.name === 'AbortError') return { kind: 'timeout', message: 'request aborted' };
  return { kind: 'network', message: `network error: ${e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err)}` };
}

async function statusFailure(res: Response): Promise<Failed> {
  // The body only serves the message: one too large or cut off leaves it empty.
  const text = (await readBounded(res, ERROR_BODY_BYTES).catch(() => Buffer.alloc(0))).toString('utf8');
  const message = `HTTP ${res.status}${res.status === 429 ? ' (throttled)' : ''}: ${excerpt(text)}`;
  return new Failed({ kind: 'status', message, status: res.status, headers: res.headers, text });
}

export function createHttpClient(errors: HttpErrorMapping): HttpClient {
  function parse(answer: HttpAnswer, what: string | undefined, errorPages: boolean): unknown {
    const text = answer.body.toString('utf8');
    if (!text.trim()) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      if (errorPages && !isSuccess(answer.status)) return undefined;
      const message = `${what ? `${what}: ` : ''}HTTP ${answer.status} answer is not JSON: ${excerpt(text, 80)}`;
      throw errors.toError({ kind: 'malformed', message, status: answer.status });
    }
  }

  return {
    async request(r) {
      const fetchImpl = r.fetchImpl ?? fetch;
      const deadline = AbortSignal.timeout(r.timeoutMs);
      const signal = r.signal ? AbortSignal.any([deadline, r.signal]) : deadline;
      try {
        const res = await fetchImpl(r.url, { method: r.method ?? 'GET', headers: r.headers, body: r.body, signal });
        if (errors.failsOn(res.status)) throw await statusFailure(res);
        if (r.readBody === false) {
          await res.body?.cancel().catch(() => undefined);
          return { status: res.status, headers: res.headers, body: Buffer.alloc(0) };
        }
        return { status: res.status, headers: res.headers, body: await readBounded(res, r.maxBytes ?? errors.defaultMaxBytes) };
      } catch (err) {
        if (r.signal?.aborted) throw r.signal.reason ?? err;
        throw errors.toError(err instanceof Failed ? err.failure : transportFailure(err, r.timeoutMs));
      }
    },
    parseJson: (answer, what) => parse(answer, what, false),
    parseJsonOrErrorPage: (answer, what) => parse(answer, what, true),
  };
}
