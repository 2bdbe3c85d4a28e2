// A local HTTP server that speaks the part of the CAPEv2 REST API v2 autosoc uses
// (https://capev2.readthedocs.io/en/latest/usage/api.html; routes and answers as in
// CAPEv2's web/apiv2/urls.py and views.py): POST /apiv2/tasks/create/file/ (multipart
// `file` plus form fields), GET /apiv2/tasks/status/<id>/, GET /apiv2/tasks/get/report/<id>/.
// Token auth as Django REST framework does it (`Authorization: Token <key>`, 401 with
// {"detail": ...}); CAPE-level errors as HTTP 200 {"error": true, "error_value": ...}.
// Each status call moves a task one step along its state sequence.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback, readBody, type LoopbackServer } from './listen-on-loopback';

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  content: Buffer;
}

/** RFC 7578 multipart/form-data, parsed from the raw body. */
export function parseMultipart(body: Buffer, contentType: string): MultipartPart[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!boundary) throw new Error('no multipart boundary');
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const parts: MultipartPart[] = [];
  let pos = body.indexOf(delimiter);
  while (pos !== -1) {
    let start = pos + delimiter.length;
    if (body.subarray(start, start + 2).toString('latin1') === '--') break; // closing delimiter
    if (body.subarray(start, start + 2).toString('latin1') === '\r\n') start += 2;
    const next = body.indexOf(delimiter, start);
    if (next === -1) throw new Error('multipart body has no closing delimiter');
    const part = body.subarray(start, next - 2); // the CRLF before a delimiter belongs to it
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd === -1) throw new Error('multipart part has no header end');
    const headers = part.subarray(0, headerEnd).toString('utf8');
    const disposition = /content-disposition:\s*form-data;([^\r\n]*)/i.exec(headers)?.[1] ?? '';
    const name = /\bname="([^"]*)"/.exec(disposition)?.[1];
    if (name === undefined) throw new Error('multipart part has no name');
    const filename = /\bfilename="([^"]*)"/.exec(disposition)?.[1];
    const type = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1];
    parts.push({
      name,
      ...(filename !== undefined ? { filename } : {}),
      ...(type ? { contentType: type } : {}),
      content: part.subarray(headerEnd + 4),
    });
    pos = next;
  }
  return parts;
}

export interface CapeSubmission {
  taskId: number;
  filename?: string;
  sha256: string;
  fields: Record<string, string>;
  content: Buffer;
}
/** normal; submit-error: create answers {error:true}; server-error: 500 everywhere; hang: never answers. */
export type CapeMode = 'normal' | 'submit-error' | 'server-error' | 'hang';

interface Task {
  submission: CapeSubmission;
  calls: number;
  sequence: string[];
}

export class CapeServer {
  readonly requests: { method: string; path: string; authorization?: string }[] = [];
  readonly submissions: CapeSubmission[] = [];
  mode: CapeMode = 'normal';
  /** The states successive status calls return for the next task submitted (the last one repeats). */
  statusSequence = ['pending', 'running', 'completed', 'reported'];
  private tasks = new Map<number, Task>();
  private nextId = 41;
  private listening?: LoopbackServer;

  constructor(private readonly opts: { token?: string; report: (s: CapeSubmission) => Record<string, unknown> }) {}

  private send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    const authorization = req.headers.authorization;
    this.requests.push({ method: req.method ?? '', path, authorization });
    const body = await readBody(req);
    if (this.mode === 'hang') return;
    if (this.opts.token) {
      if (!authorization) return this.send(res, 401, { detail: 'Authentication credentials were not provided.' });
      if (authorization !== `Token ${this.opts.token}`) return this.send(res, 401, { detail: 'Invalid token.' });
    }
    if (this.mode === 'server-error') {
      res.writeHead(500, { 'content-type': 'text/html' }).end('<h1>Server Error (500)</h1>');
      return;
    }
    if (req.method === 'POST' && path === '/apiv2/tasks/create/file/') return this.create(req, body, res);
    const status = /^\/apiv2\/tasks\/status\/(\d+)\/$/.exec(path);
    if (req.method === 'GET' && status) return this.status(Number(status[1]), res);
    const report = /^\/apiv2\/tasks\/get\/report\/(\d+)\/$/.exec(path);
    if (req.method === 'GET' && report) return this.report(Number(report[1]), res);
    this.send(res, 404, { detail: 'Not found.' });
  }

  private create(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    if (this.mode === 'submit-error') return this.send(res, 200, { error: true, error_value: 'Error adding task to database', errors: [] });
    let parts: MultipartPart[];
    try {
      parts = parseMultipart(body, req.headers['content-type'] ?? '');
    } catch (err) {
      return this.send(res, 400, { detail: `Multipart form parse error - ${(err as Error).message}` });
    }
    const file = parts.find((p) => p.name === 'file' && p.filename !== undefined);
    if (!file) return this.send(res, 200, { error: true, error_value: 'No file was submitted' });
    const taskId = this.nextId++;
    const submission: CapeSubmission = {
      taskId,
      filename: file.filename,
      sha256: createHash('sha256').update(file.content).digest('hex'),
      content: file.content,
      fields: Object.fromEntries(parts.filter((p) => p !== file).map((p) => [p.name, p.content.toString('utf8')])),
    };
    this.submissions.push(submission);
    this.tasks.set(taskId, { submission, calls: 0, sequence: [...this.statusSequence] });
    this.send(res, 200, { error: false, data: { task_ids: [taskId], message: `Task ID ${taskId} has been submitted` }, errors: [] });
  }

  /** Moves a task on: its next status calls return these states (the last one repeats). */
  advance(taskId: number, ...states: string[]): void {
    const task = this.tasks.get(taskId);
    if (!task) throw new Error(`no task ${taskId}`);
    task.sequence = [...task.sequence.slice(0, Math.max(task.calls, 1)), ...states];
  }

  private current(task: Task): string {
    return task.sequence[Math.min(Math.max(task.calls - 1, 0), task.sequence.length - 1)];
  }

  private status(taskId: number, res: ServerResponse): void {
    const task = this.tasks.get(taskId);
    if (!task) return this.send(res, 200, { error: true, error_value: 'Task does not exist' });
    task.calls += 1;
    this.send(res, 200, { error: false, data: this.current(task) });
  }

  private report(taskId: number, res: ServerResponse): void {
    const task = this.tasks.get(taskId);
    if (!task) return this.send(res, 200, { error: true, error_value: 'Task does not exist' });
    const state = this.current(task);
    if (state.startsWith('failed')) return this.send(res, 200, { error: true, error_value: 'Task failed' });
    if (state !== 'reported' || task.calls === 0) return this.send(res, 200, { error: true, error_value: 'Task is still being analyzed' });
    const json = JSON.stringify(this.opts.report(task.submission));
    res
      .writeHead(200, {
        'content-type': 'application/json; charset=UTF-8',
        'content-length': String(Buffer.byteLength(json)),
        'content-disposition': `attachment; filename=${taskId}_report.json`,
      })
      .end(json);
  }

  async start(): Promise<string> {
    this.listening = await listenOnLoopback((req, res) => this.handle(req, res));
    return this.listening.url;
  }

  async stop(): Promise<void> {
    await this.listening?.close();
  }
}
