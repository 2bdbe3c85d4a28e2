// A local HTTP endpoint standing in for a generic webhook receiver or a Slack incoming
// webhook: records each POST (headers and JSON body) and answers 200 (Slack answers "ok").
import type { IncomingHttpHeaders } from 'node:http';
import { listenOnLoopback, readBody, type LoopbackServer } from './listen-on-loopback';

export class WebhookServer {
  readonly received: { path: string; headers: IncomingHttpHeaders; body: Record<string, unknown> }[] = [];
  /** Answer this status to the next N requests (to exercise retries). */
  failNext = 0;
  private listening?: LoopbackServer;

  async start(): Promise<string> {
    this.listening = await listenOnLoopback(async (req, res) => {
      const body = await readBody(req);
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
