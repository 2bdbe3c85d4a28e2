// A local server that speaks the OpenAI Chat Completions API (POST /v1/chat/completions),
// answering with whatever the test scripts: a structured answer, malformed content, or nothing.
// Before that it refuses what the real API refuses, with its error shape (400,
// {error: {message, type: 'invalid_request_error', param, code}}):
// - a strict json_schema response_format using keywords outside the supported subset (OpenAI
//   guide "Structured Outputs > Supported schemas": no minLength/maxLength, patternProperties,
//   allOf, not, if/then/else…), an object without additionalProperties: false, or a property
//   left out of `required`;
// - a temperature other than the default 1 on a reasoning model (o-series, gpt-5): "Unsupported
//   value: 'temperature' does not support 0 with this model. Only the default (1) value is supported."
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback, readBody, type LoopbackServer } from './listen-on-loopback';

const SUPPORTED_KEYWORDS = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'const',
  'anyOf',
  '$ref',
  '$defs',
  'definitions',
  'description',
  'title',
  '$schema',
  'pattern',
  'format',
  'multipleOf',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minItems',
  'maxItems',
]);
const REASONING_MODEL = /^(o\d|gpt-5)/;

/** The first reason strict mode refuses a schema, worded as the API words it; undefined when it is accepted. */
export function strictSchemaProblem(schema: unknown, context: string[] = []): string | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  const where = `In context=(${context.map((c) => `'${c}'`).join(', ')})`;
  const node = schema as Record<string, unknown>;
  for (const key of Object.keys(node)) {
    if (!SUPPORTED_KEYWORDS.has(key)) return `${where}, '${key}' is not permitted.`;
  }
  if (node.type === 'object') {
    if (node.additionalProperties !== false) return `${where}, 'additionalProperties' is required to be supplied and to be false.`;
    const props = Object.keys((node.properties ?? {}) as object);
    const required = new Set((node.required ?? []) as string[]);
    const missing = props.find((p) => !required.has(p));
    if (missing)
      return `${where}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`;
  }
  for (const [k, v] of Object.entries((node.properties ?? {}) as Record<string, unknown>)) {
    const p = strictSchemaProblem(v, [...context, 'properties', k]);
    if (p) return p;
  }
  for (const key of ['items', 'anyOf', '$defs', 'definitions'] as const) {
    const sub = node[key];
    const subs: [string, unknown][] = Array.isArray(sub)
      ? sub.map((x, i) => [String(i), x])
      : key === 'items'
        ? [['', sub]]
        : Object.entries((sub ?? {}) as object);
    for (const [k, v] of subs) {
      const p = strictSchemaProblem(v, [...context, key, ...(k ? [k] : [])]);
      if (p) return p;
    }
  }
  return undefined;
}

export type Reply =
  { kind: 'json'; content: unknown } | { kind: 'raw'; content: string } | { kind: 'hang' } | { kind: 'status'; status: number };

export class OpenAiServer {
  readonly requests: { authorization?: string; body: Record<string, unknown> }[] = [];
  reply: Reply = { kind: 'status', status: 500 };
  private listening?: LoopbackServer;

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const model = /^\/v1\/models\/([^/]+)$/.exec(req.url ?? '');
    if (req.method === 'GET' && model) return this.retrieveModel(decodeURIComponent(model[1]), req, res);
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }));
      return;
    }
    this.requests.push({ authorization: req.headers.authorization, body: JSON.parse(body.toString('utf8')) });
    if (req.headers.authorization !== 'Bearer sk-test') {
      res
        .writeHead(401, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } }));
      return;
    }
    const refused = this.refusal(this.requests.at(-1)!.body);
    if (refused) {
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { type: 'invalid_request_error', ...refused } }));
      return;
    }
    const r = this.reply;
    if (r.kind === 'hang') return; // never answers: the client's timeout must fire
    if (r.kind === 'status') {
      res.writeHead(r.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `status ${r.status}` } }));
      return;
    }
    const content = r.kind === 'json' ? JSON.stringify(r.content) : r.content;
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        id: 'chatcmpl-local',
        object: 'chat.completion',
        created: 1_764_000_000,
        model: 'local-model',
        choices: [{ index: 0, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', content, refusal: null } }],
        usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
      }),
    );
  }

  /** GET /v1/models/{model} (API reference "Models > Retrieve model"): what `connectors check` reads. */
  private retrieveModel(id: string, req: IncomingMessage, res: ServerResponse): void {
    if (req.headers.authorization !== 'Bearer sk-test') {
      res.writeHead(401, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          error: { message: 'Incorrect API key provided', type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
        }),
      );
      return;
    }
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ id, object: 'model', created: 1_764_000_000, owned_by: 'system' }));
  }

  private refusal(body: Record<string, unknown>): { message: string; param: string; code: string | null } | undefined {
    const t = body.temperature;
    if (REASONING_MODEL.test(String(body.model)) && t !== undefined && t !== 1) {
      return {
        message: `Unsupported value: 'temperature' does not support ${String(t)} with this model. Only the default (1) value is supported.`,
        param: 'temperature',
        code: 'unsupported_value',
      };
    }
    const format = body.response_format as
      { type?: string; json_schema?: { name?: string; strict?: boolean; schema?: unknown } } | undefined;
    if (format?.type === 'json_schema' && format.json_schema?.strict) {
      const problem = strictSchemaProblem(format.json_schema.schema);
      if (problem)
        return {
          message: `Invalid schema for response_format '${format.json_schema.name}': ${problem}`,
          param: 'response_format',
          code: null,
        };
    }
    return undefined;
  }

  async start(): Promise<string> {
    this.listening = await listenOnLoopback((req, res) => this.handle(req, res));
    return `${this.listening.url}/v1`;
  }

  async stop(): Promise<void> {
    await this.listening?.close();
  }
}
