// A local PagerDuty Events API v2 (developer.pagerduty.com, "Events API v2 > Send an Alert Event"):
// POST /v2/enqueue { routing_key, event_action: trigger|acknowledge|resolve, dedup_key, payload }.
// 202 { status: 'success', message: 'Event processed', dedup_key }; 400 { status: 'invalid event',
// message, errors } for an unknown routing key or a trigger missing summary, source or severity;
// 429 when throttled ("Events API v2 > Rate limits"). A trigger whose dedup_key names an open
// incident joins it; resolve closes it; a resolve with no open incident changes nothing.
import { randomBytes } from 'node:crypto';
import { listenOnLoopback, readBody, type LoopbackServer } from './listen-on-loopback';

export class PagerDutyServer {
  readonly routingKey = randomBytes(16).toString('hex');
  /** Incidents by dedup key: how many triggers joined it, and whether it is resolved. */
  readonly incidents = new Map<string, { triggers: number; status: 'triggered' | 'resolved'; summary: string }>();
  throttleNext = 0;
  private listening?: LoopbackServer;

  get url(): string {
    if (!this.listening) throw new Error('not started');
    return this.listening.url;
  }

  async start(): Promise<void> {
    this.listening = await listenOnLoopback(async (req, res) => {
      const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as {
        routing_key?: string;
        event_action?: string;
        dedup_key?: string;
        payload?: Record<string, unknown>;
      };
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      };
      if (req.url !== '/v2/enqueue' || req.method !== 'POST') return send(404, { status: 'not found' });
      if (this.throttleNext > 0) {
        this.throttleNext -= 1;
        return send(429, { status: 'throttle event', message: 'Requests for this service are arriving too quickly.' });
      }
      const invalid = (message: string) => send(400, { status: 'invalid event', message: 'Event object is invalid', errors: [message] });
      if (body.routing_key !== this.routingKey) return invalid('Invalid routing key');
      const key = body.dedup_key ?? randomBytes(8).toString('hex');
      if (body.event_action === 'trigger') {
        const p = body.payload ?? {};
        if (!p.summary || !p.source || !['critical', 'error', 'warning', 'info'].includes(String(p.severity)))
          return invalid("'payload' is invalid or missing");
        const open = this.incidents.get(key);
        if (open?.status === 'triggered') open.triggers += 1;
        else this.incidents.set(key, { triggers: 1, status: 'triggered', summary: String(p.summary) });
      } else if (body.event_action === 'resolve') {
        const open = this.incidents.get(key);
        if (open) open.status = 'resolved';
      } else {
        return invalid("'event_action' is invalid");
      }
      send(202, { status: 'success', message: 'Event processed', dedup_key: key });
    });
  }

  async stop(): Promise<void> {
    await this.listening?.close();
  }
}
