// A local HTTP server that speaks the part of the Microsoft Defender for Endpoint API autosoc
// uses, as documented on learn.microsoft.com (defender-endpoint/api/run-live-response,
// get-machineaction-object, get-live-response-result, cancel-machine-action), plus the
// Azure AD v2.0 client-credentials token endpoint:
//   POST /<tenant>/oauth2/v2.0/token (form grant_type, client_id, client_secret, scope)
//   POST /api/machines/{id}/runliveresponse → 201 machine action (status Pending)
//   GET  /api/machineactions/{id} → Pending → InProgress → Succeeded | Failed
//   GET  /api/machineactions/{id}/GetLiveResponseResultDownloadLink(index=0) → {value: url}
//   POST /api/machineactions/{id}/cancel
// Errors as {"error": {"code", "message", "target"}}; a second live response on a busy
// machine is 400 ActiveRequestAlreadyExists. The download link points at /storage/... on
// this server, standing in for the pre-signed blob URL. The GetFile result package it
// answers is a ZIP holding the collected file (as the real service's download is; the portal's
// "getfile" download is that same package), so a client storing the raw download stores the
// wrong name, type and hash.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback, readBody, type LoopbackServer } from './listen-on-loopback';
import { zipOne } from './zip-one';

export interface DefenderMachine {
  files: Record<string, Buffer>;
}
export type DefenderMode = 'normal' | 'server-error' | 'hang';

interface Action {
  id: string;
  machineId: string;
  path: string;
  comment: string;
  polls: number;
  status: 'Pending' | 'InProgress' | 'Succeeded' | 'Failed' | 'Cancelled';
  blob?: string;
}

export class DefenderServer {
  readonly requests: { method: string; path: string; authorization?: string }[] = [];
  readonly actions: Action[] = [];
  /** The Authorization header each storage download came with (it must be none). */
  readonly downloads: (string | undefined)[] = [];
  readonly tokenRequests: Record<string, string>[] = [];
  mode: DefenderMode = 'normal';
  /** Polls of GET /api/machineactions/{id} before the action ends (the first ones answer InProgress). */
  pollsUntilDone = 2;
  private tokens = new Set<string>();
  private blobs = new Map<string, Buffer>();
  private listening?: LoopbackServer;
  private url = '';

  constructor(
    private readonly opts: {
      tenant: string;
      clientId: string;
      clientSecret: string;
      scope: string;
      machines: Record<string, DefenderMachine>;
    },
  ) {}

  revokeTokens(): void {
    this.tokens.clear();
  }

