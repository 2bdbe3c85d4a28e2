// HTTP for every connector: a deadline per request joined with the caller's cancellation
// (an activity's), answers read up to a size cap, JSON parsed with a clear failure. What a
// failure is called belongs to each family of connectors: it hands createHttpClient an
// error mapping, so EDR and sandbox calls throw ConnectorError, intel lookups IntelError,
// and the activities and workflows that act on those kinds and names keep them.

import { setTimeout as delay } from 'node:timers/promises';
import { boundedLabel, connectorCalls, connectorFailures } from '../metrics/metrics';

/** What went wrong, before a family gives it its own error. */
export type HttpFailure =
  /** No answer (or not all of it) within timeoutMs. */
  | { kind: 'timeout'; message: string }
  /** No HTTP answer at all: refused, reset, DNS, TLS. */
  | { kind: 'network'; message: string }
  /** The answer is larger than maxBytes. */
  | { kind: 'too-large'; message: string }
  /**
   * A status the family fails on (see HttpErrorMapping.failsOn); text is the start of the body;
   * retryAfterMs, what the server asked us to wait (see retryAfterMs()).
   */
  | { kind: 'status'; message: string; status: number; headers: Headers; text: string; retryAfterMs?: number }
  /** parseJson: a body that should be JSON is not. */
  | { kind: 'malformed'; message: string; status: number };

export interface HttpErrorMapping {
  /** Largest answer read when a request names no maxBytes. */
  defaultMaxBytes: number;
  /** Statuses that throw (as a 'status' failure) instead of coming back to the caller. */
  failsOn(status: number): boolean;
  /** The family's own error for a failure. */
  toError(failure: HttpFailure): Error;
  /**
   * A 429 (or 503) whose server says when to come back is retried in place when that is
   * within maxWaitMs, at most maxRetries times; a longer wait fails at once, the wait in the
   * failure's retryAfterMs. Unset: never retried here.
   */
  honourRetryAfter?: { maxWaitMs: number; maxRetries: number };
}

export interface HttpRequest {
  url: string;
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
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
  /** Who is called, for the metrics (autosoc_connector_calls_total); unset: the URL's host. */
  vendor?: string;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: Buffer;
}

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
  return text
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?')
    .trim()
    .slice(0, max);
}

export const isSuccess = (status: number): boolean => status >= 200 && status <= 299;

/**
 * Milliseconds a throttled answer asks us to wait, from the header its vendor documents:
 * Retry-After, seconds or an HTTP date (RFC 9110 §10.2.3; Slack, Microsoft Graph and Defender,
 * VirusTotal); X-RateLimit-RetryAfter, the epoch second when CrowdStrike's API takes requests
 * again (falconpy/gofalcon rate-limit headers); X-Rate-Limit-Reset-After, seconds (urlscan.io);
 * X-Rate-Limit-Reset, the epoch second the window resets (Okta, developer.okta.com/docs/reference/rl-best-practices).
 */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const seconds = (v: string | undefined) => (v && /^\d+(\.\d+)?$/.test(v) ? Math.round(Number(v) * 1000) : undefined);
  const retry = headers.get('retry-after')?.trim();
  if (retry) {
    const s = seconds(retry);
    if (s !== undefined) return s;
    const at = Date.parse(retry);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const falconAt = seconds(headers.get('x-ratelimit-retryafter')?.trim());
  if (falconAt !== undefined) return Math.max(0, falconAt - now);
  const after = seconds(headers.get('x-rate-limit-reset-after')?.trim());
  if (after !== undefined) return after;
  const resetAt = seconds(headers.get('x-rate-limit-reset')?.trim());
  return resetAt === undefined ? undefined : Math.max(0, resetAt - now);
}

const THROTTLED = new Set([429, 503]);

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
  if (e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError')
    return { kind: 'timeout', message: `no answer within ${timeoutMs} ms` };
  if (e?.name === 'AbortError') return { kind: 'timeout', message: 'request aborted' };
  return { kind: 'network', message: `network error: ${e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err)}` };
}

async function statusFailure(res: Response): Promise<Failed> {
  // The body only serves the message: one too large or cut off leaves it empty.
  const text = (await readBounded(res, ERROR_BODY_BYTES).catch(() => Buffer.alloc(0))).toString('utf8');
  const wait = THROTTLED.has(res.status) ? retryAfterMs(res.headers) : undefined;
  const message = `HTTP ${res.status}${res.status === 429 ? ' (throttled)' : ''}${wait !== undefined ? ` (retry after ${wait} ms)` : ''}: ${excerpt(text)}`;
  return new Failed({
    kind: 'status',
    message,
    status: res.status,
    headers: res.headers,
    text,
    ...(wait !== undefined ? { retryAfterMs: wait } : {}),
  });
}

/** Waits ms, or throws the signal's reason as soon as it fires. */
export async function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch (err) {
    throw signal?.aborted ? (signal.reason ?? err) : err;
  }
}

const hostOf = (url: string): string => {
  try {
    return new URL(url).hostname;
  } catch {
    return 'invalid-url';
  }
};

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

  /** One attempt, counted in the metrics by vendor (a failure also by its kind). */
  async function attempt(r: HttpRequest): Promise<HttpAnswer | Failed> {
    const vendor = boundedLabel('vendor', r.vendor ?? hostOf(r.url));
    connectorCalls.inc({ vendor });
    const outcome = await attemptOnce(r);
    if (outcome instanceof Failed) connectorFailures.inc({ vendor, kind: outcome.failure.kind });
    return outcome;
  }

  /** One attempt; every failure but the caller's cancellation comes back as its Failed. */
  async function attemptOnce(r: HttpRequest): Promise<HttpAnswer | Failed> {
    const fetchImpl = r.fetchImpl ?? fetch;
    const deadline = AbortSignal.timeout(r.timeoutMs);
    const signal = r.signal ? AbortSignal.any([deadline, r.signal]) : deadline;
    try {
      const res = await fetchImpl(r.url, { method: r.method ?? 'GET', headers: r.headers, body: r.body, signal });
      if (errors.failsOn(res.status)) return await statusFailure(res);
      if (r.readBody === false) {
        await res.body?.cancel().catch(() => undefined);
        return { status: res.status, headers: res.headers, body: Buffer.alloc(0) };
      }
      return { status: res.status, headers: res.headers, body: await readBounded(res, r.maxBytes ?? errors.defaultMaxBytes) };
    } catch (err) {
      if (r.signal?.aborted) throw r.signal.reason ?? err;
      if (err instanceof Failed) return err;
      return new Failed(transportFailure(err, r.timeoutMs));
    }
  }

  return {
    async request(r) {
      const budget = errors.honourRetryAfter;
      for (let retries = 0; ; retries++) {
        const outcome = await attempt(r);
        if (!(outcome instanceof Failed)) return outcome;
        const f = outcome.failure;
        const wait = f.kind === 'status' ? f.retryAfterMs : undefined;
        if (!budget || wait === undefined || wait > budget.maxWaitMs || retries >= budget.maxRetries) throw errors.toError(f);
        await abortableSleep(wait, r.signal);
      }
    },
    parseJson: (answer, what) => parse(answer, what, false),
    parseJsonOrErrorPage: (answer, what) => parse(answer, what, true),
  };
}
