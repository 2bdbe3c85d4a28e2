// A local OpenTelemetry collector's OTLP/HTTP trace receiver, as the OTLP specification
// (opentelemetry.io/docs/specs/otlp/, "OTLP/HTTP") describes it:
// - POST /v1/traces with an ExportTraceServiceRequest; "application/json" is the Protobuf
//   message in proto3 JSON (trace and span ids as hex strings, "OTLP/HTTP > JSON Protobuf
//   Encoding"), optionally gzip-compressed (Content-Encoding: gzip).
// - Success: 200 with an ExportTraceServiceResponse ({} in JSON). A body that does not parse:
//   400. Another content type: 415 (this receiver decodes JSON only).
import { gunzipSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback, readBody, type LoopbackServer } from './listen-on-loopback';

export interface ReceivedSpan {
  service: string;
  scope: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface KeyValue {
  key: string;
  value: AnyValue;
}
interface ExportTraceServiceRequest {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: {
      scope?: { name?: string };
      spans?: { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: KeyValue[] }[];
    }[];
  }[];
}

const valueOf = (v: AnyValue) =>
  v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : undefined) ?? v.boolValue ?? v.doubleValue;
const attributes = (kvs: KeyValue[] = []) => Object.fromEntries(kvs.map((kv) => [kv.key, valueOf(kv.value)]));

export class OtlpServer {
  readonly spans: ReceivedSpan[] = [];
  requests = 0;
  private listening?: LoopbackServer;

  get url(): string {
    if (!this.listening) throw new Error('server not started');
    return this.listening.url;
  }

  async start(): Promise<void> {
    this.listening = await listenOnLoopback((req, res) => this.handle(req, res));
  }
  async stop(): Promise<void> {
    await this.listening?.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    if (req.method !== 'POST' || req.url !== '/v1/traces') return void res.writeHead(404).end();
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return void res.writeHead(415).end();
    let body: ExportTraceServiceRequest;
    try {
      body = JSON.parse((req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8')) as ExportTraceServiceRequest;
    } catch {
      return void res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ code: 3, message: 'bad ExportTraceServiceRequest' }));
    }
    this.requests += 1;
    for (const rs of body.resourceSpans ?? []) {
      const service = String(attributes(rs.resource?.attributes)['service.name'] ?? '');
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          this.spans.push({
            service,
            scope: ss.scope?.name ?? '',
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId || undefined,
            name: s.name,
            kind: s.kind,
            attributes: attributes(s.attributes),
          });
        }
      }
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  }
}
