// Local servers for the SIEM write-back, each reproducing its vendor's documented answers:
// Kibana (Elastic Security): POST /api/detection_engine/signals/status → 200 update-by-query
//   answer {updated, total, …}; PATCH /api/note → 200 {note}; writes without `kbn-xsrf` are
//   400; a bad API key is 401 {statusCode:401, error:'Unauthorized', message}; 429 with
//   Retry-After; 500 {statusCode:500, error, message} (operation setAlertsStatus, Timeline API).
// Splunk ES: POST /services/notable_update (form: ruleUIDs, status, comment; output_mode=json)
//   → 200 {success:true, message:'1 event updated successfully', details:{}, failure_count:0};
//   a bad token is 401 {messages:[{type:'WARN', text:'call not properly authenticated'}]};
//   429; 503 (Notable Event API reference; Splunk REST API "Access requirements").
import { listenOnLoopback, readBody, type LoopbackServer } from './listen-on-loopback';

abstract class FaultyServer {
  /** The next N calls answer 429 (Retry-After: 1) / 500 or 503. */
  throttleNext = 0;
  failNext = 0;
  readonly faults: number[] = [];
  private listening?: LoopbackServer;

  protected abstract serve(
    method: string,
    path: string,
    headers: Record<string, string | string[] | undefined>,
    body: string,
  ): [number, unknown];
  protected abstract serverError(): [number, unknown];

  async start(): Promise<string> {
    this.listening = await listenOnLoopback(async (req, res) => {
      const body = (await readBody(req)).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://localhost');
      let answer: [number, unknown];
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (this.throttleNext > 0) {
        this.throttleNext -= 1;
        this.faults.push(429);
        answer = [429, { statusCode: 429, error: 'Too Many Requests', message: 'rate limited' }];
        headers['retry-after'] = '1';
      } else if (this.failNext > 0) {
        this.failNext -= 1;
        answer = this.serverError();
        this.faults.push(answer[0]);
      } else {
        answer = this.serve(req.method ?? '', url.pathname, req.headers, body);
      }
      res.writeHead(answer[0], headers).end(JSON.stringify(answer[1]));
    });
    return this.listening.url;
  }

  async stop(): Promise<void> {
    await this.listening?.close();
  }
}

export interface KibanaAlert {
  status: string;
  notes: string[];
}

export class KibanaServer extends FaultyServer {
  readonly alerts = new Map<string, KibanaAlert>();
  /** Status writes served, per alert id: what tests count. */
  readonly statusWrites: string[] = [];

  constructor(
    private readonly apiKey: string,
    ids: string[],
  ) {
    super();
    for (const id of ids) this.alerts.set(id, { status: 'open', notes: [] });
  }

  protected serverError(): [number, unknown] {
    return [500, { statusCode: 500, error: 'Internal Server Error', message: 'An internal server error occurred.' }];
  }

  protected serve(method: string, path: string, headers: Record<string, string | string[] | undefined>, raw: string): [number, unknown] {
    if (headers.authorization !== `ApiKey ${this.apiKey}`)
      return [
        401,
        { statusCode: 401, error: 'Unauthorized', message: '[security_exception]: unable to authenticate with provided credentials' },
      ];
    if (!headers['kbn-xsrf']) return [400, { statusCode: 400, error: 'Bad Request', message: 'Request must contain a kbn-xsrf header.' }];
    const body = JSON.parse(raw || '{}') as { signal_ids?: string[]; status?: string; note?: { eventId?: string; note?: string } };
    if (method === 'POST' && path === '/api/detection_engine/signals/status') {
      if (!['open', 'closed', 'acknowledged', 'in-progress'].includes(body.status ?? ''))
        return [400, { statusCode: 400, error: 'Bad Request', message: `invalid status ${body.status}` }];
      const found = (body.signal_ids ?? []).filter((id) => this.alerts.has(id));
      for (const id of found) {
        this.alerts.get(id)!.status = body.status!;
        this.statusWrites.push(id);
      }
      return [
        200,
        {
          took: 3,
          timed_out: false,
          total: found.length,
          updated: found.length,
          deleted: 0,
          batches: 1,
          version_conflicts: 0,
          noops: 0,
          failures: [],
        },
      ];
    }
    if (method === 'PATCH' && path === '/api/note') {
      const alert = this.alerts.get(body.note?.eventId ?? '');
      if (!alert || !body.note?.note) return [400, { statusCode: 400, error: 'Bad Request', message: 'eventId and note are required' }];
      alert.notes.push(body.note.note);
      return [200, { note: { noteId: `n-${alert.notes.length}`, eventId: body.note.eventId, note: body.note.note } }];
    }
    return [404, { statusCode: 404, error: 'Not Found', message: 'Not Found' }];
  }
}

export interface Notable {
  status: string;
  comments: string[];
}

export class SplunkEsServer extends FaultyServer {
  readonly notables = new Map<string, Notable>();
  readonly updates: string[] = [];

  constructor(
    private readonly token: string,
    ids: string[],
  ) {
    super();
    for (const id of ids) this.notables.set(id, { status: '1', comments: [] });
  }

  protected serverError(): [number, unknown] {
    return [503, { messages: [{ type: 'ERROR', text: 'Service Unavailable' }] }];
  }

  protected serve(method: string, path: string, headers: Record<string, string | string[] | undefined>, raw: string): [number, unknown] {
    if (headers.authorization !== `Bearer ${this.token}`)
      return [401, { messages: [{ type: 'WARN', text: 'call not properly authenticated' }] }];
    if (method !== 'POST' || path !== '/services/notable_update') return [404, { messages: [{ type: 'ERROR', text: 'Not Found' }] }];
    const form = new URLSearchParams(raw);
    const ids = (form.get('ruleUIDs') ?? '').split(',').filter(Boolean);
    const found = ids.filter((id) => this.notables.has(id));
    if (!found.length)
      return [200, { success: false, message: 'No valid notable events provided', details: {}, failure_count: ids.length }];
    for (const id of found) {
      const n = this.notables.get(id)!;
      if (form.get('status')) n.status = form.get('status')!;
      if (form.get('comment')) n.comments.push(form.get('comment')!);
      this.updates.push(id);
    }
    return [200, { success: true, message: `${found.length} event updated successfully`, details: {}, failure_count: 0 }];
  }
}
