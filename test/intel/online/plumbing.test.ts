import { requestJson, retryAfterMs } from '../../../src/intel/online/http';
import { parseRate, TokenBucket } from '../../../src/intel/online/rate-limit';
import { parseDuration } from '../../../src/domain/duration';
import { listenOnLoopback } from '../../servers/listen-on-loopback';
import { VirusTotalServer } from '../../servers/virustotal-server';

describe('TokenBucket', () => {
  it('allows a burst of its size, then one token per interval share, on the injected clock', () => {
    const clock = {
      t: 0,
      now() {
        return this.t;
      },
    };
    const bucket = new TokenBucket({ requests: 4, perMs: 60_000 }, clock);
    expect([1, 2, 3, 4].map(() => bucket.take().ok)).toEqual([true, true, true, true]);
    expect(bucket.take()).toEqual({ ok: false, retryAfterMs: 15_000 });
    clock.t = 7_500;
    expect(bucket.take()).toEqual({ ok: false, retryAfterMs: 7_500 });
    clock.t = 15_000;
    expect(bucket.take()).toEqual({ ok: true });
    clock.t = 10 * 60_000; // a long pause refills to the burst size, not beyond
    expect([1, 2, 3, 4, 5].map(() => bucket.take().ok)).toEqual([true, true, true, true, false]);
  });

  it('models a daily quota', () => {
    const clock = { now: () => 0 };
    const bucket = new TokenBucket(parseRate('1000/1d', parseDuration), clock);
    for (let i = 0; i < 1000; i++) expect(bucket.take().ok).toBe(true);
    expect(bucket.take()).toEqual({ ok: false, retryAfterMs: 86_400 });
  });

  it('parses rates and refuses nonsense', () => {
    expect(parseRate('4/1m', parseDuration)).toEqual({ requests: 4, perMs: 60_000 });
    expect(() => parseRate('0/1m', parseDuration)).toThrow(/not a rate/);
    expect(() => parseRate('4 per minute', parseDuration)).toThrow(/not a rate/);
  });
});

describe('retryAfterMs', () => {
  it("reads seconds, an HTTP date and urlscan's X-Rate-Limit-Reset-After", () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '120' }))).toBe(120_000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Sat, 15 Mar 2025 00:01:00 GMT' }), Date.parse('2025-03-15T00:00:00Z'))).toBe(60_000);
    expect(retryAfterMs(new Headers({ 'x-rate-limit-reset-after': '17' }))).toBe(17_000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMs(new Headers())).toBeUndefined();
  });
});

describe('requestJson', () => {
  const server = new VirusTotalServer({
    apiKey: 'k',
    domains: { 'a.example': { malicious: 1, suspicious: 0, harmless: 1, undetected: 1 } },
  });
  let base: string;
  beforeAll(async () => {
    base = await server.start();
  });
  afterAll(() => server.stop());

  it('refuses answers over its size cap', async () => {
    await expect(
      requestJson({ url: `${base}/api/v3/domains/a.example`, headers: { 'x-apikey': 'k' }, timeoutMs: 5_000, maxBytes: 100 }),
    ).rejects.toMatchObject({ kind: 'too-large', message: expect.stringMatching(/larger than the 100-byte limit$/) });
    const ok = await requestJson({ url: `${base}/api/v3/domains/a.example`, headers: { 'x-apikey': 'k' }, timeoutMs: 5_000 });
    expect(ok.status).toBe(200);
  });

  it('reports a refused connection as a network error', async () => {
    const closed = await listenOnLoopback(() => undefined);
    await closed.close();
    await expect(requestJson({ url: `${closed.url}/`, timeoutMs: 5_000 })).rejects.toMatchObject({
      kind: 'network',
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('returns non-2xx, non-auth answers with their parsed body for the provider to read', async () => {
    const r = await requestJson({ url: `${base}/api/v3/domains/missing.example`, headers: { 'x-apikey': 'k' }, timeoutMs: 5_000 });
    expect(r).toMatchObject({ status: 404, body: { error: { code: 'NotFoundError' } } });
  });
});
