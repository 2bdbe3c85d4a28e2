// A local Slack: the Web API methods autosoc calls, a response_url receiver, and Slack's side
// of interactivity (signed block_actions payloads), following Slack's documentation:
// - "Web API basics": POST https://slack.com/api/<method>, JSON body with Authorization: Bearer;
//   every answer is HTTP 200 `{ ok: true, ... }` or `{ ok: false, error }` (invalid_auth for a
//   token it does not know, channel_not_found, ...).
// - chat.postMessage ("Methods > chat.postMessage"): answers `{ ok, channel, ts, message }`.
// - chat.update ("Methods > chat.update"): `{ ok, channel, ts, text }`; message_not_found for an unknown ts.
// - "Rate limits": HTTP 429 with `Retry-After: <seconds>` (throttleNext).
// - "Handling user interaction > response_url": POST JSON `{ response_type: 'ephemeral', ... }`.
// - Uploading files ("Methods > files.getUploadURLExternal", "files.completeUploadExternal"):
//   getUploadURLExternal { filename, length } → { ok, upload_url, file_id }, missing_argument when
//   the length is 0 or absent; the bytes POSTed (raw or multipart) to upload_url answer HTTP 200
//   "OK - <bytes>"; completeUploadExternal { files: [{ id, title }], channel_id } → { ok, files },
//   file_not_found for an id never uploaded, channel_not_found, not_in_channel when the bot is not
//   a member. files.upload was retired: method_deprecated.
// - "Verifying requests from Slack": X-Slack-Signature `v0=` HMAC-SHA256 of `v0:<ts>:<body>`,
//   X-Slack-Request-Timestamp; the payload form-encoded as `payload=<json>` ("Interaction payloads").
import { randomBytes } from 'node:crypto';
import { slackSignature } from '../../src/connectors/slack/signature';
import { listenOnLoopback, readBody, type LoopbackServer } from './listen-on-loopback';

export interface SharedFile {
  id: string;
  filename: string;
  title: string;
  channel: string;
  initialComment?: string;
  bytes: Buffer;
  contentType: string;
}

export interface PostedMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  updates: { text: string; blocks: unknown[] }[];
}

export class SlackServer {
  readonly token = `xoxb-${randomBytes(12).toString('hex')}`;
  readonly signingSecret = randomBytes(16).toString('hex');
  readonly teamId = 'T0AUTOSOC';
  readonly messages: PostedMessage[] = [];
  readonly responses: { path: string; body: Record<string, unknown> }[] = [];
  /** Files shared by files.completeUploadExternal, with the bytes that were uploaded. */
  readonly files: SharedFile[] = [];
  /** Channels that exist, and whether the bot is a member (not_in_channel otherwise). */
  readonly channels = new Map<string, { member: boolean }>([
    ['C0SOCALERTS', { member: true }],
    ['C0SOCREPORTS', { member: true }],
    ['C0NOTJOINED', { member: false }],
  ]);
  private readonly uploads = new Map<string, { filename: string; length: number; bytes?: Buffer; contentType?: string }>();
  /** Web API calls by method, injected faults included. */
  readonly calls: string[] = [];
  /** The next N Web API calls answer 429 with Retry-After. */
  throttleNext = 0;
  retryAfterSeconds = 1;
  /** The next N Web API calls answer `{ ok: false, error: failWith }`. */
  failNext = 0;
  failWith = 'internal_error';
  private seq = 0;
  private listening?: LoopbackServer;

  get url(): string {
    if (!this.listening) throw new Error('not started');
    return this.listening.url;
  }
  /** The Web API base URL (AUTOSOC_SLACK_API_URL). */
  get apiUrl(): string {
    return `${this.url}/api`;
  }

