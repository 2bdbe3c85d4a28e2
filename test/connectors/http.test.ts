// The shared connector HTTP client, with a made-up family's error mapping: what it reads,
// what it refuses, and that every failure reaches the caller as that family's own error.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHttpClient, excerpt, type HttpFailure } from '../../src/connectors/http';
import { listenOnLoopback, readBody, type LoopbackServer } from '../servers/listen-on-loopback';

class TestFamilyError extends Error {
  constructor(readonly failure: HttpFailure) {
    super(`test family: ${failure.message}`);
    this.name = 'TestFamilyError';
  }
}

const http = createHttpClient({ defaultMaxBytes: 1024, failsOn: (s) => s === 429 || s >= 500, toError: (f) => new TestFamilyError(f) });

type Route = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;
const routes: Record<string, Route> = {
  '/json': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok": true}'),
  '/echo': (req, res, body) =>
    res.writeHead(200).end(JSON.stringify({ method: req.method, auth: req.headers.authorization, body: body.toString('utf8') })),
  '/empty': (_req, res) => res.writeHead(204).end(),
  '/not-json': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>\n  <b>gateway</b>\n</html>'),
  '/error-page': (_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>'),
  '/declared-big': (_req, res) => res.writeHead(200, { 'content-length': '4096' }).end('x'.repeat(4096)),
  '/streamed-big': (_req, res) => {
    res.writeHead(200); // chunked: no content-length to check up front
    for (let i = 0; i < 8; i++) res.write('y'.repeat(512));
    res.end();
  },
  '/throttled': (_req, res) => res.writeHead(429, { 'retry-after': '7' }).end('slow down, please'),
  '/broken': (_req, res) => res.writeHead(503).end('upstream\ndown'),
  '/hang': () => undefined,
  '/throttled-once': (_req, res) => {
    throttledOnce += 1;
    if (throttledOnce === 1) res.writeHead(429, { 'retry-after': '1' }).end('wait a second');
    else res.writeHead(200).end('{"ok": true}');
  },
  '/falcon-throttled': (_req, res) =>
    res
      .writeHead(429, {
        'x-ratelimit-limit': '6000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-retryafter': String(Math.floor(Date.now() / 1000) + 600),
      })
      .end('{"errors":[{"code":429,"message":"API rate limit exceeded."}]}'),
  '/stall-body': (_req, res) => {
    res.writeHead(200);
    res.write('{"half":');
  },
};

let server: LoopbackServer;
let throttledOnce = 0;
beforeAll(async () => {
  server = await listenOnLoopback(async (req, res) => {
    const body = await readBody(req);
    const route = routes[req.url ?? ''];
    if (route) route(req, res, body);
    else res.writeHead(404).end();
  });
});
afterAll(() => server.close());

const failureOf = async (p: Promise<unknown>): Promise<HttpFailure> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TestFamilyError);
  return (err as TestFamilyError).failure;
};

