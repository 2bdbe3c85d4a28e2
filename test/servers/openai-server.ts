// A local server that speaks the OpenAI Chat Completions API (POST /v1/chat/completions),
// answering with whatever the test scripts: a structured answer, malformed content, or nothing.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback, readBody, type LoopbackServer } from './listen-on-loopback';

export type Reply = { kind: 'json'; content: unknown } | { kind: 'raw'; content: string } | { kind: 'hang' } | { kind: 'status'; status: number };

export class OpenAiServer {
  readonly requests: { authorization?: string; body: Record<string, unknown> }[] = [];
  reply: Reply = { kind: 'status', status: 500 };
  private listening?: LoopbackServer;

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }));
      return;
    }
    this.requests.push({ authorization: req.headers.authorization, body: JSON.parse(body.toString('utf8')) });
    if (req.headers.authorization !== 'Bearer sk-test') {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } }));
      return;
    }
    const r = this.reply;
    if (r.kind === 'hang') return; // never answers: the client's timeout must fire
    if (r.kind === 'status') {
      res.writeHead(r.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `status ${r.status}` } }));
      return;
    }
    const content = r.kind === 'json' ? JSON.stringify(r.content) : r.content;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
      id: 'chatcmpl-local', object: 'chat.completion', created: 1_764_000_000, model: 'local-model',
      choices: [{ index: 0, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', content, refusal: null } }],
      usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
    }));
  }

  async start(): Promise<string> {
    this.listening = await listenOnLoopback((req, res) => this.handle(req, res));
    return `${this.listening.url}/v1`;
  }

  async stop(): Promise<void> {
    await this.listening?.close();
  }
}
