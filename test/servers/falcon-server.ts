// A local HTTP server that speaks the part of the CrowdStrike Falcon API autosoc uses, with
// paths, bodies and envelopes ({meta, resources, errors}) as in the Falcon API reference
// that FalconPy and PSFalcon mirror: POST /oauth2/token (form client_id/client_secret →
// 201 access_token), and Real Time Response single-host sessions: POST/DELETE
// /real-time-response/entities/sessions/v1, POST/GET .../active-responder-command/v1,
// GET .../file/v2?session_id=, GET .../extracted-file-contents/v1.
// extracted-file-contents answers the raw file bytes unless `wrapDownload` wraps them; tests
// set it to a real 7z with password "infected" (seven-zip-archive.ts), as the real API answers.
// Reproduced from the API as falconpy (src/falconpy/real_time_response.py) and gofalcon
// (falcon/client/real_time_response) document it:
// - command output in chunks: GET .../active-responder-command/v1 with sequence_id=n answers
//   chunk n of stdout (chunkChars each), `complete` only on the last (RTR_CheckActiveResponderCommandStatus);
// - sessions expire after 10 idle minutes (sessionTtlMs, on `clock`); running a command or POST
//   .../refresh-session/v1 (RTR_PulseSession) restarts the timer, status checks do not; an
//   expired session's calls answer 404;
// - rate limits: with throttleNext, 429 with X-RateLimit-Limit, X-RateLimit-Remaining and
//   X-RateLimit-RetryAfter (the epoch second when requests are taken again).
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback, readBody, type LoopbackServer } from './listen-on-loopback';

export interface FalconHost {
  files: Record<string, Buffer>;
  psOutput?: string;
}
/** normal; server-error: 500 on RTR endpoints (token still works); hang: RTR endpoints never answer. */
export type FalconMode = 'normal' | 'server-error' | 'hang';

interface Command {
  deviceId: string;
  sessionId: string;
  baseCommand: string;
  commandString: string;
  polls: number;
  cloudRequestId: string;
  stdout?: string;
  stderr?: string;
}
interface SessionFile {
  id: string;
  cloud_request_id: string;
  name: string;
  sha256: string;
  size: number;
  session_id: string;
  created_at: string;
  content: Buffer;
}

export class FalconServer {
  readonly requests: { method: string; path: string; query: Record<string, string>; authorization?: string }[] = [];
  readonly commands: Command[] = [];
  readonly deletedSessions: string[] = [];
  tokensIssued = 0;
  mode: FalconMode = 'normal';
  /** Status polls a command needs before it reports complete. */
  pollsUntilComplete = 2;
  /** File-list calls after completion before the collected file shows up (sensor upload lag). */
  listsUntilUploaded = 1;
  /** What the download answers instead of the raw bytes (tests set a real 7z: seven-zip-archive.ts). */
  wrapDownload?: (content: Buffer) => Buffer | Promise<Buffer>;
  /** Characters of output per sequence_id chunk. */
  chunkChars = 64 * 1024;
  /** Session age is measured on this clock when set (a test shares it with the client), else on the wall clock. */
  manualClock?: { now: number };
  /** With manualClock: the time each command-status check stands for (the wait between polls). */
  advancePerStatusMs = 0;
  readonly sessionTtlMs = 10 * 60_000;
  readonly pulses: string[] = [];
  /** Answer 429 (rate limited) to the next N RTR requests. */
  throttleNext = 0;
  throttled = 0;
  private tokens = new Set<string>();
  private sessions = new Map<
    string,
    { deviceId: string; files: SessionFile[]; pendingUploads: { file: SessionFile; lists: number }[]; touchedAt: number }
  >();

  private now(): number {
    return this.manualClock ? this.manualClock.now : Date.now();
  }

  /** The session if it exists and has not idled past its ten minutes. */
  private liveSession(id: string) {
    const session = this.sessions.get(id);
    if (session && this.now() - session.touchedAt > this.sessionTtlMs) this.sessions.delete(id);
    return this.sessions.get(id);
  }
  private listening?: LoopbackServer;

  constructor(private readonly opts: { clientId: string; clientSecret: string; hosts: Record<string, FalconHost> }) {}

  /** Invalidates every token issued so far (as if they expired). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  /** Forgets every session (as if they expired after ten idle minutes). */
  expireSessions(): void {
    this.sessions.clear();
  }

