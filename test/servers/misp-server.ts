// A local HTTP server that speaks the part of MISP's REST API autosoc pushes to, as MISP's
// OpenAPI document (https://www.misp-project.org/openapi/) describes it:
// - Authentication: the API key as the bare value of the Authorization header; a missing or
//   wrong key answers 403 {name, message, url} ("Authentication failed...").
// - Events > restSearchEvents: POST /events/restSearch {returnFormat: "json", uuid} answers
//   {"response": [{"Event": {...}}]}, an empty list when nothing matches.
// - Events > addEvent: POST /events/add with {"Event": {...}} (or the bare event) answers the
//   stored {"Event"} with its numeric id; an event whose uuid is already stored is refused with
//   403 "Event already exists..." and a Location header naming it (MISP's EventsController).
// - Events > editEvent: POST /events/edit/{eventId} (id or uuid) merges attributes by uuid and
//   answers the stored {"Event"}; an unknown event answers 404 {"name": "Invalid event"}.
// - Faults: failNext answers 500 "An Internal Error Has Occurred."; searchBlind makes
//   restSearch find nothing (an event the key's organisation cannot see in searches).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback, readBody, type LoopbackServer } from './listen-on-loopback';

type Json = Record<string, unknown>;
export interface StoredEvent extends Json {
  id: string;
  uuid: string;
  info: string;
  Attribute: (Json & { uuid: string })[];
  Tag: Json[];
}

const AUTH_FAILED =
  'Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.';

export class MispServer {
  readonly events = new Map<string, StoredEvent>();
  readonly calls: { method: string; path: string; accept?: string; contentType?: string }[] = [];
  failNext = 0;
  searchBlind = false;
  private nextId = 1;
  private listening?: LoopbackServer;

  constructor(private readonly apiKey: string) {}

  get url(): string {
    if (!this.listening) throw new Error('server not started');
    return this.listening.url;
  }

  /** Calls to a path (e.g. "/events/add"), or to paths starting with it. */
  count(path: string): number {
    return this.calls.filter((c) => c.path.startsWith(path)).length;
  }

  async start(): Promise<void> {
    this.listening = await listenOnLoopback((req, res) => this.handle(req, res));
  }

  async stop(): Promise<void> {
    await this.listening?.close();
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  }

  private error(res: ServerResponse, status: number, name: string, url: string, headers: Record<string, string> = {}): void {
    this.send(res, status, { name, message: name, url }, headers);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const raw = (await readBody(req)).toString('utf8');
    if (req.headers.authorization !== this.apiKey) return this.error(res, 403, AUTH_FAILED, path);
    this.calls.push({ method: req.method ?? '', path, accept: req.headers.accept, contentType: req.headers['content-type'] });
    if (this.failNext > 0) {
      this.failNext -= 1;
      return this.error(res, 500, 'An Internal Error Has Occurred.', path);
    }
    let body: Json;
    try {
      body = raw ? (JSON.parse(raw) as Json) : {};
    } catch {
      return this.error(res, 400, 'Invalid JSON input. Make sure that the JSON input is a correctly formatted JSON string.', path);
    }
    if (req.method !== 'POST') return this.error(res, 405, 'You do not have permission to use this functionality.', path);
    const event = (body.Event ?? body) as Json;

    if (path === '/events/restSearch') {
      const found = this.searchBlind ? undefined : this.events.get(String(body.uuid ?? ''));
      return this.send(res, 200, { response: found ? [{ Event: found }] : [] });
    }
    if (path === '/events/add') {
      const uuid = String(event.uuid ?? crypto.randomUUID());
      const existing = this.events.get(uuid);
      if (existing) {
        return this.error(res, 403, 'Event already exists, if you would like to edit it, use the url in the location header.', path, {
          location: `/events/view/${existing.id}`,
        });
      }
      if (typeof event.info !== 'string' || !event.info) return this.error(res, 403, 'Event could not be saved.', path);
      const stored: StoredEvent = {
        ...event,
        id: String(this.nextId++),
        uuid,
        info: event.info,
        Attribute: [...((event.Attribute ?? []) as StoredEvent['Attribute'])],
        Tag: [...((event.Tag ?? []) as Json[])],
      };
      this.events.set(uuid, stored);
      return this.send(res, 200, { Event: stored });
    }
    const edit = /^\/events\/edit\/([^/]+)$/.exec(path);
    if (edit) {
      const key = decodeURIComponent(edit[1]);
      const stored = this.events.get(key) ?? [...this.events.values()].find((e) => e.id === key);
      if (!stored) return this.error(res, 404, 'Invalid event', path);
      // MISP updates attributes it knows by uuid and adds the others; it deletes none.
      const attributes = new Map(stored.Attribute.map((a) => [a.uuid, a]));
      for (const a of (event.Attribute ?? []) as StoredEvent['Attribute']) attributes.set(a.uuid, { ...attributes.get(a.uuid), ...a });
      const updated: StoredEvent = {
        ...stored,
        ...event,
        id: stored.id,
        uuid: stored.uuid,
        info: String(event.info ?? stored.info),
        Attribute: [...attributes.values()],
        Tag: (event.Tag ?? stored.Tag) as Json[],
      };
      this.events.set(stored.uuid, updated);
      return this.send(res, 200, { Event: updated });
    }
    return this.error(res, 404, 'Not Found', path);
  }
}
