// Connector calls and failures by vendor, counted where every connector's HTTP goes
// (connectors/http.ts), against a local server: one success, one failing status, one refused
// connection, one throttled answer retried in place; and the worker's /metrics listener serving them.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpClient } from '../../src/connectors/http';
import { startMetricsServer, type MetricsServer } from '../../src/metrics/server';
import { parsePrometheus, sumOf } from '../helpers/prometheus';

let server: Server;
let base: string;
let throttledOnce = false;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/ok') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    if (req.url === '/throttled' && !throttledOnce) {
      throttledOnce = true;
      return void res.writeHead(429, { 'retry-after': '0' }).end();
    }
    if (req.url === '/throttled') return void res.writeHead(200).end('{}');
    res.writeHead(500).end('boom');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const http = createHttpClient({
  defaultMaxBytes: 1024,
  failsOn: (s) => s >= 429,
  toError: (f) => new Error(`${f.kind}: ${f.message}`),
  honourRetryAfter: { maxWaitMs: 1_000, maxRetries: 1 },
});

let metrics: MetricsServer;
beforeAll(async () => {
  metrics = await startMetricsServer('127.0.0.1', 0);
});
afterAll(() => metrics.close());
const scrape = async () => {
  const res = await fetch(metrics.url);
  expect(res.status).toBe(200);
  return parsePrometheus(await res.text()).samples;
};

test('calls and failures are counted per vendor and failure kind; a request naming no vendor is counted under its host', async () => {
  await http.request({ url: `${base}/ok`, timeoutMs: 5_000, vendor: 'acme' });
  await expect(http.request({ url: `${base}/fail`, timeoutMs: 5_000, vendor: 'acme' })).rejects.toThrow(/^status: HTTP 500/);
  await http.request({ url: `${base}/throttled`, timeoutMs: 5_000, vendor: 'acme' }); // 429, then 200 in place
  // A port nobody listens on: the server's own, once closed, is not reliably free; port 9 (discard) is refused on loopback.
  await expect(http.request({ url: 'http://127.0.0.1:9/x', timeoutMs: 5_000 })).rejects.toThrow(/^network:/);

  const samples = await scrape();
  expect(sumOf(samples, 'autosoc_connector_calls_total', { vendor: 'acme' })).toBe(4);
  expect(sumOf(samples, 'autosoc_connector_failures_total', { vendor: 'acme', kind: 'status' })).toBe(2);
  expect(sumOf(samples, 'autosoc_connector_failures_total', { vendor: 'acme' })).toBe(2);
  expect(sumOf(samples, 'autosoc_connector_calls_total', { vendor: '127.0.0.1' })).toBe(1);
  expect(sumOf(samples, 'autosoc_connector_failures_total', { vendor: '127.0.0.1', kind: 'network' })).toBe(1);
});

test('a caller cancellation is not a connector failure', async () => {
  const before = sumOf(await scrape(), 'autosoc_connector_failures_total');
  const abort = new AbortController();
  abort.abort(new Error('activity cancelled'));
  await expect(http.request({ url: `${base}/ok`, timeoutMs: 5_000, vendor: 'acme', signal: abort.signal })).rejects.toThrow(
    'activity cancelled',
  );
  expect(sumOf(await scrape(), 'autosoc_connector_failures_total')).toBe(before);
});

test("the worker's listener serves only GET /metrics", async () => {
  expect((await fetch(metrics.url.replace('/metrics', '/'))).status).toBe(404);
  expect((await fetch(metrics.url, { method: 'POST' })).status).toBe(404);
  expect(metrics.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
});