  private send(res: ServerResponse, status: number, resources: unknown[] | null, errors: { code: number; message: string }[] = []): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        meta: { query_time: 0.01, powered_by: 'empower-api', trace_id: randomUUID() },
        resources,
        errors,
      }),
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const authorization = req.headers.authorization;
    this.requests.push({ method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), authorization });
    const raw = (await readBody(req)).toString('utf8');

    if (req.method === 'POST' && url.pathname === '/oauth2/token') {
      const form = new URLSearchParams(raw);
      if (form.get('client_id') !== this.opts.clientId || form.get('client_secret') !== this.opts.clientSecret) {
        return this.send(res, 401, null, [{ code: 401, message: 'access denied, invalid client credentials' }]);
      }
      const token = randomUUID().replace(/-/g, '');
      this.tokens.add(token);
      this.tokensIssued += 1;
      res
        .writeHead(201, { 'content-type': 'application/json' })
        .end(JSON.stringify({ access_token: token, token_type: 'bearer', expires_in: 1799 }));
      return;
    }
    const bearer = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    if (!bearer || !this.tokens.has(bearer))
      return this.send(res, 401, null, [{ code: 401, message: 'access denied, authorization failed' }]);
    if (this.mode === 'hang') return;
    if (this.mode === 'server-error') return this.send(res, 500, null, [{ code: 500, message: 'internal error' }]);
    if (this.throttleNext > 0) {
      this.throttleNext -= 1;
      this.throttled += 1;
      res
        .writeHead(429, {
          'content-type': 'application/json',
          'x-ratelimit-limit': '6000',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-retryafter': String(Math.floor(Date.now() / 1000) + 1),
        })
        .end(
          JSON.stringify({
            meta: { query_time: 0, powered_by: 'empower-api', trace_id: randomUUID() },
            resources: null,
            errors: [{ code: 429, message: 'API rate limit exceeded.' }],
          }),
        );
      return;
    }

    const json = () => (raw ? (JSON.parse(raw) as Record<string, unknown>) : {});
    const p = url.pathname;
    if (p === '/real-time-response/entities/sessions/v1' && req.method === 'POST') return this.initSession(json(), res);
    if (p === '/real-time-response/entities/sessions/v1' && req.method === 'DELETE') {
      const id = url.searchParams.get('session_id') ?? '';
      this.sessions.delete(id);
      this.deletedSessions.push(id);
      res.writeHead(204).end();
      return;
    }
    if (p === '/real-time-response/entities/refresh-session/v1' && req.method === 'POST') return this.pulse(json(), res);
    if (p === '/real-time-response/entities/active-responder-command/v1' && req.method === 'POST') return this.runCommand(json(), res);
    if (p === '/real-time-response/entities/active-responder-command/v1' && req.method === 'GET') {
      return this.commandStatus(url.searchParams.get('cloud_request_id') ?? '', Number(url.searchParams.get('sequence_id') ?? 0), res);
    }
    if (p === '/real-time-response/entities/file/v2' && req.method === 'GET')
      return this.listFiles(url.searchParams.get('session_id') ?? '', res);
    if (p === '/real-time-response/entities/extracted-file-contents/v1' && req.method === 'GET')
      return this.download(url.searchParams, res);
    this.send(res, 404, null, [{ code: 404, message: `no route ${req.method} ${p}` }]);
  }

  private initSession(body: Record<string, unknown>, res: ServerResponse): void {
    const deviceId = String(body.device_id ?? '');
    if (!this.opts.hosts[deviceId])
      return this.send(res, 404, [], [{ code: 404, message: `Could not find sensor with device_id ${deviceId}` }]);
    const sessionId = randomUUID();
    this.sessions.set(sessionId, { deviceId, files: [], pendingUploads: [], touchedAt: this.now() });
    this.send(res, 201, [
      { session_id: sessionId, scripts: [], existing_aid_sessions: 1, created_at: new Date().toISOString(), offline_queued: false },
    ]);
  }

  private pulse(body: Record<string, unknown>, res: ServerResponse): void {
    const deviceId = String(body.device_id ?? '');
    const live = [...this.sessions.keys()].filter((id) => this.liveSession(id)?.deviceId === deviceId);
    if (live.length === 0) return this.send(res, 404, [], [{ code: 404, message: 'session not found or expired' }]);
    for (const id of live) this.sessions.get(id)!.touchedAt = this.now();
    this.pulses.push(deviceId);
    this.send(res, 201, [
      { session_id: live[0], scripts: [], existing_aid_sessions: 1, created_at: new Date(this.now()).toISOString(), offline_queued: false },
    ]);
  }

  private runCommand(body: Record<string, unknown>, res: ServerResponse): void {
    const session = this.liveSession(String(body.session_id ?? ''));
    if (!session) return this.send(res, 404, [], [{ code: 404, message: 'session not found' }]);
    session.touchedAt = this.now();
    if (session.deviceId !== body.device_id)
      return this.send(res, 400, [], [{ code: 400, message: 'device_id does not match the session' }]);
    const baseCommand = String(body.base_command ?? '');
    const commandString = String(body.command_string ?? '');
    if (!['get', 'ps'].includes(baseCommand) || !commandString.startsWith(baseCommand)) {
      return this.send(res, 400, [], [{ code: 40006, message: `command not supported by this server: ${baseCommand}` }]);
    }
    const cloudRequestId = randomUUID();
    this.commands.push({
      deviceId: session.deviceId,
      sessionId: String(body.session_id),
      baseCommand,
      commandString,
      polls: 0,
      cloudRequestId,
    });
    this.send(res, 201, [{ session_id: body.session_id, cloud_request_id: cloudRequestId, queued_command_offline: false }]);
  }

  private commandStatus(cloudRequestId: string, sequenceId: number, res: ServerResponse): void {
    if (this.manualClock) this.manualClock.now += this.advancePerStatusMs;
    const command = this.commands.find((c) => c.cloudRequestId === cloudRequestId);
    const session = command && this.liveSession(command.sessionId);
    if (!command || !session) return this.send(res, 404, [], [{ code: 404, message: 'Could not find command or its session' }]);
    if (sequenceId > 0) return this.chunk(command, sequenceId, res);
    command.polls += 1;
    const complete = command.polls >= this.pollsUntilComplete;
    let stdout = '';
    let stderr = '';
    if (complete && command.baseCommand === 'ps') stdout = this.opts.hosts[command.deviceId].psOutput ?? '';
    if (complete && command.baseCommand === 'get') {
      // Completion is reported on every poll from here on; the upload is queued only once.
      const arg = command.commandString
        .slice(4)
        .trim()
        .replace(/^"(.*)"$/, '$1');
      const content = this.opts.hosts[command.deviceId].files[arg];
      if (!content) stderr = `Could not find file ${arg}`;
      else {
        stdout = `${arg} collected`;
        if (command.polls === this.pollsUntilComplete) {
          session.pendingUploads.push({
            lists: 0,
            file: {
              id: randomUUID(),
              cloud_request_id: cloudRequestId,
              name: arg,
              sha256: createHash('sha256').update(content).digest('hex'),
              size: content.length,
              session_id: command.sessionId,
              created_at: new Date().toISOString(),
              content,
            },
          });
        }
      }
    }
    if (!complete)
      return this.send(res, 200, [
        {
          session_id: command.sessionId,
          task_id: cloudRequestId,
          complete,
          stdout,
          stderr,
          base_command: command.baseCommand,
          sequence_id: 0,
        },
      ]);
    command.stdout = stdout;
    command.stderr = stderr;
    this.chunk(command, 0, res);
  }

  /** Chunk n of a finished command's stdout; complete on the last. */
  private chunk(command: Command, n: number, res: ServerResponse): void {
    const out = command.stdout ?? '';
    const chunks = Math.max(1, Math.ceil(out.length / this.chunkChars));
    if (command.stdout === undefined || n >= chunks)
      return this.send(res, 404, [], [{ code: 404, message: `no sequence ${n} for this command` }]);
    this.send(res, 200, [
      {
        session_id: command.sessionId,
        task_id: command.cloudRequestId,
        complete: n === chunks - 1,
        base_command: command.baseCommand,
        sequence_id: n,
        stdout: out.slice(n * this.chunkChars, (n + 1) * this.chunkChars),
        stderr: n === 0 ? (command.stderr ?? '') : '',
      },
    ]);
  }

  private listFiles(sessionId: string, res: ServerResponse): void {
    const session = this.liveSession(sessionId);
    if (!session) return this.send(res, 404, [], [{ code: 404, message: 'session not found' }]);
    for (const pending of session.pendingUploads) {
      pending.lists += 1;
      if (pending.lists > this.listsUntilUploaded) session.files.push(pending.file);
    }
    session.pendingUploads = session.pendingUploads.filter((u) => !session.files.includes(u.file));
    this.send(
      res,
      200,
      session.files.map(({ content: _content, ...f }) => ({ ...f, deleted_at: null, updated_at: f.created_at })),
    );
  }

  private async download(q: URLSearchParams, res: ServerResponse): Promise<void> {
    const session = this.liveSession(q.get('session_id') ?? '');
    const file = session?.files.find((f) => f.sha256 === q.get('sha256') && f.name === q.get('filename'));
    if (!file) return this.send(res, 404, [], [{ code: 404, message: 'file not found in session' }]);
    const body = this.wrapDownload ? await this.wrapDownload(file.content) : file.content;
    res.writeHead(200, { 'content-type': 'application/x-7z-compressed', 'content-length': String(body.length) }).end(body);
  }

  async start(): Promise<string> {
    this.listening = await listenOnLoopback((req, res) => this.handle(req, res));
    return this.listening.url;
  }

  async stop(): Promise<void> {
    await this.listening?.close();
  }
}
