// A local HTTP server that speaks the part of the Elasticsearch/OpenSearch `_search` API
// pollers use, as Elasticsearch 8 answers it:
// - POST /<index>/_search with size, sort (asc), search_after (Elasticsearch Guide, "Paginate
//   search results > Search after"); sort values of date fields come back as epoch
//   milliseconds, and search_after takes them so.
// - query: match_all, term, range (gte/lte, format epoch_millis or dates) and bool.filter/must
//   (Query DSL reference); any other query is the 400 parsing_exception "unknown query".
// - sorting on `_id` is the 400 search_phase_execution_exception whose root cause is the
//   illegal_argument_exception "Fielddata access on the _id field is disallowed…", because
//   `indices.id_field_data.enabled` is false by default since 8.0 (elastic/elasticsearch#49166).
// - TLS with a certificate the test issues (the Wazuh indexer's self-signed CA) when started
//   with { tls: { key, cert } }.
// - `index` on a stored doc lets a test index a document late (after the poller has passed its time).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback, readBody, type LoopbackServer } from './listen-on-loopback';

export interface StoredDoc {
  _id: string;
  _source: Record<string, unknown>;
}

const ID_FIELDDATA =
  'Fielddata access on the _id field is disallowed, you can re-enable it by updating the dynamic cluster setting: indices.id_field_data.enabled';
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

function rawValue(doc: StoredDoc, field: string): unknown {
  if (field in doc._source) return doc._source[field];
  return field.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], doc._source);
}

/** A field's sortable value: dates as epoch milliseconds, as Elasticsearch returns them. */
function fieldValue(doc: StoredDoc, field: string): string | number | null {
  const v = rawValue(doc, field);
  if (typeof v === 'string' && ISO_DATE.test(v)) return Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return typeof v === 'string' || typeof v === 'number' ? v : null;
}

/** Ascending, missing values last (Elasticsearch's default "missing": "_last"). */
function compare(a: (string | number | null)[], b: (string | number | null)[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    if (a[i] === null) return 1;
    if (b[i] === null) return -1;
    return a[i]! < b[i]! ? -1 : 1;
  }
  return 0;
}

class QueryError extends Error {}

function toMillis(v: unknown): number {
  return typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : Date.parse(String(v));
}

function matches(doc: StoredDoc, q: Record<string, unknown>): boolean {
  const [type, spec] = Object.entries(q)[0] ?? ['match_all', {}];
  switch (type) {
    case 'match_all':
      return true;
    case 'term': {
      const [field, v] = Object.entries(spec as Record<string, unknown>)[0];
      const want = typeof v === 'object' && v !== null ? (v as { value: unknown }).value : v;
      return rawValue(doc, field) === want;
    }
    case 'range': {
      const [field, r] = Object.entries(spec as Record<string, { gte?: unknown; lte?: unknown; gt?: unknown; lt?: unknown }>)[0];
      const v = fieldValue(doc, field);
      if (v === null) return false;
      const n = typeof v === 'number' ? v : toMillis(v);
      return (
        (r.gte === undefined || n >= toMillis(r.gte)) &&
        (r.lte === undefined || n <= toMillis(r.lte)) &&
        (r.gt === undefined || n > toMillis(r.gt)) &&
        (r.lt === undefined || n < toMillis(r.lt))
      );
    }
    case 'bool': {
      const b = spec as { filter?: unknown; must?: unknown };
      const all = [b.filter, b.must].flatMap((c) => (c === undefined ? [] : Array.isArray(c) ? c : [c])) as Record<string, unknown>[];
      return all.every((c) => matches(doc, c));
    }
    default:
      throw new QueryError(`unknown query [${type}]`);
  }
}

export class SearchApiServer {
  readonly requests: { index: string; body: Record<string, unknown>; authorization?: string }[] = [];
  private listening?: LoopbackServer;
  private holds = new Map<number, { arrived: () => void; release: Promise<void> }>();

  constructor(
    private readonly docs: Map<string, StoredDoc[]>,
    private readonly opts: { tls?: { key: string; cert: string } } = {},
  ) {}

  /** Indexes a document now (a late arrival, whatever its timestamp). */
  index(index: string, doc: StoredDoc): void {
    this.docs.set(index, [...(this.docs.get(index) ?? []), doc]);
  }

  /** The nth search request (1-based) waits for `release`; the promise resolves when it arrives. */
  hold(n: number): { arrived: Promise<void>; release: () => void } {
    let arrived!: () => void;
    let release!: () => void;
    const arrivedP = new Promise<void>((r) => {
      arrived = r;
    });
    const releaseP = new Promise<void>((r) => {
      release = r;
    });
    this.holds.set(n, { arrived, release: releaseP });
    return { arrived: arrivedP, release };
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const m = /^\/([^/]+)\/_search$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !m) return this.send(res, 404, { error: 'no such endpoint' });
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
      return this.send(res, 404, {
        error: {
          root_cause: [{ type: 'index_not_found_exception', reason: `no such index [${index}]`, index }],
          type: 'index_not_found_exception',
          reason: `no such index [${index}]`,
          index,
        },
        status: 404,
      });
    }
    const fields = ((body.sort ?? []) as Record<string, string>[]).map((s) => Object.keys(s)[0]);
    if (fields.includes('_id')) {
      const cause = { type: 'illegal_argument_exception', reason: ID_FIELDDATA };
      return this.send(res, 400, {
        error: {
          root_cause: [cause],
          type: 'search_phase_execution_exception',
          reason: 'all shards failed',
          phase: 'query',
          grouped: true,
          failed_shards: [{ shard: 0, index, node: 'local-node', reason: cause }],
          caused_by: { ...cause, caused_by: cause },
        },
        status: 400,
      });
    }
    let hitDocs: StoredDoc[];
    try {
      hitDocs = docs.filter((d) => matches(d, (body.query ?? { match_all: {} }) as Record<string, unknown>));
    } catch (err) {
      if (!(err instanceof QueryError)) throw err;
      const cause = { type: 'parsing_exception', reason: err.message, line: 1, col: 1 };
      return this.send(res, 400, { error: { root_cause: [cause], ...cause }, status: 400 });
    }
    const after = body.search_after as (string | number)[] | undefined;
    const sorted = hitDocs.map((d) => ({ d, sort: fields.map((f) => fieldValue(d, f)) })).sort((x, y) => compare(x.sort, y.sort));
    const page = sorted.filter((x) => !after || compare(x.sort, after) > 0).slice(0, Number(body.size ?? 10));
    this.send(res, 200, {
      took: 1,
      timed_out: false,
      _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
      hits: {
        total: { value: hitDocs.length, relation: 'eq' },
        max_score: null,
        hits: page.map((x) => ({ _index: index, _id: x.d._id, _score: null, _source: x.d._source, sort: x.sort })),
      },
    });
  }

  async start(): Promise<string> {
    this.listening = await listenOnLoopback((req, res) => this.handle(req, res), this.opts);
    return this.listening.url;
  }

  async stop(): Promise<void> {
    await this.listening?.close();
  }
}