  async start(): Promise<void> {
    this.listening = await listenOnLoopback(async (req, res) => {
      const bytes = await readBody(req);
      const raw = bytes.toString('utf8');
      const path = req.url ?? '/';
      const json = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
      };
      if (path.startsWith('/response/')) {
        this.responses.push({ path, body: JSON.parse(raw) as Record<string, unknown> });
        return json(200, { ok: true });
      }
      const upload = /^\/upload\/v1\/(F[A-Z0-9]+)$/.exec(path)?.[1];
      if (upload && req.method === 'POST') return this.receiveUpload(upload, req.headers['content-type'], bytes, res);
      const method = /^\/api\/([a-z.A-Z]+)$/.exec(path)?.[1];
      if (!method || req.method !== 'POST') return json(404, { ok: false, error: 'unknown_method' });
      this.calls.push(method);
      if (this.throttleNext > 0) {
        this.throttleNext -= 1;
        return json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(this.retryAfterSeconds) });
      }
      if (req.headers.authorization !== `Bearer ${this.token}`) return json(200, { ok: false, error: 'invalid_auth' });
      if (this.failNext > 0) {
        this.failNext -= 1;
        return json(200, { ok: false, error: this.failWith });
      }
      if (method === 'files.upload') return json(200, { ok: false, error: 'method_deprecated' });
      if (method.startsWith('files.')) return json(200, this.filesMethod(method, this.argsOf(req.headers['content-type'], raw)));
      const body = JSON.parse(raw) as { channel?: string; ts?: string; text?: string; blocks?: unknown[] };
      if (!body.channel) return json(200, { ok: false, error: 'channel_not_found' });
      if (!body.text && !body.blocks) return json(200, { ok: false, error: 'no_text' });
      if (method === 'chat.postMessage') {
        const ts = `1700000000.${String(++this.seq).padStart(6, '0')}`;
        const channel = body.channel.startsWith('#') ? 'C0SOCALERTS' : body.channel;
        this.messages.push({ channel, ts, text: body.text ?? '', blocks: body.blocks ?? [], updates: [] });
        return json(200, { ok: true, channel, ts, message: { text: body.text, blocks: body.blocks } });
      }
      if (method === 'chat.update') {
        const m = this.messages.find((x) => x.channel === body.channel && x.ts === body.ts);
        if (!m) return json(200, { ok: false, error: 'message_not_found' });
        m.updates.push({ text: body.text ?? '', blocks: body.blocks ?? [] });
        return json(200, { ok: true, channel: m.channel, ts: m.ts, text: body.text });
      }
      return json(200, { ok: false, error: 'unknown_method' });
    });
  }

  async stop(): Promise<void> {
    await this.listening?.close();
  }

  /** Web API arguments: a JSON body, or form fields (arrays given as JSON text, as Slack takes them). */
  private argsOf(contentType: string | undefined, raw: string): Record<string, unknown> {
    if ((contentType ?? '').startsWith('application/json')) return JSON.parse(raw) as Record<string, unknown>;
    const form = Object.fromEntries(new URLSearchParams(raw));
    return { ...form, ...(form.files ? { files: JSON.parse(form.files) as unknown } : {}) };
  }

  private filesMethod(method: string, args: Record<string, unknown>): Record<string, unknown> {
    if (method === 'files.getUploadURLExternal') {
      const length = Number(args.length);
      if (typeof args.filename !== 'string' || !args.filename || !Number.isInteger(length) || length <= 0)
        return { ok: false, error: 'missing_argument' };
      const id = `F${String(++this.seq).padStart(10, '0')}`;
      this.uploads.set(id, { filename: args.filename, length });
      return { ok: true, upload_url: `${this.url}/upload/v1/${id}`, file_id: id };
    }
    if (method === 'files.completeUploadExternal') {
      const files = args.files as { id?: string; title?: string }[] | undefined;
      if (!Array.isArray(files) || files.length === 0) return { ok: false, error: 'invalid_arguments' };
      const channel = String(args.channel_id ?? '');
      const known = this.channels.get(channel);
      if (channel && !known) return { ok: false, error: 'channel_not_found' };
      if (known && !known.member) return { ok: false, error: 'not_in_channel' };
      const found = files.map((f) => ({ f, u: this.uploads.get(f.id ?? '') }));
      if (found.some(({ u }) => !u?.bytes)) return { ok: false, error: 'file_not_found' };
      for (const { f, u } of found) {
        this.files.push({
          id: f.id!,
          filename: u!.filename,
          title: f.title ?? u!.filename,
          channel,
          bytes: u!.bytes!,
          contentType: u!.contentType ?? '',
          ...(typeof args.initial_comment === 'string' ? { initialComment: args.initial_comment } : {}),
        });
        this.uploads.delete(f.id!);
      }
      return { ok: true, files: found.map(({ f, u }) => ({ id: f.id, title: f.title ?? u!.filename, name: u!.filename })) };
    }
    return { ok: false, error: 'unknown_method' };
  }

  /** The upload URL: raw bytes or a multipart form whose file part holds them; a length other than the one declared is refused here (not a documented answer: it keeps a short upload from passing unnoticed). */
  private async receiveUpload(
    id: string,
    contentType: string | undefined,
    body: Buffer,
    res: import('node:http').ServerResponse,
  ): Promise<void> {
    const pending = this.uploads.get(id);
    if (!pending) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
    let bytes = body;
    let type = contentType ?? 'application/octet-stream';
    if (type.startsWith('multipart/form-data')) {
      const form = await new Response(body, { headers: { 'content-type': type } }).formData();
      const file = [...form.values()].find((v) => typeof v !== 'string');
      if (!file || typeof file === 'string') return void res.writeHead(400, { 'content-type': 'text/plain' }).end('no file part');
      bytes = Buffer.from(await file.arrayBuffer());
      type = file.type;
    }
    if (bytes.byteLength !== pending.length) return void res.writeHead(400, { 'content-type': 'text/plain' }).end('length mismatch');
    pending.bytes = bytes;
    pending.contentType = type;
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${bytes.byteLength}`);
  }

  /** What Slack sends when `userId` clicks a button on a posted message: headers and form body, signed. */
  click(m: PostedMessage, actionId: string, userId: string, opts: { timestamp?: number; signWith?: string; username?: string } = {}) {
    const action = (
      m.blocks.find((b) => (b as { type: string }).type === 'actions') as { elements: { action_id: string; value: string }[] }
    ).elements.find((e) => e.action_id === actionId)!;
    const payload = {
      type: 'block_actions',
      team: { id: this.teamId, domain: 'autosoc-test' },
      user: { id: userId, username: opts.username ?? userId.toLowerCase(), team_id: this.teamId },
      api_app_id: 'A0AUTOSOC',
      token: 'deprecated-verification-token',
      trigger_id: '1.2.3',
      container: { type: 'message', message_ts: m.ts, channel_id: m.channel, is_ephemeral: false },
      channel: { id: m.channel, name: 'soc-alerts' },
      message: { type: 'message', ts: m.ts, text: m.text, blocks: m.blocks },
      response_url: `${this.url}/response/${m.ts}`,
      actions: [{ type: 'button', action_id: actionId, block_id: 'autosoc_decision', value: action.value, action_ts: '1700000001.000001' }],
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
    return {
      body,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': slackSignature(opts.signWith ?? this.signingSecret, timestamp, Buffer.from(body)),
      },
    };
  }
}