describe('createHttpClient', () => {
  it('sends method, headers and body, and reads the whole answer', async () => {
    const answer = await http.request({
      url: `${server.url}/echo`,
      method: 'POST',
      headers: { authorization: 'Bearer t' },
      body: 'hello',
      timeoutMs: 30_000,
    });
    expect(answer.status).toBe(200);
    expect(http.parseJson(answer)).toEqual({ method: 'POST', auth: 'Bearer t', body: 'hello' });
  });

  it('returns statuses the family does not fail on, for the caller to read', async () => {
    const answer = await http.request({ url: `${server.url}/error-page`, timeoutMs: 30_000 });
    expect(answer.status).toBe(404);
    expect(answer.body.toString('utf8')).toBe('<h1>Not Found</h1>');
  });

  it("fails on the family's statuses with the status, headers and the start of the body", async () => {
    const throttled = await failureOf(http.request({ url: `${server.url}/throttled`, timeoutMs: 30_000 }));
    expect(throttled).toMatchObject({
      kind: 'status',
      status: 429,
      text: 'slow down, please',
      retryAfterMs: 7_000,
      message: 'HTTP 429 (throttled) (retry after 7000 ms): slow down, please',
    });
    expect(throttled.kind === 'status' && throttled.headers.get('retry-after')).toBe('7');
    expect(await failureOf(http.request({ url: `${server.url}/broken`, timeoutMs: 30_000 }))).toMatchObject({
      kind: 'status',
      status: 503,
      message: 'HTTP 503: upstream down',
    });
  });

  it('refuses an answer larger than maxBytes, declared or streamed', async () => {
    expect(await failureOf(http.request({ url: `${server.url}/declared-big`, timeoutMs: 30_000 }))).toEqual({
      kind: 'too-large',
      message: 'answer of 4096 bytes is larger than the 1024-byte limit',
    });
    expect(await failureOf(http.request({ url: `${server.url}/streamed-big`, timeoutMs: 30_000 }))).toEqual({
      kind: 'too-large',
      message: 'answer larger than the 1024-byte limit',
    });
    const roomy = await http.request({ url: `${server.url}/streamed-big`, timeoutMs: 30_000, maxBytes: 4096 });
    expect(roomy.body.length).toBe(4096);
  });

  it('drops the body unread when only the status matters', async () => {
    const answer = await http.request({ url: `${server.url}/declared-big`, timeoutMs: 30_000, readBody: false });
    expect({ status: answer.status, bytes: answer.body.length }).toEqual({ status: 200, bytes: 0 });
  });

  it('times out on no answer and on a body that stops coming', async () => {
    expect(await failureOf(http.request({ url: `${server.url}/hang`, timeoutMs: 150 }))).toEqual({
      kind: 'timeout',
      message: 'no answer within 150 ms',
    });
    expect(await failureOf(http.request({ url: `${server.url}/stall-body`, timeoutMs: 150 }))).toEqual({
      kind: 'timeout',
      message: 'no answer within 150 ms',
    });
  });

  it('reports a refused connection as a network failure', async () => {
    const closed = await listenOnLoopback(() => undefined);
    await closed.close();
    const failure = await failureOf(http.request({ url: `${closed.url}/json`, timeoutMs: 30_000 }));
    expect(failure).toMatchObject({ kind: 'network', message: expect.stringContaining('ECONNREFUSED') });
  });

  it("throws the caller's abort reason unchanged, not a family error", async () => {
    const caller = new AbortController();
    const reason = new Error('activity cancelled');
    const pending = http.request({ url: `${server.url}/hang`, timeoutMs: 10_000, signal: caller.signal });
    caller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('parses JSON: empty is undefined, a non-JSON 2xx is malformed, a non-JSON error page is tolerated on request', async () => {
    expect(http.parseJson(await http.request({ url: `${server.url}/json`, timeoutMs: 30_000 }))).toEqual({ ok: true });
    expect(http.parseJson(await http.request({ url: `${server.url}/empty`, timeoutMs: 30_000 }))).toBeUndefined();
    const notJson = await http.request({ url: `${server.url}/not-json`, timeoutMs: 30_000 });
    let thrown: unknown;
    try {
      http.parseJsonOrErrorPage(notJson, 'gateway check');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(TestFamilyError);
    expect((thrown as TestFamilyError).failure).toEqual({
      kind: 'malformed',
      status: 200,
      message: 'gateway check: HTTP 200 answer is not JSON: <html> <b>gateway</b> </html>',
    });
    const errorPage = await http.request({ url: `${server.url}/error-page`, timeoutMs: 30_000 });
    expect(http.parseJsonOrErrorPage(errorPage)).toBeUndefined();
    expect(() => http.parseJson(errorPage)).toThrow('HTTP 404 answer is not JSON: <h1>Not Found</h1>');
  });
});

describe('honourRetryAfter', () => {
  const patient = createHttpClient({
    defaultMaxBytes: 1024,
    failsOn: (s) => s === 429 || s >= 500,
    toError: (f) => new TestFamilyError(f),
    honourRetryAfter: { maxWaitMs: 5_000, maxRetries: 2 },
  });

  it('waits out a short Retry-After in place and retries', async () => {
    throttledOnce = 0;
    const answer = await patient.request({ url: `${server.url}/throttled-once`, timeoutMs: 30_000 });
    expect(answer.status).toBe(200);
    expect(throttledOnce).toBe(2);
  });

  it('fails at once on a wait past its budget, carrying the wait (Falcon X-RateLimit-RetryAfter, an epoch second)', async () => {
    const f = await failureOf(patient.request({ url: `${server.url}/falcon-throttled`, timeoutMs: 30_000 }));
    expect(f).toMatchObject({ kind: 'status', status: 429 });
    expect(f.kind === 'status' && f.retryAfterMs).toBeGreaterThan(590_000);
    expect(f.kind === 'status' && f.retryAfterMs).toBeLessThanOrEqual(600_000);
  });
});

describe('excerpt', () => {
  it('folds white space, masks what is not printable ASCII and cuts to length', () => {
    expect(excerpt('  a\n\tb  \u0000c\u00e9 ')).toBe('a b ?c?');
    expect(excerpt('x'.repeat(500))).toHaveLength(200);
    expect(excerpt('abcdef', 3)).toBe('abc');
  });
});
