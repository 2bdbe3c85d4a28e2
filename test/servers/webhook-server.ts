// A local HTTP endpoint standing in for a generic webhook receiver or a Slack incoming
// webhook: records each POST (headers and JSON body) and answers 200 (Slack answers "ok").
// Throttled like Slack (api.slack.com/apis/rate-limits: "HTTP 429 Too Many Requests" with a
// Retry-After header in seconds) when throttleNext is set.
import type { IncomingHttpHeaders } from 'node:http';
import { listenOnLoopback, readBody, type LoopbackServer } from './listen-on-loopback';

export class WebhookServer {
  readonly received: { path: string; headers: IncomingHttpHeaders; body: Record<string, unknown> }[] = [];
  /** Answer this status to the next N requests (to exercise retries). */
  failNext = 0;
  /** Answer 429 with Retry-After: seconds to the next N requests. */
  throttleNext = 0;
  retryAfterSeconds = 1;
  throttled = 0;
  private listening?: LoopbackServer;

  async start(): Promise<string> {
    this.listening = await listenOnLoopback(async (req, res) => {
      const body = await readBody(req);
      if (this.throttleNext > 0) {
        this.throttleNext -= 1;
        this.throttled += 1;
        res.writeHead(429, { 'retry-after': String(this.retryAfterSeconds), 'content-type': 'text/plain' }).end('rate_limited');
        return;
      }
      if (this.failNext > 0) {
        this.failNext -= 1;
        res.writeHead(503).end('unavailable');
        return;
      }
      this.received.push({ path: req.url ?? '/', headers: req.headers, body: JSON.parse(body.toString('utf8')) });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
    return this.listening.url;
  }

  async stop(): Promise<void> {
    await this.listening?.close();
  }
}