  private error(res: ServerResponse, status: number, code: string, message: string): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code, message, target: randomUUID() } }));
  }

  private entity(a: Action): Record<string, unknown> {
    const now = new Date().toISOString();
    return {
      '@odata.context': `${this.url}/api/$metadata#MachineActions/$entity`,
      id: a.id,
      type: 'LiveResponse',
      requestor: 'autosoc-app',
      requestorComment: a.comment,
      status: a.status,
      machineId: a.machineId,
      computerDnsName: `${a.machineId.slice(0, 8)}.corp.example`,
      creationDateTimeUtc: now,
      lastUpdateDateTimeUtc: now,
      errorHResult: a.status === 'Failed' ? -2147024894 : 0,
      commands: [
        {
          index: 0,
          startTime: null,
          endTime: null,
          commandStatus: a.status === 'Succeeded' ? 'Completed' : a.status === 'Failed' ? 'Failed' : 'Created',
          errors: a.status === 'Failed' ? ['File not found'] : [],
          command: { type: 'GetFile', params: [{ key: 'Path', value: a.path }] },
        },
      ],
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const authorization = req.headers.authorization;
    this.requests.push({ method: req.method ?? '', path: url.pathname, authorization });
    const raw = (await readBody(req)).toString('utf8');
    const p = url.pathname;

    if (req.method === 'POST' && p === `/${this.opts.tenant}/oauth2/v2.0/token`) {
      const form = Object.fromEntries(new URLSearchParams(raw));
      this.tokenRequests.push(form);
      const json = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (form.grant_type !== 'client_credentials')
        return void json(400, { error: 'unsupported_grant_type', error_description: 'AADSTS70003: grant_type not supported' });
      if (form.client_id !== this.opts.clientId || form.client_secret !== this.opts.clientSecret) {
        return void json(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
      }
      if (form.scope !== this.opts.scope)
        return void json(400, { error: 'invalid_scope', error_description: 'AADSTS1002012: The provided value for scope is not valid.' });
      const token = randomUUID();
      this.tokens.add(token);
      return void json(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
    }
    if (req.method === 'GET' && p.startsWith('/storage/')) {
      this.downloads.push(authorization);
      const blob = this.blobs.get(p.slice('/storage/'.length));
      if (!blob || url.searchParams.get('sig') !== 'signed')
        return this.error(res, 403, 'AuthenticationFailed', 'Server failed to authenticate the request.');
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(blob.length) }).end(blob);
      return;
    }
    const bearer = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    if (!bearer || !this.tokens.has(bearer))
      return this.error(res, 401, 'Unauthorized', 'Authorization header is missing or the token is invalid');
    if (this.mode === 'hang') return;
    if (this.mode === 'server-error') return this.error(res, 500, 'InternalServerError', 'An error occurred');

    const run = /^\/api\/machines\/([^/]+)\/runliveresponse$/.exec(p);
    if (req.method === 'POST' && run) return this.runLiveResponse(decodeURIComponent(run[1]), raw, res);
    const link = /^\/api\/machineactions\/([^/]+)\/GetLiveResponseResultDownloadLink\(index=(\d+)\)$/.exec(p);
    if (req.method === 'GET' && link) return this.resultLink(link[1], Number(link[2]), res);
    const cancel = /^\/api\/machineactions\/([^/]+)\/cancel$/.exec(p);
    if (req.method === 'POST' && cancel) {
      const a = this.actions.find((x) => x.id === cancel[1]);
      if (!a) return this.error(res, 404, 'ResourceNotFound', 'Machine action was not found');
      if (a.status === 'Pending' || a.status === 'InProgress') a.status = 'Cancelled';
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.entity(a)));
    }
    const get = /^\/api\/machineactions\/([^/]+)$/.exec(p);
    if (req.method === 'GET' && get) return this.getAction(get[1], res);
    this.error(res, 404, 'ResourceNotFound', `no route ${req.method} ${p}`);
  }

  private runLiveResponse(machineId: string, raw: string, res: ServerResponse): void {
    const machine = this.opts.machines[machineId];
    if (!machine) return this.error(res, 404, 'ResourceNotFound', `Machine ${machineId} was not found`);
    let body: { Commands?: { type?: string; params?: { key?: string; value?: string }[] }[]; Comment?: string };
    try {
      body = JSON.parse(raw);
    } catch {
      return this.error(res, 400, 'InvalidRequestBody', 'Request body is not valid JSON');
    }
    const command = body.Commands?.[0];
    const path = command?.params?.find((x) => x.key === 'Path')?.value;
    if (body.Commands?.length !== 1 || command?.type !== 'GetFile' || !path)
      return this.error(res, 400, 'InvalidRequestBody', 'Expected one GetFile command with a Path');
    if (this.actions.some((a) => a.machineId === machineId && (a.status === 'Pending' || a.status === 'InProgress'))) {
      return this.error(res, 400, 'ActiveRequestAlreadyExists', 'Action is already in progress');
    }
    const action: Action = { id: randomUUID(), machineId, path, comment: body.Comment ?? '', polls: 0, status: 'Pending' };
    this.actions.push(action);
    res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(this.entity(action)));
  }

  private getAction(id: string, res: ServerResponse): void {
    const a = this.actions.find((x) => x.id === id);
    if (!a) return this.error(res, 404, 'ResourceNotFound', `Machine action ${id} was not found`);
    if (a.status === 'Pending' || a.status === 'InProgress') {
      a.polls += 1;
      if (a.polls < this.pollsUntilDone) a.status = 'InProgress';
      else {
        const content = this.opts.machines[a.machineId].files[a.path];
        a.status = content ? 'Succeeded' : 'Failed';
        if (content) {
          a.blob = randomUUID();
          this.blobs.set(a.blob, zipOne(a.path.split(/[\\/]/).pop() ?? 'file', content));
        }
      }
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.entity(a)));
  }

  private resultLink(id: string, index: number, res: ServerResponse): void {
    const a = this.actions.find((x) => x.id === id);
    if (!a) return this.error(res, 404, 'ResourceNotFound', `Machine action ${id} was not found`);
    if (a.status !== 'Succeeded' || index !== 0 || !a.blob) return this.error(res, 400, 'BadRequest', 'No result for this command index');
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        '@odata.context': `${this.url}/api/$metadata#Edm.String`,
        value: `${this.url}/storage/${a.blob}?se=2099-01-01T00%3A00%3A00Z&sp=r&sig=signed`,
      }),
    );
  }

  async start(): Promise<string> {
    this.listening = await listenOnLoopback((req, res) => this.handle(req, res));
    this.url = this.listening.url;
    return this.url;
  }

  async stop(): Promise<void> {
    await this.listening?.close();
  }
}
