// What the local ticket systems share: loopback HTTP, an auth check, injected faults
// (throttleNext: 429 with Retry-After in seconds, as Jira, ServiceNow and TheHive document;
// failNext: 503; loseNextCreateAnswer / loseNextCommentAnswer: the ticket or comment is made
// but the answer is lost, as when the connection drops), and `tickets`: what was created, which
// the tests count, with each ticket's comments, whether it is closed (by whom) and when it last changed.
import { randomInt } from 'node:crypto';
import { listenOnLoopback, readBody, type LoopbackServer } from '../listen-on-loopback';

export interface StoredTicket {
  id: string;
  key: string;
  correlationId: string;
  fields: Record<string, unknown>;
  comments: string[];
  /** Set when the ticket is closed (resolved): who did it and with which resolution or status. */
  closed?: { by: string; resolution: string };
  /** When it last changed (epoch ms): what "updated since" queries compare. */
  updatedAt: number;
  /** Requests that asked to close it (a transition, a state or status change): what "resolved once" counts. */
  closeRequests: number;
}
export type Answer = [number, unknown?];

export abstract class TicketServer {
  readonly tickets: StoredTicket[] = [];
  readonly calls: string[] = [];
  throttleNext = 0;
  failNext = 0;
  loseNextCreateAnswer = 0;
  loseNextCommentAnswer = 0;
  /** Answer a create this long after storing the ticket: a window in which a killed caller never hears of it. */
  createAnswerDelayMs = 0;
  private listening?: LoopbackServer;
  // Each server is a different site: its ids start at a random point, as a real site's are
  // past earlier tickets, so the tickets of two test files never share an id in one database.
  protected seq = randomInt(1, 1_000_000) * 100;

  get url(): string {
    if (!this.listening) throw new Error('not started');
    return this.listening.url;
  }

  protected abstract authorized(authorization: string | undefined): boolean;
  protected abstract route(method: string, path: string, query: URLSearchParams, body: Record<string, unknown>): Answer;
  /** Whether a request creates a ticket (for loseNextCreateAnswer). */
  protected abstract isCreate(method: string, path: string): boolean;
  /** Whether a request adds a comment (for loseNextCommentAnswer). */
  protected abstract isComment(method: string, path: string, body: Record<string, unknown>): boolean;

  /** How many tickets carry this correlation id: what exactly-once is counted by. */
  count(correlationId: string): number {
    return this.tickets.filter((t) => t.correlationId === correlationId).length;
  }

  async start(): Promise<void> {
    this.listening = await listenOnLoopback(async (req, res) => {
      const raw = (await readBody(req)).toString('utf8');
      const u = new URL(req.url ?? '/', 'http://local');
      const send = ([status, body]: Answer, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body === undefined ? '' : JSON.stringify(body));
      };
      this.calls.push(`${req.method} ${u.pathname}`);
      if (this.throttleNext > 0) {
        this.throttleNext -= 1;
        return send([429, { message: 'rate limited' }], { 'retry-after': '1' });
      }
      if (this.failNext > 0) {
        this.failNext -= 1;
        return send([503, { message: 'unavailable' }]);
      }
      if (!this.authorized(req.headers.authorization)) return send([401, { message: 'unauthorized' }]);
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      const answer = this.route(req.method ?? 'GET', u.pathname, u.searchParams, body);
      if (this.loseNextCreateAnswer > 0 && this.isCreate(req.method ?? 'GET', u.pathname) && answer[0] < 300) {
        this.loseNextCreateAnswer -= 1;
        req.socket.destroy(); // created, but the caller never hears of it
        return;
      }
      if (this.loseNextCommentAnswer > 0 && this.isComment(req.method ?? 'GET', u.pathname, body) && answer[0] < 300) {
        this.loseNextCommentAnswer -= 1;
        req.socket.destroy(); // commented, but the caller never hears of it
        return;
      }
      if (this.createAnswerDelayMs && this.isCreate(req.method ?? 'GET', u.pathname))
        await new Promise((r) => setTimeout(r, this.createAnswerDelayMs));
      send(answer);
    });
  }

  async stop(): Promise<void> {
    await this.listening?.close();
  }

  protected store(
    correlationId: string,
    fields: Record<string, unknown>,
    key: (n: number) => string,
    id: (n: number) => string,
  ): StoredTicket {
    this.seq += 1;
    const t: StoredTicket = {
      id: id(this.seq),
      key: key(this.seq),
      correlationId,
      fields,
      comments: [],
      updatedAt: this.tick(),
      closeRequests: 0,
    };
    this.tickets.push(t);
    return t;
  }

  /** A change time, strictly after the previous one (so "updated since" orders every change). */
  protected tick(): number {
    this.lastChange = Math.max(Date.now(), this.lastChange + 1);
    return this.lastChange;
  }
  private lastChange = 0;

  /** Closes a ticket (a human in the ticket system, or autosoc's call): who, with what resolution. */
  protected closeTicket(t: StoredTicket, by: string, resolution: string): void {
    t.closed = { by, resolution };
    t.updatedAt = this.tick();
  }

  protected byId(id: string): StoredTicket | undefined {
    return this.tickets.find((t) => t.id === id || t.key === id);
  }
}
