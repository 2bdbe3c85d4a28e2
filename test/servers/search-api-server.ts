// A local HTTP server that speaks the part of the Elasticsearch/OpenSearch `_search` API
// pollers use: POST /<index>/_search with size, sort (asc), search_after, match_all.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback, readBody, type LoopbackServer } from './listen-on-loopback';

export interface StoredDoc { _id: string; _source: Record<string, unknown> }

const fieldValue = (doc: StoredDoc, field: string): string | number =>
  field === '_id' ? doc._id : (doc._source[field] as string | number) ?? (field.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], doc._source) as string | number);

function compare(a: (string | number)[], b: (string | number)[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] < b[i]) return -1;
    if (a[i] > b[i]) return 1;
  }
  return 0;
}

export class SearchApiServer {
  readonly requests: { index: string; body: Record<string, unknown>; authorization?: string }[] = [];
  private listening?: LoopbackServer;
  private holds = new Map<number, { arrived: () => void; release: Promise<void> }>();

  constructor(private readonly docs: Map<string, StoredDoc[]>) {}

  /** The nth search request (1-based) waits for `release`; the promise resolves when it arrives. */
  hold(n: number): { arrived: Promise<void>; release: () => void } {
    let arrived!: () => void;
    let release!: () => void;
    const arrivedP = new Promise<void>((r) => { arrived = r; });
    const releaseP = new Promise<void>((r) => { release = r; });
    this.holds.set(n, { arrived, release: releaseP });
    return { arrived: arrivedP, release };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const m = /^\/([^/]+)\/_search$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !m) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'no such endpoint' }));
      return;
    }
    const index = decodeURIComponent(m[1]);
    const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as Record<string, unknown>;
    this.requests.push({ index, body, authorization: req.headers.authorization });
    const hold = this.holds.get(this.requests.length);
    if (hold) {
      hold.arrived();
      await hold.release;
    }
    const docs = this.docs.get(index);
    if (!docs) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { type: 'index_not_found_exception' }, status: 404 }));
      return;
    }
    const fields = (body.sort as Record<string, string>[]).map((s) => Object.keys(s)[0]);
    const after = body.search_after as (string | number)[] | undefined;
    const sorted = docs.map((d) => ({ d, sort: fields.map((f) => fieldValue(d, f)) })).sort((x, y) => compare(x.sort, y.sort));
    const page = sorted.filter((x) => !after || compare(x.sort, after) > 0).slice(0, Number(body.size ?? 10));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
      took: 1, timed_out: false,
      hits: { total: { value: docs.length, relation: 'eq' }, hits: page.map((x) => ({ _index: index, _id: x.d._id, _source: x.d._source, sort: x.sort })) },
    }));
  }

  async start(): Promise<string> {
    this.listening = await listenOnLoopback((req, res) => this.handle(req, res));
    return this.listening.url;
  }

  async stop(): Promise<void> {
    await this.listening?.close();
  }
}
